// SPDX-License-Identifier: MIT
#include "openai_stream.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "json_fields.hpp"
#include "server_errors.hpp"

namespace goodput {

namespace {

using nlohmann::json;
using detail::string_member;

std::optional<std::int64_t> usage_count(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_unsigned()) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(it->get<std::uint64_t>(),
                                    std::numeric_limits<std::int64_t>::max()));
  }
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) {
    // Some servers serialise counts as 132.0; anything fractional is not a count.
    const double value = it->get<double>();
    if (std::isfinite(value) && value >= 0 && value < 9e18 && std::floor(value) == value) {
      return static_cast<std::int64_t>(value);
    }
  }
  return std::nullopt;
}

void set_first(std::string& target, std::string_view value) {
  if (target.empty() && !value.empty()) target.assign(value);
}

}  // namespace

void OpenAiStreamDecoder::decode(std::string_view bytes, double t_seconds) {
  if (m_framing == Framing::undecided) {
    // An SSE stream starts with a field, a comment or a blank line, never with a brace: a body
    // that does is one JSON reply from a server that ignored `stream: true` (single body).
    const auto start = bytes.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return;  // blank lines before a stream dispatch nothing
    m_framing = bytes[start] == '{' ? Framing::json_body : Framing::sse;
    bytes.remove_prefix(start);
  }
  if (m_framing == Framing::json_body) {
    // Decoded whole when the transfer ends; the text arrived with its last byte.
    m_body.append(bytes);
    m_body_complete_s = t_seconds;
    return;
  }
  m_parser.feed(bytes, [&](const detail::SseEvent& event) { handle_event(event, t_seconds); });
}

void OpenAiStreamDecoder::feed_json(std::string_view json_text, double t_seconds) {
  if (finished()) return;
  handle_data(json_text, t_seconds);
}

void OpenAiStreamDecoder::drain(double t_seconds) {
  if (m_framing == Framing::json_body) {
    if (!stopped()) handle_body(m_body_complete_s);
    m_body.clear();
    return;
  }
  m_parser.finish([&](const detail::SseEvent& event) { handle_event(event, t_seconds); });
}

void OpenAiStreamDecoder::handle_body(double t_seconds) {
  constexpr std::size_t k_quote_bytes = 80;
  json body;
  if (!parse_object(m_body, "a reply body that", body, " (it should be an SSE stream, or one chat completion)")) return;
  const auto choices = body.find("choices");
  if (body.contains("error") || (choices != body.end() && choices->is_array())) {
    handle_chunk(body, t_seconds);
    // A whole body is a whole reply, finish reason or not.
    if (m_out.ok()) mark_complete();
    return;
  }
  fail(ErrorKind::bad_response, "the server answered with a JSON body that is not a chat completion (no `choices`): \"" +
                                    detail::quote_start(m_body, k_quote_bytes) + "\" — check base_url and the dialect");
}

void OpenAiStreamDecoder::handle_event(const detail::SseEvent& event, double t_seconds) {
  if (stopped()) return;
  if (!event.nonstandard_error.empty()) {
    fail(ErrorKind::stream_error, detail::describe_error_text(event.nonstandard_error));
    return;
  }
  if (event.event == "error") {
    fail(ErrorKind::stream_error, detail::describe_error_text(event.data));
    return;
  }
  if (!event.has_data) return;
  handle_data(event.data, t_seconds);
}

void OpenAiStreamDecoder::handle_data(std::string_view data, double t_seconds) {
  // An empty `data:` carries nothing to parse; openai-python would raise on it, but it is
  // harmless, so it is skipped like a keep-alive.
  if (detail::is_blank(data)) return;
  if (data.substr(data.find_first_not_of(" \t\r\n")).starts_with("[DONE]")) {
    mark_complete();
    stop();
    return;
  }
  if (json chunk; parse_object(data, "a stream event whose data", chunk)) handle_chunk(chunk, t_seconds);
}

void OpenAiStreamDecoder::handle_chunk(const json& chunk, double t_seconds) {
  set_first(m_out.server_model, string_member(chunk, "model"));
  set_first(m_out.system_fingerprint, string_member(chunk, "system_fingerprint"));
  set_first(m_out.response_id, string_member(chunk, "id"));

  if (const auto error = chunk.find("error"); error != chunk.end() && !error->is_null()) {
    fail(ErrorKind::stream_error, detail::describe_error(*error));
    return;
  }
  if (const auto choices = chunk.find("choices"); choices != chunk.end() && choices->is_array()) {
    for (const json& choice : *choices) {
      if (!choice.is_object()) continue;
      // goodput asks for one choice; with n > 1 only choice 0 is the answer. A choice
      // without a usable index is taken as choice 0.
      const auto index = choice.find("index");
      if (index != choice.end() && index->is_number_integer() && index->get<std::int64_t>() != 0) {
        continue;
      }
      handle_choice(choice, t_seconds);
    }
  }
  // Old llama.cpp puts usage on the finish chunk and vLLM's continuous_usage_stats on every
  // chunk, so usage and timings are taken from any chunk, the last one winning.
  if (const auto usage = chunk.find("usage"); usage != chunk.end() && usage->is_object()) {
    handle_usage(*usage);
  }
  if (const auto timings = chunk.find("timings"); timings != chunk.end() && timings->is_object()) {
    handle_timings(*timings);
  }
}

