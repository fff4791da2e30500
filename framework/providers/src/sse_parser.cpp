// SPDX-License-Identifier: MIT
#include "sse_parser.hpp"

#include <algorithm>
#include <charconv>

namespace goodput::detail {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

bool all_ascii_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void append_line(std::string& joined, std::string_view line, bool first) {
  if (!first) joined += '\n';
  joined.append(line);
}

}  // namespace

void SseParser::feed(std::string_view bytes, const EventHandler& on_event) {
  if (!m_bom_done) {
    // The BOM may itself arrive split across chunks, so match it byte by byte.
    std::size_t i = 0;
    while (i < bytes.size() && m_bom_matched < k_bom.size()) {
      if (bytes[i] != k_bom[m_bom_matched]) {
        m_bom_done = true;
        feed_lines(k_bom.substr(0, m_bom_matched), on_event);
        feed_lines(bytes.substr(i), on_event);
        return;
      }
      ++m_bom_matched;
      ++i;
    }
    if (m_bom_matched < k_bom.size()) return;
    m_bom_done = true;
    bytes.remove_prefix(i);
  }
  feed_lines(bytes, on_event);
}

void SseParser::feed_lines(std::string_view bytes, const EventHandler& on_event) {
  std::size_t pos = 0;
  if (m_skip_lf && !bytes.empty()) {
    if (bytes.front() == '\n') pos = 1;
    m_skip_lf = false;
  }
  while (pos < bytes.size()) {
    // Scanning starts where the previous chunk stopped, so a line that trickles in byte by
    // byte costs linear time in its length, not quadratic.
    const std::size_t eol = bytes.find_first_of("\r\n", pos);
    if (eol == std::string_view::npos) {
      m_line.append(bytes.substr(pos));
      return;
    }
    const std::string_view piece = bytes.substr(pos, eol - pos);
    if (m_line.empty()) {
      process_line(piece, on_event);
    } else {
      m_line.append(piece);
      const std::string line = std::move(m_line);
      m_line.clear();
      process_line(line, on_event);
    }
    pos = eol + 1;
    if (bytes[eol] == '\r') {
      if (pos == bytes.size()) {
        m_skip_lf = true;
      } else if (bytes[pos] == '\n') {
        ++pos;
      }
    }
  }
}

void SseParser::process_line(std::string_view line, const EventHandler& on_event) {
  if (line.empty()) {
    if (m_collecting) dispatch(on_event);
    return;
  }
  if (line.front() == ':') return;  // comment, e.g. llama.cpp's keep-alive pings

  const std::size_t colon = line.find(':');
  const std::string_view name = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }

  if (name == "data") {
    append_line(m_event.data, value, !m_event.has_data);
    m_event.has_data = true;
  } else if (name == "event") {
    m_event.event.assign(value);
  } else if (name == "id") {
    // The spec ignores an id containing NUL, since it could not be sent back in a header.
    if (value.find('\0') != std::string_view::npos) return;
    m_last_id.assign(value);
  } else if (name == "retry") {
    std::int64_t ms = 0;
    if (!all_ascii_digits(value)) return;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec != std::errc{} || end != value.data() + value.size()) return;
    m_event.retry = ms;
  } else if (name == "error") {
    append_line(m_event.nonstandard_error, value, !m_has_error_line);
    m_has_error_line = true;
  } else {
    return;  // unknown fields are ignored, as the spec says
  }
  m_collecting = true;
}

void SseParser::dispatch(const EventHandler& on_event) {
  m_event.id = m_last_id;
  on_event(m_event);
  m_event = SseEvent{};
  m_collecting = false;
  m_has_error_line = false;
}

void SseParser::finish(const EventHandler& on_event) {
  // A lone partial BOM at the very end is an unterminated line: it is dropped below.
  const bool cut_mid_line = !m_line.empty() || (!m_bom_done && m_bom_matched > 0);
  if (m_collecting && !cut_mid_line) dispatch(on_event);
  *this = SseParser{};
}

}  // namespace goodput::detail
