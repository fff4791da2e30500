// SPDX-License-Identifier: MIT
// Decodes an OpenAI-style chat completions stream (SSE `data:` chunks ending in [DONE],
// wire-formats.md §0, §A, §B, §E) into a Completion: answer and reasoning text, the
// client's clock readings per chunk, usage, llama.cpp `timings` (also converted into
// Completion::server), the stop reason and any mid-stream error. It never throws on server
// input; what the server got wrong ends up in Completion::error.
//
// Reasoning comes from `reasoning_content` (llama.cpp, old vLLM, LM Studio) or `reasoning`
// (vLLM, Ollama /v1), and from `content` itself when the server left it there: think tags
// or gpt-oss harmony markers (ReasoningSplitter). A chunk counts for TTFT whatever it
// carries; time to first answer waits for real answer text.
//
//   Completion c;
//   OpenAiStreamDecoder decoder(c);
//   decoder.feed(chunk, seconds_since_request_sent);  // for each chunk libcurl delivers
//   decoder.finish(seconds_since_request_sent);       // once, when the transfer ends
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "goodput/completion.hpp"
#include "providers/reasoning_split.hpp"
#include "providers/sse_parser.hpp"

namespace goodput {

class OpenAiStreamDecoder {
 public:
  // `out` must outlive the decoder; it is filled in place as chunks arrive.
  explicit OpenAiStreamDecoder(Completion& out);

  // Bytes received at client time t_seconds (since the request was sent). Events take the
  // time of the chunk that completed them. Ignored once finished().
  void feed(std::string_view bytes, double t_seconds);

  // One JSON payload handled as if it were the data of one event, for a server that
  // answered with a plain JSON body (`stream: false`, or a server that ignored `stream`).
  void feed_json(std::string_view json_text, double t_seconds);

  // The transfer ended at t_seconds. Sets times.end, decides whether the stream was
  // complete, fills token estimates where the server sent no usage, then computes metrics.
  // Call it once, after the last feed(); later calls do nothing.
  void finish(double t_seconds);

  // True once no more bytes are wanted: [DONE] arrived, an error ended the stream, or
  // finish() was called. A provider may stop reading then.
  bool finished() const { return m_stopped || m_finish_called; }

 private:
  void handle_event(const detail::SseEvent& event, double t_seconds);
  void handle_data(std::string_view data, double t_seconds);
  void handle_chunk(const nlohmann::json& chunk, double t_seconds);
  void handle_choice(const nlohmann::json& choice, double t_seconds);
  void handle_usage(const nlohmann::json& usage);
  void handle_timings(const nlohmann::json& timings);
  // Adds what the splitter made of `content` to this chunk's `answer` and `reasoning`.
  void take_split(const detail::SplitText& piece, std::string& answer, std::string& reasoning);
  void fill_server_figures();
  void fail(ErrorKind kind, std::string message);

  Completion& m_out;
  detail::SseParser m_parser;
  detail::ReasoningSplitter m_splitter;
  bool m_reasoning_field = false;      // the server sent reasoning in its own field
  std::int64_t m_answer_only_chunks = 0;  // answer chunks without reasoning, so far
  bool m_done_marker = false;    // [DONE] arrived
  bool m_stopped = false;        // [DONE] or an error: later events are ignored
  bool m_finish_reason = false;  // some chunk carried a non-null finish_reason
  bool m_finish_called = false;
};

// A readable message for a non-2xx response body: the `error.message` (with its type and
// code) of an OpenAI-style body, a bare `{"error": "..."}` (Ollama), FastAPI's
// `{"detail": ...}`, else the first 200 bytes of the body.
std::string error_message_from_body(std::string_view body);

}  // namespace goodput