void OpenAiStreamDecoder::handle_choice(const json& choice, double t_seconds) {
  std::string content;
  std::string reasoning;
  // `delta` in a stream chunk, `message` in a whole body (some servers send those as
  // stream chunks too), `text` in completions-style chunks.
  for (const char* part : {"delta", "message"}) {
    const auto it = choice.find(part);
    if (it == choice.end() || !it->is_object()) continue;
    content += string_member(*it, "content");
    // vLLM renamed reasoning_content to reasoning and for a while sent both with the same
    // text, so they are alternatives, not parts.
    std::string_view thought = string_member(*it, "reasoning_content");
    if (thought.empty()) thought = string_member(*it, "reasoning");
    reasoning += thought;
  }
  content += string_member(choice, "text");
  add_text(content, reasoning, t_seconds);

  // Some servers send "" instead of null before the end; only a word is a finish reason.
  // Some servers close without [DONE] after the finish chunk: the finish reason is the
  // server saying it is done, so that is a complete stream.
  const std::string_view finish_reason = string_member(choice, "finish_reason");
  if (!finish_reason.empty()) {
    mark_complete();
    set_stop_reason(finish_reason);
  }
}

void OpenAiStreamDecoder::finish_server_figures() {
  if (m_out.server_timings_source != "llama.cpp timings") return;
  const auto& timings = m_out.server_timings;
  const auto value = [&](const char* key) -> std::optional<double> {
    const auto it = timings.find(key);
    if (it == timings.end() || !std::isfinite(it->second)) return std::nullopt;
    return it->second;
  };
  const auto count = [&](const char* key) -> std::optional<std::int64_t> {
    const auto v = value(key);
    if (!v || *v < 0 || *v > 9e18) return std::nullopt;
    return static_cast<std::int64_t>(*v);
  };
  ServerFigures& server = m_out.server;
  // llama.cpp: *_ms in milliseconds (wire-formats.md §B). prompt_ms includes the first
  // sample; predicted_ms runs from the first token on.
  if (const auto ms = value("prompt_ms")) server.prompt_s = *ms / 1000.0;
  if (const auto ms = value("predicted_ms")) server.decode_s = *ms / 1000.0;
  if (const auto tps = value("predicted_per_second")) server.decode_tps = *tps;
  server.completion_tokens = count("predicted_n");
  // cache_n and usage.prompt_tokens_details.cached_tokens agree; cache_n wins when both came.
  if (const auto cached = count("cache_n")) server.cached_tokens = cached;
  // usage.prompt_tokens is the whole prompt, cached part included; timings split it into
  // prompt_n (processed now) and cache_n (reused).
  if (m_out.tokens.prompt) {
    server.prompt_tokens = m_out.tokens.prompt;
  } else if (const auto processed = count("prompt_n")) {
    server.prompt_tokens = *processed + server.cached_tokens.value_or(0);
  }
}

void OpenAiStreamDecoder::handle_usage(const json& usage) {
  TokenCounts& tokens = m_out.tokens;
  if (const auto prompt = usage_count(usage, "prompt_tokens")) tokens.prompt = prompt;
  if (const auto completion = usage_count(usage, "completion_tokens")) {
    tokens.completion = completion;
    tokens.completion_estimated = false;
  }
  // OpenAI-style cached prompt tokens (OpenAI, vLLM, llama.cpp): the prompt cache's share.
  const auto prompt_details = usage.find("prompt_tokens_details");
  if (prompt_details != usage.end() && prompt_details->is_object())
    if (const auto cached = usage_count(*prompt_details, "cached_tokens")) m_out.server.cached_tokens = cached;
  const auto details = usage.find("completion_tokens_details");
  if (details != usage.end() && details->is_object()) {
    if (const auto reasoning = usage_count(*details, "reasoning_tokens")) {
      tokens.reasoning = reasoning;
      tokens.reasoning_estimated = false;
    }
  }
}

void OpenAiStreamDecoder::handle_timings(const json& timings) {
  std::map<std::string, double> values;
  for (const auto& [name, value] : timings.items()) {
    if (value.is_number()) values[name] = value.get<double>();
  }
  if (values.empty()) return;
  m_out.server_timings = std::move(values);
  m_out.server_timings_source = "llama.cpp timings";
}

}  // namespace goodput
