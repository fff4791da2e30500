// SPDX-License-Identifier: MIT
#include "goodput/utf8.hpp"

namespace goodput::utf8 {

char32_t decode(std::string_view text, std::size_t pos, std::size_t& size) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  size = 1;
  if (lead < 0x80) return lead;
  std::size_t need = 0;
  char32_t cp = 0;
  if ((lead & 0xE0) == 0xC0) { need = 1; cp = lead & 0x1F; }
  else if ((lead & 0xF0) == 0xE0) { need = 2; cp = lead & 0x0F; }
  else if ((lead & 0xF8) == 0xF0) { need = 3; cp = lead & 0x07; }
  else return U'\uFFFD';
  if (pos + need >= text.size()) return U'\uFFFD';  // cut short
  for (std::size_t i = 1; i <= need; ++i) {
    const unsigned char c = byte(pos + i);
    if ((c & 0xC0) != 0x80) return U'\uFFFD';
    cp = (cp << 6) | (c & 0x3F);
  }
  // Reject overlong forms and surrogates so that invalid input never decodes to ASCII.
  if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return U'\uFFFD';
  size = need + 1;
  return cp;
}

std::size_t length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t pos = 0, size = 0; pos < text.size(); pos += size) {
    decode(text, pos, size);
    ++count;
  }
  return count;
}

void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string fold_full_width(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0, size = 0; pos < text.size(); pos += size) {
    char32_t cp = decode(text, pos, size);
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
      out += static_cast<char>(cp - 0xFF01 + 0x21);
    } else if (cp == 0x3000) {
      out += ' ';
    } else {
      out.append(text.substr(pos, size));  // keeps invalid bytes as they were
    }
  }
  return out;
}

}  // namespace goodput::utf8
