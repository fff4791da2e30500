// SPDX-License-Identifier: MIT
#include "goodput/stream_decoder.hpp"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "goodput/plausibility.hpp"
#include "json_fields.hpp"

namespace goodput {

void StreamDecoder::feed(std::string_view bytes, double t_seconds) {
  if (finished()) return;
  decode(bytes, t_seconds);
  enforce_max_bytes();
}

void StreamDecoder::enforce_max_bytes() {
  // Checked after each chunk (libcurl's are at most 16 KB), so memory stays within the cap
  // plus one chunk whatever the server sends.
  const std::size_t held = m_out.answer.size() + m_out.reasoning.size() + buffered_bytes() + m_splitter.held_bytes();
  if (held <= m_max_bytes || !m_out.ok()) return;
  constexpr std::size_t k_kept_bytes = 64 * 1024;
  const auto keep_start = [](std::string& text) {
    if (text.size() <= k_kept_bytes) return;
    std::size_t n = k_kept_bytes;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 character
    text.resize(n);
    text.shrink_to_fit();
  };
  keep_start(m_out.answer);
  keep_start(m_out.reasoning);
  const std::size_t mb = m_max_bytes / k_bytes_per_mb;
  fail(ErrorKind::bad_response,
       "answer exceeded " + (mb > 0 ? std::to_string(mb) + " MB" : std::to_string(m_max_bytes) + " bytes") +
           " (answer, reasoning and unfinished stream data together); the transfer was stopped and only the first 64 KB "
           "of the answer and the reasoning are kept. If answers this long are expected, raise max_answer_mb in the "
           "models file");
}

void StreamDecoder::finish(double t_seconds) {
  if (m_finish_called) return;
  drain(t_seconds);
  m_finish_called = true;
  m_out.times.end = t_seconds;
  release_held_text(t_seconds);
  finish_server_figures();
  // An error the provider already put in `out` (a timeout, a stall) is kept as the cause.
  if (!m_complete && m_out.ok()) {
    fail(ErrorKind::truncated, "the stream ended before " + std::string(end_marker()) +
                                   "; the server may have crashed or closed the connection");
  }
  drop_implausible_server_figures(m_out);
  estimate_tokens();
  finalise_metrics(m_out);
}

void StreamDecoder::add_text(std::string_view content, std::string_view reasoning_field, double t_seconds) {
  std::string reasoning(reasoning_field);
  if (!reasoning.empty()) m_reasoning_field = true;

  // Think tags or harmony markers the server left in `content` are reasoning too.
  std::string answer;
  if (!content.empty()) take_split(m_splitter.feed(content), answer, reasoning);

  // goodput's TTFT counts the first chunk carrying generated text, even text that is only a
  // tag; a role-only delta or llama.cpp's {"content":null} opener is not one (vLLM's
  // benchmark counts any choice).
  if (content.empty() && reasoning.empty()) return;
  StreamTimes& times = m_out.times;
  // Within 1 ms of the previous text: the same read, or a buffered burst (StreamTimes).
  constexpr double k_same_arrival_s = 0.001;
  if (!times.last_token || t_seconds - *times.last_token > k_same_arrival_s) ++times.text_arrivals;
  times.text_bytes += static_cast<std::int64_t>(content.size() + reasoning_field.size());
  if (!times.first_token) times.first_token = t_seconds;
  times.last_token = t_seconds;
  ++times.token_chunks;
  // A chunk that was only a tag (or whitespace after one) before any answer belongs to the
  // reasoning.
  const bool tag_only =
      answer.empty() && reasoning.empty() && m_splitter.found_reasoning() && !times.first_answer_token;
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

void StreamDecoder::set_stop_reason(std::string_view server_word) {
  m_out.server_stop_reason.assign(server_word);
  m_out.stop_reason = normalise_stop_reason(server_word);
}

void StreamDecoder::fail(ErrorKind kind, std::string message) {
  m_stopped = true;
  if (!m_out.ok()) return;
  m_out.error.kind = kind;
  m_out.error.message = std::move(message);
  // The server ended generation with an error; a cut or garbled stream has no stop reason.
  if (kind == ErrorKind::stream_error && m_out.stop_reason == StopReason::none) {
    m_out.stop_reason = StopReason::error;
  }
}

bool StreamDecoder::parse_object(std::string_view text, std::string_view what, nlohmann::json& out,
                                 std::string_view hint) {
  constexpr std::size_t k_quote_bytes = 80;
  out = nlohmann::json::parse(text, nullptr, false);
  if (out.is_object()) return true;
  fail(ErrorKind::bad_response, "the server sent " + std::string(what) + " is not " +
                                    (out.is_discarded() ? "valid JSON" : "a JSON object") + ": \"" +
                                    detail::quote_start(text, k_quote_bytes) + "\"" + std::string(hint));
  return false;
}

void StreamDecoder::take_split(const detail::SplitText& piece, std::string& answer, std::string& reasoning) {
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

void StreamDecoder::release_held_text(double t_seconds) {
  // Text the splitter held back (a '<' that never became a tag, an unfinished reply).
  std::string answer;
  std::string reasoning;
  take_split(m_splitter.finish(), answer, reasoning);
  m_out.reasoning += reasoning;
  if (answer.empty()) return;
  StreamTimes& times = m_out.times;
  // It arrived with the last token chunk at the latest.
  if (!times.first_answer_token) times.first_answer_token = times.last_token.value_or(t_seconds);
  if (times.answer_chunks == 0) times.answer_chunks = 1;
  m_out.answer += answer;
}

void StreamDecoder::estimate_tokens() {
  TokenCounts& tokens = m_out.tokens;
  const StreamTimes& times = m_out.times;
  if (!tokens.completion) {
    tokens.completion_estimated = true;
    // A token chunk carries one token in a token stream; text in blocks or one piece is
    // counted at about 4 bytes a token (English prose and code run 3-5, Japanese 3-4).
    constexpr std::int64_t k_bytes_per_token = 4;
    const Delivery delivery = classify_delivery(times, tokens);
    tokens.completion = delivery == Delivery::block_stream || delivery == Delivery::single_body
                            ? std::max(times.token_chunks, (times.text_bytes + k_bytes_per_token - 1) / k_bytes_per_token)
                            : times.token_chunks;
  }
  if (tokens.reasoning) return;
  // No reasoning text at all is a fact (zero), not an estimate. Few servers count reasoning
  // tokens apart (Ollama never does); a chunk carries at least one token, so counting chunks
  // can only under-count.
  if (times.reasoning_chunks > 0) {
    tokens.reasoning = std::min(times.reasoning_chunks, *tokens.completion);
    tokens.reasoning_estimated = true;
  } else {
    tokens.reasoning = 0;
    tokens.reasoning_estimated = false;
  }
}

}  // namespace goodput
