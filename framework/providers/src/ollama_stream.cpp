// SPDX-License-Identifier: MIT
#include "ollama_stream.hpp"

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "json_fields.hpp"
#include "server_errors.hpp"

namespace goodput {

namespace {

using nlohmann::json;
using detail::non_negative_member;
using detail::string_member;

// The metric fields of the final line (api/types.go Metrics); all omitempty.
constexpr const char* k_duration_fields[] = {"total_duration", "load_duration", "prompt_eval_duration", "eval_duration"};
constexpr const char* k_count_fields[] = {"prompt_eval_count", "eval_count"};

std::optional<std::int64_t> count_member(const json& object, const char* key) {
  const std::optional<double> value = non_negative_member(object, key);
  if (!value || *value >= 9e18 || std::floor(*value) != *value) return std::nullopt;
  return static_cast<std::int64_t>(*value);
}

}  // namespace

void OllamaStreamDecoder::decode(std::string_view bytes, double t_seconds) {
  // Only "\n" ends a line, and it never occurs inside a UTF-8 character, so a character
  // split across chunks simply waits in m_line with the rest of its line.
  while (!bytes.empty() && !stopped()) {
    const std::size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      m_line.append(bytes);
      return;
    }
    m_line.append(bytes.substr(0, newline));
    bytes.remove_prefix(newline + 1);
    std::string line = std::move(m_line);
    m_line.clear();
    handle_line(line, t_seconds);
  }
}

void OllamaStreamDecoder::drain(double t_seconds) {
  if (!stopped() && !detail::is_blank(m_line)) {
    // A last line without its "\n": whole JSON is taken (a server that closes right after
    // it); anything else was cut mid-line, which is a truncation, not bad JSON.
    const json parsed = json::parse(m_line, nullptr, false);
    if (!parsed.is_discarded()) handle_line(m_line, t_seconds);
  }
  m_line.clear();
}

void OllamaStreamDecoder::handle_line(std::string_view line, double t_seconds) {
  if (stopped() || detail::is_blank(line)) return;
  json parsed;
  if (!parse_object(line, "an NDJSON line that", parsed, " (is base_url an Ollama server?)")) return;
  if (m_out.server_model.empty()) m_out.server_model.assign(string_member(parsed, "model"));
  if (const auto error = parsed.find("error"); error != parsed.end() && !error->is_null()) {
    fail(ErrorKind::stream_error, error_message_from_body(line));
    return;
  }
  if (const auto message = parsed.find("message"); message != parsed.end() && message->is_object()) {
    // Models whose template leaves <think> tags in `content` (older Ollama builds, or think
    // not supported): the tags' text is reasoning, as in the openai dialect.
    add_text(string_member(*message, "content"), string_member(*message, "thinking"), t_seconds);
  }
  if (const auto done = parsed.find("done"); done != parsed.end() && done->is_boolean() && done->get<bool>()) {
    handle_done(parsed);
  }
}

void OllamaStreamDecoder::handle_done(const json& line) {
  mark_complete();
  stop();
  const std::string_view reason = string_member(line, "done_reason");
  set_stop_reason(reason);
  if (reason.empty()) m_out.stop_reason = StopReason::stop;

  std::map<std::string, double> raw;
  for (const auto& [name, value] : line.items()) {
    if (value.is_number()) raw[name] = value.get<double>();
  }
  bool has_metrics = false;
  for (const char* field : k_duration_fields) has_metrics = has_metrics || line.contains(field);
  for (const char* field : k_count_fields) has_metrics = has_metrics || line.contains(field);
  if (!has_metrics) return;  // a done line without metrics (e.g. through a proxy)
  m_out.server_timings = std::move(raw);
  m_out.server_timings_source = "ollama durations (ns)";

  // omitempty: a missing field is zero (a cached prompt has no prompt_eval_count).
  const auto seconds = [&](const char* field) { return non_negative_member(line, field).value_or(0) / k_ollama_ns_per_s; };
  ServerFigures& server = m_out.server;
  server.load_s = seconds("load_duration");
  server.prompt_s = seconds("prompt_eval_duration");
  server.decode_s = seconds("eval_duration");
  server.total_s = seconds("total_duration");
  const std::int64_t prompt_tokens = count_member(line, "prompt_eval_count").value_or(0);
  server.prompt_tokens = prompt_tokens;
  m_out.tokens.prompt = prompt_tokens;
  if (const auto eval_count = count_member(line, "eval_count")) {
    server.completion_tokens = *eval_count;
    m_out.tokens.completion = *eval_count;
    m_out.tokens.completion_estimated = false;
    const double eval_ns = non_negative_member(line, "eval_duration").value_or(0);
    if (eval_ns > 0) server.decode_tps = static_cast<double>(*eval_count) / eval_ns * k_ollama_ns_per_s;
  }
}

}  // namespace goodput
