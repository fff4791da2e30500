// SPDX-License-Identifier: MIT
// Decodes LM Studio's REST v0 stream (POST /api/v0/chat/completions, wire-formats.md §D):
// OpenAI-style SSE chunks, decoded as OpenAiStreamDecoder does, plus LM Studio's own objects
// on the last chunks, read here in a second light pass over the same bytes:
//   stats      {tokens_per_second, time_to_first_token, generation_time (seconds), stop_reason}
//   model_info {arch, quant, format, context_length}
//   runtime    {name, version, supported_formats}
// stats go to Completion::server_timings as sent (source "lmstudio stats (s)") and to
// ServerFigures; model_info to server_model_info; runtime to server_version "name version".
// stats.stop_reason (camelCase: eosFound, maxPredictedTokensReached) is the server's word
// only when no chunk carried an OpenAI finish_reason.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "openai_stream.hpp"
#include "sse_parser.hpp"

namespace goodput {

class LmStudioStreamDecoder final : public OpenAiStreamDecoder {
 public:
  using OpenAiStreamDecoder::OpenAiStreamDecoder;  // (Completion& out)

 protected:
  void decode(std::string_view bytes, double t_seconds) override;
  void drain(double t_seconds) override;
  void finish_server_figures() override;
  std::size_t buffered_bytes() const override { return OpenAiStreamDecoder::buffered_bytes() + m_scan.buffered_bytes(); }

 private:
  void scan_event(const detail::SseEvent& event);

  detail::SseParser m_scan;  // a second parser over the same bytes, for LM Studio's objects
  std::map<std::string, double> m_stats;
  std::optional<double> m_stats_ttft;
  std::optional<double> m_stats_generation;
  std::optional<double> m_stats_tps;
  std::string m_stats_stop_reason;
  std::map<std::string, std::string> m_model_info;
  std::string m_runtime;
};

}  // namespace goodput
