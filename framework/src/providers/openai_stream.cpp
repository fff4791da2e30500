// SPDX-License-Identifier: MIT
#include "providers/openai_stream.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace goodput {

namespace {

using nlohmann::json;

constexpr std::size_t k_bad_data_quote_bytes = 80;
constexpr std::size_t k_body_quote_bytes = 200;

// The first `max` bytes, cut before a character rather than inside one, so that the
// message stays valid UTF-8 wherever it is printed.
std::string quote_start(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

std::string dump(const json& value) {
  // Replace rather than throw: a message about bad input must not fail on that input.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string scalar_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : dump(value);
}

// Servers disagree on the shape: OpenAI sends {message, type, param, code} with a string
// code, vLLM and llama.cpp a numeric code, Ollama a bare string.
std::string describe_error(const json& error) {
  if (!error.is_object()) return scalar_text(error);
  const auto message = error.find("message");
  if (message == error.end() || message->is_null()) return dump(error);
  std::string text = scalar_text(*message);
  std::vector<std::string> extras;
  for (const char* key : {"type", "code"}) {
    const auto it = error.find(key);
    if (it != error.end() && !it->is_null()) {
      extras.push_back(std::string(key) + ": " + scalar_text(*it));
    }
  }
  if (!extras.empty()) {
    text += " (";
    for (std::size_t i = 0; i < extras.size(); ++i) text += (i ? ", " : "") + extras[i];
    text += ')';
  }
  return text;
}

// The payload of an `event: error` event or of an old llama.cpp `error:` line.
std::string describe_error_text(std::string_view text) {
  if (is_blank(text)) return "the server sent an error event without a message";
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return quote_start(text, k_body_quote_bytes);
  if (parsed.is_object()) {
    const auto error = parsed.find("error");
    if (error != parsed.end() && !error->is_null()) return describe_error(*error);
  }
  return describe_error(parsed);
}

std::string_view string_member(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

std::optional<std::int64_t> count_member(const json& object, const char* key) {
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

OpenAiStreamDecoder::OpenAiStreamDecoder(Completion& out) : m_out(out) {}

void OpenAiStreamDecoder::feed(std::string_view bytes, double t_seconds) {
  if (finished()) return;
  m_parser.feed(bytes, [&](const detail::SseEvent& event) { handle_event(event, t_seconds); });
}

void OpenAiStreamDecoder::feed_json(std::string_view json_text, double t_seconds) {
  if (finished()) return;
  handle_data(json_text, t_seconds);
}

void OpenAiStreamDecoder::finish(double t_seconds) {
  if (m_finish_called) return;
  if (!m_stopped) {
    m_parser.finish([&](const detail::SseEvent& event) { handle_event(event, t_seconds); });
  }
  m_finish_called = true;
  m_out.times.end = t_seconds;

  // Text the splitter held back (a '<' that never became a tag, an unfinished reply).
  {
    std::string answer;
    std::string reasoning;
    take_split(m_splitter.finish(), answer, reasoning);
    StreamTimes& times = m_out.times;
    m_out.reasoning += reasoning;
    if (!answer.empty()) {
      // It arrived with the last token chunk at the latest.
      if (!times.first_answer_token) times.first_answer_token = times.last_token.value_or(t_seconds);
      if (times.answer_chunks == 0) times.answer_chunks = 1;
      m_out.answer += answer;
    }
  }
  fill_server_figures();

  // Some servers close without [DONE] after the finish chunk: the finish reason is the
  // server saying it is done, so that is a complete stream. An error the provider already
  // put in `out` (a timeout, a stall) is kept as the cause.
  if (!m_done_marker && !m_finish_reason && m_out.ok()) {
    fail(ErrorKind::truncated,
         "the stream ended before the server sent a finish reason or [DONE]; the server may "
         "have crashed or closed the connection");
  }

  TokenCounts& tokens = m_out.tokens;
  const StreamTimes& times = m_out.times;
  if (!tokens.completion) {
    tokens.completion = times.token_chunks;
    tokens.completion_estimated = true;
  }
  if (!tokens.reasoning) {
    // No reasoning text at all is a fact (zero), not an estimate. A chunk carries at least
    // one token, so counting chunks can only under-count.
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

void OpenAiStreamDecoder::handle_event(const detail::SseEvent& event, double t_seconds) {
  if (m_stopped) return;
  if (!event.nonstandard_error.empty()) {
    fail(ErrorKind::stream_error, describe_error_text(event.nonstandard_error));
    return;
  }
  if (event.event == "error") {
    fail(ErrorKind::stream_error, describe_error_text(event.data));
    return;
  }
  if (!event.has_data) return;
  handle_data(event.data, t_seconds);
}

void OpenAiStreamDecoder::handle_data(std::string_view data, double t_seconds) {
  // An empty `data:` carries nothing to parse; openai-python would raise on it, but it is
  // harmless, so it is skipped like a keep-alive.
  if (is_blank(data)) return;
  if (data.substr(data.find_first_not_of(" \t\r\n")).starts_with("[DONE]")) {
    m_done_marker = true;
    m_stopped = true;
    return;
  }
  const json chunk = json::parse(data, nullptr, false);
  if (chunk.is_discarded() || !chunk.is_object()) {
    fail(ErrorKind::bad_response,
         std::string("the server sent a stream event whose data is not ") +
             (chunk.is_discarded() ? "valid JSON" : "a JSON object") + ": \"" +
             quote_start(data, k_bad_data_quote_bytes) + "\"");
    return;
  }
  handle_chunk(chunk, t_seconds);
}

void OpenAiStreamDecoder::handle_chunk(const json& chunk, double t_seconds) {
  set_first(m_out.server_model, string_member(chunk, "model"));
  set_first(m_out.system_fingerprint, string_member(chunk, "system_fingerprint"));
  set_first(m_out.response_id, string_member(chunk, "id"));

  if (const auto error = chunk.find("error"); error != chunk.end() && !error->is_null()) {
    fail(ErrorKind::stream_error, describe_error(*error));
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
  if (!reasoning.empty()) m_reasoning_field = true;

  // Think tags or harmony markers the server left in `content` are reasoning too.
  std::string answer;
  if (!content.empty()) take_split(m_splitter.feed(content), answer, reasoning);

  // goodput's TTFT counts the first chunk carrying generated text, even text that is only a
  // tag; a role-only delta or llama.cpp's {"content":null} opener is not one (vLLM's
  // benchmark counts any choice).
  if (!content.empty() || !reasoning.empty()) {
    StreamTimes& times = m_out.times;
    if (!times.first_token) times.first_token = t_seconds;
    times.last_token = t_seconds;
    ++times.token_chunks;
    // A chunk that was only a tag (or whitespace after one) before any answer belongs to
    // the reasoning.
    const bool tag_only = answer.empty() && reasoning.empty() && m_splitter.found_reasoning() &&
                          !times.first_answer_token;
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

  // Some servers send "" instead of null before the end; only a word is a finish reason.
  const std::string_view finish_reason = string_member(choice, "finish_reason");
  if (!finish_reason.empty()) {
    m_finish_reason = true;
    m_out.server_stop_reason.assign(finish_reason);
    m_out.stop_reason = normalise_stop_reason(finish_reason);
  }
}

void OpenAiStreamDecoder::take_split(const detail::SplitText& piece, std::string& answer, std::string& reasoning) {
  if (piece.answer_was_reasoning) {
    // A lone </think>: what was taken for the answer so far was reasoning, and so were the
    // chunks that carried it.
    StreamTimes& times = m_out.times;
    if (!m_reasoning_field) m_out.reasoning += m_out.answer;
    m_out.answer.clear();
    times.reasoning_chunks += m_answer_only_chunks;
    times.answer_chunks = 0;
    times.first_answer_token.reset();
    m_answer_only_chunks = 0;
  }
  // When the server sends reasoning in its own field, think tags left in `content` as well
  // (llama.cpp's deepseek-legacy format) repeat it: the field is kept, the copy dropped.
  if (!m_reasoning_field) reasoning += piece.reasoning;
  answer += piece.answer;
}

void OpenAiStreamDecoder::fill_server_figures() {
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
  server.cached_tokens = count("cache_n");
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
  if (const auto prompt = count_member(usage, "prompt_tokens")) tokens.prompt = prompt;
  if (const auto completion = count_member(usage, "completion_tokens")) {
    tokens.completion = completion;
    tokens.completion_estimated = false;
  }
  const auto details = usage.find("completion_tokens_details");
  if (details != usage.end() && details->is_object()) {
    if (const auto reasoning = count_member(*details, "reasoning_tokens")) {
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

void OpenAiStreamDecoder::fail(ErrorKind kind, std::string message) {
  m_stopped = true;
  if (!m_out.ok()) return;  // the first cause is the one worth reporting
  m_out.error.kind = kind;
  m_out.error.message = std::move(message);
  // The server ended generation with an error; a cut or garbled stream has no stop reason.
  if (kind == ErrorKind::stream_error && m_out.stop_reason == StopReason::none) {
    m_out.stop_reason = StopReason::error;
  }
}

std::string error_message_from_body(std::string_view body) {
  if (is_blank(body)) return "the response body was empty";
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_string()) return parsed.get<std::string>();
  if (parsed.is_object()) {
    if (const auto error = parsed.find("error"); error != parsed.end() && !error->is_null()) {
      return describe_error(*error);
    }
    if (const auto detail = parsed.find("detail"); detail != parsed.end() && !detail->is_null()) {
      if (!detail->is_array()) return scalar_text(*detail);
      // FastAPI validation errors: [{"loc": ["body", "messages"], "msg": "...", ...}]
      std::string text;
      for (const json& item : *detail) {
        if (!text.empty()) text += "; ";
        const auto msg = item.is_object() ? item.find("msg") : item.end();
        if (!item.is_object() || msg == item.end()) {
          text += dump(item);
          continue;
        }
        if (const auto loc = item.find("loc"); loc != item.end() && loc->is_array()) {
          std::string path;
          for (const json& step : *loc) path += (path.empty() ? "" : ".") + scalar_text(step);
          if (!path.empty()) text += path + ": ";
        }
        text += scalar_text(*msg);
      }
      return text;
    }
    const auto message = parsed.find("message");
    if (message != parsed.end() && message->is_string()) return message->get<std::string>();
  }
  return quote_start(body, k_body_quote_bytes);
}

}  // namespace goodput
