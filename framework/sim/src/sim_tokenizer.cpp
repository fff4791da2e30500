// SPDX-License-Identifier: MIT
#include "goodput/sim_tokenizer.hpp"

#include "goodput/utf8.hpp"

namespace goodput::sim {

namespace {

constexpr std::size_t k_code_points_per_token = 3;

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

std::vector<std::string> sim_tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const char c = text[pos];
    if (!is_ascii(c)) {
      for (std::size_t n = 0; n < k_code_points_per_token && pos < text.size() && !is_ascii(text[pos]); ++n) {
        std::size_t size = 0;
        utf8::decode(text, pos, size);
        pos += size;
      }
    } else if (is_ascii_alnum(c) || (c == ' ' && pos + 1 < text.size() && is_ascii_alnum(text[pos + 1]))) {
      ++pos;  // the letter/digit itself, or the leading space
      while (pos < text.size() && is_ascii_alnum(text[pos])) ++pos;
    } else {
      ++pos;
    }
    tokens.emplace_back(text.substr(start, pos - start));
  }
  return tokens;
}

}  // namespace goodput::sim
