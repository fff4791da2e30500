// SPDX-License-Identifier: MIT
#include "providers/ollama_stream.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "providers/openai_stream.hpp"

namespace goodput {

namespace {

using nlohmann::json;

constexpr std::size_t k_bad_line_quote_bytes = 80;

// The metric fields of the final line (api/types.go Metrics); all omitempty.
constexpr const char* k_duration_fields[] = {"total_duration", "load_duration", "prompt_eval_duration", "eval_duration"};
constexpr const char* k_count_fields[] = {"prompt_eval_count", "eval_count"};

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

std::string quote_start(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

std::string_view string_member(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

std::optional<double> number_member(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  const double value = it->get<double>();
  if (!std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

std::optional<std::int64_t> count_member(const json& object, const char* key) {
  const std::optional<double> value = number_member(object, key);
  if (!value || *value >= 9e18 || std::floor(*value) != *value) return std::nullopt;
  return static_cast<std::int64_t>(*value);
}

}  // namespace

OllamaStreamDecoder::OllamaStreamDecoder(Completion& out) : m_out(out) {}

void OllamaStreamDecoder::feed(std::string_view bytes, double t_seconds) {
  if (finished()) return;
  // Only "\n" ends a line, and it never occurs inside a UTF-8 character, so a character
  // split across chunks simply waits in m_line with the rest of its line.
  while (!bytes.empty() && !m_stopped) {
    const std::size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      m_line.append(bytes);
      return;
    }
    m_line.append(bytes.substr(0, newline));
    bytes.remove_prefix(newline + 1);
    std::string line = std::move(m_line);
    m_line.clear();
  {
    // Text held back as a possible partial tag is released at the end.
    std::string answer, reasoning;
    take_split(m_splitter.finish(), answer, reasoning);
    m_out.answer += answer;
    m_out.reasoning += reasoning;
  }
    handle_line(line, t_seconds);
  }
}

void OllamaStreamDecoder::finish(double t_seconds) {
  if (m_finish_called) return;
  if (!m_stopped && !is_blank(m_line)) {
    // A last line without its "\n": whole JSON is taken (a server that closes right after
    // it); anything else was cut mid-line, which is a truncation, not bad JSON.
    const json parsed = json::parse(m_line, nullptr, false);
    if (!parsed.is_discarded()) handle_line(m_line, t_seconds);
  }
  m_line.clear();
  m_finish_called = true;
  m_out.times.end = t_seconds;

  if (!m_done && m_out.ok()) {
    fail(ErrorKind::truncated,
         "the stream ended before Ollama's final \"done\": true line; the server may have crashed "
         "or closed the connection");
  }

  TokenCounts& tokens = m_out.tokens;
  const StreamTimes& times = m_out.times;
  if (!tokens.completion) {
    tokens.completion = times.token_chunks;
    tokens.completion_estimated = true;
  }
  if (!tokens.reasoning) {
    // Ollama never counts thinking tokens apart; a chunk carries at least one token.
    if (times.reasoning_chunks > 0) {
      tokens.reasoning = std::min(times.reasoning_chunks, *tokens.completion);
      tokens.reasoning_estimated = true;
    } else {
      tokens.reasoning = 0;
      tokens.reasoning_estimated = false;
    }
  }
  finalise_metrics(m_out);
}

void OllamaStreamDecoder::handle_line(std::string_view line, double t_seconds) {
  if (m_stopped || is_blank(line)) return;
  const json parsed = json::parse(line, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    fail(ErrorKind::bad_response,
         std::string("the server sent an NDJSON line that is not ") +
             (parsed.is_discarded() ? "valid JSON" : "a JSON object") + ": \"" +
             quote_start(line, k_bad_line_quote_bytes) + "\" (is base_url an Ollama server?)");
    return;
  }
  if (m_out.server_model.empty()) {
    const std::string_view model = string_member(parsed, "model");
    m_out.server_model.assign(model);
  }
  if (const auto error = parsed.find("error"); error != parsed.end() && !error->is_null()) {
    fail(ErrorKind::stream_error, error_message_from_body(line));
    return;
  }
  if (const auto message = parsed.find("message"); message != parsed.end() && message->is_object()) {
    handle_message(*message, t_seconds);
  }
  if (const auto done = parsed.find("done"); done != parsed.end() && done->is_boolean() && done->get<bool>()) {
    handle_done(parsed);
  }
}

void OllamaStreamDecoder::handle_message(const json& message, double t_seconds) {
  const std::string_view content = string_member(message, "content");
  std::string reasoning(string_member(message, "thinking"));
  if (!reasoning.empty()) m_thinking_field = true;
  std::string answer;
  if (!content.empty()) take_split(m_splitter.feed(content), answer, reasoning);
  if (content.empty() && reasoning.empty()) return;
  StreamTimes& times = m_out.times;
  if (!times.first_token) times.first_token = t_seconds;
  times.last_token = t_seconds;
  ++times.token_chunks;
  // A chunk that was only a tag before any answer belongs to the reasoning.
  const bool tag_only = answer.empty() && reasoning.empty() && m_splitter.found_reasoning() && !times.first_answer_token;
  if (!reasoning.empty() || tag_only) {
    ++times.reasoning_chunks;
    m_out.reasoning += reasoning;
  }
  if (!answer.empty()) {
    if (!times.first_answer_token) times.first_answer_token = t_seconds;
    ++times.answer_chunks;
    if (reasoning.empty()) ++m_answer_only_chunks;
    m_out.answer += answer;
  }
}

void OllamaStreamDecoder::take_split(const detail::SplitText& piece, std::string& answer, std::string& reasoning) {
  if (piece.answer_was_reasoning) {
    // A lone </think>: what was taken for the answer so far was reasoning.
    StreamTimes& times = m_out.times;
    if (!m_thinking_field) m_out.reasoning += m_out.answer;
    m_out.answer.clear();
    times.reasoning_chunks += m_answer_only_chunks;
    times.answer_chunks = 0;
    times.first_answer_token.reset();
    m_answer_only_chunks = 0;
  }
  if (!m_thinking_field) reasoning += piece.reasoning;
  answer += piece.answer;
}

void OllamaStreamDecoder::handle_done(const json& line) {
  m_done = true;
  m_stopped = true;
  const std::string_view reason = string_member(line, "done_reason");
  m_out.server_stop_reason.assign(reason);
  m_out.stop_reason = reason.empty() ? StopReason::stop : normalise_stop_reason(reason);

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
  const auto seconds = [&](const char* field) { return number_member(line, field).value_or(0) / k_ollama_ns_per_s; };
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
    const double eval_ns = number_member(line, "eval_duration").value_or(0);
    if (eval_ns > 0) server.decode_tps = static_cast<double>(*eval_count) / eval_ns * k_ollama_ns_per_s;
  }
}

void OllamaStreamDecoder::fail(ErrorKind kind, std::string message) {
  m_stopped = true;
  if (!m_out.ok()) return;
  m_out.error.kind = kind;
  m_out.error.message = std::move(message);
  if (kind == ErrorKind::stream_error && m_out.stop_reason == StopReason::none) m_out.stop_reason = StopReason::error;
}

}  // namespace goodput
