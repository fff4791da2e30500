// SPDX-License-Identifier: MIT
#include "goodput/terminal_text.hpp"

#include <cstdio>

#include "goodput/utf8.hpp"

namespace goodput::detail {

namespace {

bool is_format_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
         cp == 0x061C || cp == 0x2028 || cp == 0x2029;
}

void append_escaped_byte(std::string& out, unsigned char byte) {
  switch (byte) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(byte));
  out += buf;
}

// Appends `text` with every character terminal_text escapes written as an escape.
void append_visible(std::string& out, std::string_view text) {
  for (std::size_t pos = 0, size = 0; pos < text.size(); pos += size) {
    const char32_t cp = utf8::decode(text, pos, size);
    if (cp < 0x20 || cp == 0x7F || (cp == U'\uFFFD' && size == 1)) {
      append_escaped_byte(out, static_cast<unsigned char>(text[pos]));
    } else if ((cp >= 0x80 && cp <= 0x9F) || is_format_control(cp)) {
      char buf[12];
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(text.substr(pos, size));
    }
  }
}

}  // namespace

std::string terminal_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_visible(out, text);
  return out;
}

std::string terminal_lines(std::string_view text, std::string_view indent) {
  if (indent.empty()) return terminal_text(text);
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find('\n', start);
    const std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (start > 0 && !line.empty()) out += indent;
    append_visible(out, line);
    if (end == std::string_view::npos) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace goodput::detail
