// SPDX-License-Identifier: MIT
#include "check_message.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "goodput/utf8.hpp"

namespace goodput::checkers::detail {

namespace {

// Byte offset after skipping up to `count` code points forward from `pos`.
std::size_t advance(std::string_view text, std::size_t pos, std::size_t count) {
  for (std::size_t size = 0; count > 0 && pos < text.size(); --count) {
    utf8::decode(text, pos, size);
    pos += size;
  }
  return pos;
}

// Byte offset of the code point that starts `count` code points before `pos`. Walks back over
// continuation bytes; invalid sequences are counted as one code point per byte, which only
// makes the window a little shorter.
std::size_t retreat(std::string_view text, std::size_t pos, std::size_t count) {
  while (count > 0 && pos > 0) {
    --pos;
    std::size_t back = 0;
    while (pos > 0 && back < 3 && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) {
      --pos;
      ++back;
    }
    std::size_t size = 0;
    utf8::decode(text, pos, size);
    if (size != back + 1) pos += back;  // not a well-formed sequence: step one byte only
    --count;
  }
  return pos;
}

void append_visible(std::string& out, std::string_view text) {
  for (std::size_t pos = 0, size = 0; pos < text.size(); pos += size) {
    const char32_t cp = utf8::decode(text, pos, size);
    switch (cp) {
      case U'\n': out += "\\n"; break;
      case U'\r': out += "\\r"; break;
      case U'\t': out += "\\t"; break;
      default:
        utf8::append(out, cp < 0x20 || cp == 0x7F ? U'\uFFFD' : cp);
    }
  }
}

}  // namespace

std::string quote(std::string_view text, std::size_t max_code_points) {
  const std::size_t cut = advance(text, 0, max_code_points);
  std::string out = "'";
  append_visible(out, text.substr(0, cut));
  if (cut < text.size()) out += "…";
  out += '\'';
  return out;
}

std::string quote_around(std::string_view text, std::size_t begin, std::size_t end,
                         std::size_t context) {
  begin = std::min(begin, text.size());
  end = std::min(std::max(begin, end), text.size());
  const std::size_t from = retreat(text, begin, context);
  const std::size_t to = advance(text, end, context);
  std::string out = "'";
  if (from > 0) out += "…";
  append_visible(out, text.substr(from, to - from));
  if (to < text.size()) out += "…";
  out += '\'';
  return out;
}

std::string with_commas(std::int64_t value) {
  // Unsigned arithmetic so that the most negative value has a magnitude too.
  const bool negative = value < 0;
  std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(value)
                                     : static_cast<std::uint64_t>(value);
  std::string digits = std::to_string(magnitude);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string with_commas(std::size_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  std::array<char, 400> buffer{};
  const bool ordinary = value == 0 || (std::fabs(value) >= 1e-6 && std::fabs(value) < 1e15);
  const auto format = ordinary ? std::chars_format::fixed : std::chars_format::general;
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, format);
  std::string out(buffer.data(), result.ptr);
  return out == "-0" ? "0" : out;
}

std::string format_seconds(double seconds) {
  std::array<char, 64> buffer{};
  const int n = std::snprintf(buffer.data(), buffer.size(), "%.2f", seconds);
  return n > 0 ? std::string(buffer.data(), std::min(buffer.size() - 1, static_cast<std::size_t>(n)))
               : std::string("?");
}

std::size_t code_point_index(std::string_view text, std::size_t byte_offset) {
  return utf8::length(text.substr(0, std::min(byte_offset, text.size())));
}

}  // namespace goodput::checkers::detail
