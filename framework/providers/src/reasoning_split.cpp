// SPDX-License-Identifier: MIT
#include "goodput/reasoning_split.hpp"

#include "json_fields.hpp"

#include <algorithm>
#include <array>

namespace goodput::detail {

enum class ReasoningSplitter::MarkerKind : int {
  think_open,
  think_close,
  harmony_start,
  harmony_channel,
  harmony_constrain,
  harmony_message,
  harmony_end,  // <|end|>, <|return|>, <|call|>
};

namespace {

using MarkerKind = ReasoningSplitter::MarkerKind;

struct Marker {
  std::string_view text;
  MarkerKind kind;
};

constexpr std::array<Marker, 11> k_markers{{
    {"<think>", MarkerKind::think_open},
    {"<thinking>", MarkerKind::think_open},
    {"</think>", MarkerKind::think_close},
    {"</thinking>", MarkerKind::think_close},
    {"<|start|>", MarkerKind::harmony_start},
    {"<|channel|>", MarkerKind::harmony_channel},
    {"<|constrain|>", MarkerKind::harmony_constrain},
    {"<|message|>", MarkerKind::harmony_message},
    {"<|end|>", MarkerKind::harmony_end},
    {"<|return|>", MarkerKind::harmony_end},
    {"<|call|>", MarkerKind::harmony_end},
}};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }


// The channel name: the first word of the header after <|channel|> ("commentary to=x").
std::string_view channel_name(std::string_view header) {
  std::size_t begin = 0;
  while (begin < header.size() && is_space(header[begin])) ++begin;
  std::size_t end = begin;
  while (end < header.size() && !is_space(header[end])) ++end;
  return header.substr(begin, end - begin);
}

}  // namespace

SplitText ReasoningSplitter::feed(std::string_view delta) {
  SplitText out;
  m_pending.append(delta);
  process(out, m_finished);
  return out;
}

SplitText ReasoningSplitter::finish() {
  SplitText out;
  m_finished = true;
  process(out, true);
  // A reply that is only whitespace is still the reply.
  if (m_mode == Mode::start && !m_held_space.empty()) {
    out.answer += m_held_space;
    m_held_space.clear();
  }
  return out;
}

bool ReasoningSplitter::in_reasoning() const {
  return m_mode == Mode::think || (m_mode == Mode::harmony_text && !m_harmony_final);
}

bool ReasoningSplitter::marker_active(MarkerKind kind) const {
  switch (kind) {
    case MarkerKind::think_open: return m_mode == Mode::start || m_mode == Mode::after_block;
    case MarkerKind::think_close:
      return m_mode == Mode::think || (!m_seen_tag && (m_mode == Mode::start || m_mode == Mode::answer));
    case MarkerKind::harmony_start:
    case MarkerKind::harmony_channel:
    case MarkerKind::harmony_constrain:
    case MarkerKind::harmony_message:
    case MarkerKind::harmony_end: return m_mode != Mode::think;
  }
  return false;
}

void ReasoningSplitter::process(SplitText& out, bool at_end) {
  const bool answer_before = m_answer_emitted;
  const std::string_view text = m_pending;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::string_view rest = text.substr(pos);
    const std::size_t lt = rest.find('<');
    if (lt != 0) {
      const std::size_t n = lt == std::string_view::npos ? rest.size() : lt;
      emit_text(out, rest.substr(0, n));
      pos += n;
      continue;
    }
    bool matched = false;
    bool partial = false;
    for (const Marker& marker : k_markers) {
      if (!marker_active(marker.kind)) continue;
      if (rest.starts_with(marker.text)) {
        take_marker(out, marker.kind, answer_before);
        pos += marker.text.size();
        matched = true;
        break;
      }
      if (rest.size() < marker.text.size() && marker.text.starts_with(rest)) partial = true;
    }
    if (matched) continue;
    if (partial && !at_end) break;  // wait for the next delta to decide
    emit_text(out, rest.substr(0, 1));
    ++pos;
  }
  m_pending.erase(0, pos);
}

void ReasoningSplitter::take_marker(SplitText& out, MarkerKind kind, bool answer_before) {
  switch (kind) {
    case MarkerKind::think_open:
      m_mode = Mode::think;
      m_held_space.clear();
      m_found_reasoning = true;
      break;
    case MarkerKind::think_close:
      if (m_mode != Mode::think) {
        // A lone </think>: the template opened the block in the prompt, so everything so
        // far was reasoning.
        out.answer_was_reasoning = answer_before;
        out.reasoning += out.answer;
        out.answer.clear();
        m_held_space.clear();
        m_found_reasoning = true;
      }
      m_mode = Mode::after_block;
      break;
    case MarkerKind::harmony_start:
    case MarkerKind::harmony_channel:
      m_mode = Mode::harmony_header;
      m_header.clear();
      m_header_has_channel = kind == MarkerKind::harmony_channel;
      break;
    case MarkerKind::harmony_constrain:
      if (m_mode == Mode::harmony_header) m_header += ' ';  // ends the channel word
      break;
    case MarkerKind::harmony_message:
      // A message without a channel (or a stray <|message|>) is taken as answer text.
      m_harmony_final = m_mode != Mode::harmony_header || !m_header_has_channel || channel_name(m_header) == "final";
      if (!m_harmony_final) m_found_reasoning = true;
      m_mode = Mode::harmony_text;
      m_held_space.clear();
      m_header.clear();
      break;
    case MarkerKind::harmony_end:
      m_mode = Mode::after_block;
      m_held_space.clear();
      break;
  }
  m_seen_tag = true;
}

void ReasoningSplitter::emit_text(SplitText& out, std::string_view text) {
  if (text.empty()) return;
  switch (m_mode) {
    case Mode::start:
      if (is_blank(text)) {
        m_held_space += text;
        return;
      }
      out.answer += m_held_space;
      m_held_space.clear();
      m_mode = Mode::answer;
      break;
    case Mode::after_block: {
      std::size_t first = 0;
      while (first < text.size() && is_space(text[first])) ++first;
      if (first == text.size()) return;
      text.remove_prefix(first);
      m_mode = Mode::answer;
      break;
    }
    case Mode::answer: break;
    case Mode::think: out.reasoning += text; return;
    case Mode::harmony_header: m_header += text; return;
    case Mode::harmony_text:
      if (!m_harmony_final) {
        out.reasoning += text;
        return;
      }
      break;
  }
  out.answer += text;
  m_answer_emitted = true;
}

}  // namespace goodput::detail
