// SPDX-License-Identifier: MIT
// Decodes an OpenAI-style chat completions stream (SSE `data:` chunks ending in [DONE],
// wire-formats.md §0, §A, §B, §E) into a Completion: answer and reasoning text, the
// client's clock readings per chunk, usage, llama.cpp `timings` (also converted into
// Completion::server), the stop reason and any mid-stream error. What every stream shares
// (reasoning split, timing, token estimates, metrics) is StreamDecoder's.
//
// Reasoning comes from `reasoning_content` (llama.cpp, old vLLM, LM Studio) or `reasoning`
// (vLLM, Ollama /v1), and from `content` itself when the server left it there: think tags
// or gpt-oss harmony markers (ReasoningSplitter). A chunk counts for TTFT whatever it
// carries; time to first answer waits for real answer text.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "sse_parser.hpp"
#include "goodput/stream_decoder.hpp"

namespace goodput {

class OpenAiStreamDecoder : public StreamDecoder {
 public:
  using StreamDecoder::StreamDecoder;  // (Completion& out)

  // One JSON payload handled as if it were the data of one event, for a server that
  // answered with a plain JSON body (`stream: false`, or a server that ignored `stream`).
  // Ignored once finished().
  void feed_json(std::string_view json_text, double t_seconds);

 protected:
  void decode(std::string_view bytes, double t_seconds) override;
  void drain(double t_seconds) override;
  void finish_server_figures() override;
  std::string_view end_marker() const override { return "the server sent a finish reason or [DONE]"; }
  std::size_t buffered_bytes() const override { return m_parser.buffered_bytes(); }

 private:
  void handle_body(double t_seconds);  // Framing::json_body, once it is all there
  void handle_event(const detail::SseEvent& event, double t_seconds);
  void handle_data(std::string_view data, double t_seconds);
  void handle_chunk(const nlohmann::json& chunk, double t_seconds);
  void handle_choice(const nlohmann::json& choice, double t_seconds);
  void handle_usage(const nlohmann::json& usage);
  void handle_timings(const nlohmann::json& timings);

  // How the body is framed, decided by its first non-blank byte.
  enum class Framing { undecided, sse, json_body };
  Framing m_framing = Framing::undecided;
  detail::SseParser m_parser;
  std::string m_body;  // Framing::json_body: the reply so far
  double m_body_complete_s = 0;
};

}  // namespace goodput
