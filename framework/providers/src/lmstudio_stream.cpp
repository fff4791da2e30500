// SPDX-License-Identifier: MIT
#include "lmstudio_stream.hpp"
#include "goodput/json_text.hpp"

#include <nlohmann/json.hpp>

#include "json_fields.hpp"

namespace goodput {

namespace {

using nlohmann::json;

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void LmStudioStreamDecoder::decode(std::string_view bytes, double t_seconds) {
  m_scan.feed(bytes, [&](const detail::SseEvent& event) { scan_event(event); });
  OpenAiStreamDecoder::decode(bytes, t_seconds);
}

void LmStudioStreamDecoder::drain(double t_seconds) {
  m_scan.finish([&](const detail::SseEvent& event) { scan_event(event); });
  // stats.stop_reason stands in for a missing finish_reason: passed to the OpenAI decoding as
  // one, it also counts as the server saying it is done.
  if (!m_stats_stop_reason.empty() && m_out.server_stop_reason.empty() && m_out.ok()) {
    if (!stopped()) {
      const json finish_chunk{{"choices", json::array({json{{"index", 0}, {"delta", json::object()},
                                                            {"finish_reason", m_stats_stop_reason}}})}};
      feed_json(detail::json_text(finish_chunk), t_seconds);
    } else {
      set_stop_reason(m_stats_stop_reason);
    }
  }
  OpenAiStreamDecoder::drain(t_seconds);
}

void LmStudioStreamDecoder::scan_event(const detail::SseEvent& event) {
  if (!event.has_data || event.event == "error") return;
  // Only chunks that carry LM Studio's objects matter; anything else (deltas, [DONE], bad
  // JSON) is the OpenAI decoder's business.
  if (event.data.find("\"stats\"") == std::string::npos && event.data.find("\"model_info\"") == std::string::npos &&
      event.data.find("\"runtime\"") == std::string::npos)
    return;
  const json chunk = json::parse(event.data, nullptr, false);
  if (chunk.is_discarded() || !chunk.is_object()) return;
  if (const auto stats = chunk.find("stats"); stats != chunk.end() && stats->is_object()) {
    m_stats.clear();
    for (const auto& [name, value] : stats->items()) {
      if (value.is_number()) m_stats[name] = value.get<double>();
    }
    m_stats_ttft = detail::non_negative_member(*stats, "time_to_first_token");
    m_stats_generation = detail::non_negative_member(*stats, "generation_time");
    m_stats_tps = detail::non_negative_member(*stats, "tokens_per_second");
    if (const auto reason = stats->find("stop_reason"); reason != stats->end() && reason->is_string())
      m_stats_stop_reason = reason->get<std::string>();
  }
  if (const auto info = chunk.find("model_info"); info != chunk.end() && info->is_object()) {
    m_model_info.clear();
    for (const auto& [name, value] : info->items()) {
      if (!value.is_null()) m_model_info[name] = text_of(value);
    }
  }
  if (const auto runtime = chunk.find("runtime"); runtime != chunk.end() && runtime->is_object()) {
    std::string name;
    std::string version;
    if (const auto it = runtime->find("name"); it != runtime->end() && !it->is_null()) name = text_of(*it);
    if (const auto it = runtime->find("version"); it != runtime->end() && !it->is_null()) version = text_of(*it);
    m_runtime = name + (name.empty() || version.empty() ? "" : " ") + version;
  }
}

void LmStudioStreamDecoder::finish_server_figures() {
  OpenAiStreamDecoder::finish_server_figures();
  if (!m_stats.empty()) {
    m_out.server_timings = m_stats;
    m_out.server_timings_source = "lmstudio stats (s)";
    m_out.server.ttft_s = m_stats_ttft;
    m_out.server.decode_s = m_stats_generation;
    m_out.server.decode_tps = m_stats_tps;
  }
  if (!m_model_info.empty()) m_out.server_model_info = m_model_info;
  if (!m_runtime.empty()) m_out.server_version = m_runtime;
}

}  // namespace goodput
