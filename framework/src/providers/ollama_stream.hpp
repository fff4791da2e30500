// SPDX-License-Identifier: MIT
// Decodes Ollama's native /api/chat stream (NDJSON, wire-formats.md §C) into a Completion:
// message.content is the answer, message.thinking the reasoning, and the final
// `"done": true` line carries done_reason and the durations in nanoseconds (each field
// omitted when zero, as Go's omitempty does). A `{"error": ...}` line mid-stream is a
// stream error. It never throws on server input.
//
//   Completion c;
//   OllamaStreamDecoder decoder(c);
//   decoder.feed(chunk, seconds_since_request_sent);  // for each chunk libcurl delivers
//   decoder.finish(seconds_since_request_sent);       // once, when the transfer ends
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "goodput/completion.hpp"
#include "providers/reasoning_split.hpp"

namespace goodput {

class OllamaStreamDecoder {
 public:
  // `out` must outlive the decoder; it is filled in place as lines arrive.
  explicit OllamaStreamDecoder(Completion& out);

  // Bytes received at client time t_seconds, split anywhere (inside a line or a UTF-8
  // character). A line takes the time of the chunk that completed it. Ignored once finished().
  void feed(std::string_view bytes, double t_seconds);

  // The transfer ended at t_seconds: handles a last line that lacks its "\n", decides
  // whether the stream was complete (a done:true line arrived), estimates token counts the
  // server did not send and computes metrics. Later calls do nothing.
  void finish(double t_seconds);

  // True once the done line or an error arrived, or finish() was called.
  bool finished() const { return m_stopped || m_finish_called; }

 private:
  void handle_line(std::string_view line, double t_seconds);
  void handle_message(const nlohmann::json& message, double t_seconds);
  void handle_done(const nlohmann::json& line);
  void fail(ErrorKind kind, std::string message);

  void take_split(const detail::SplitText& piece, std::string& answer, std::string& reasoning);

  Completion& m_out;
  std::string m_line;  // the start of a line whose "\n" has not arrived yet
  // Models whose template leaves <think> tags in `content` (older Ollama builds, or think
  // not supported): the tags' text is reasoning, as in the openai dialect.
  detail::ReasoningSplitter m_splitter;
  bool m_thinking_field = false;      // the server sends `thinking`; tag copies in content are dropped
  std::int64_t m_answer_only_chunks = 0;
  bool m_done = false;
  bool m_stopped = false;
  bool m_finish_called = false;
};

// Ollama reports durations in nanoseconds.
constexpr double k_ollama_ns_per_s = 1e9;

}  // namespace goodput
