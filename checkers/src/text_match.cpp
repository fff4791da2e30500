// SPDX-License-Identifier: MIT
#include "text_match.hpp"

#include <algorithm>

#include "goodput/utf8.hpp"

namespace goodput::checkers::detail {

std::string fold_for_match(std::string_view text) {
  std::string folded = utf8::fold_full_width(text);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

std::vector<std::size_t> find_all(std::string_view haystack, std::string_view needle,
                                  std::size_t limit) {
  std::vector<std::size_t> found;
  if (needle.empty()) return found;
  for (std::size_t pos = haystack.find(needle); pos != std::string_view::npos && found.size() < limit;
       pos = haystack.find(needle, pos + needle.size())) {
    found.push_back(pos);
  }
  return found;
}

std::optional<ByteSpan> find_loose(std::string_view text, std::string_view needle) {
  const std::string folded_needle = fold_for_match(needle);
  if (folded_needle.empty()) return std::nullopt;
  const std::string folded = fold_for_match(text);
  const std::size_t pos = folded.find(folded_needle);
  if (pos == std::string::npos) return std::nullopt;
  const std::size_t first = utf8::length(std::string_view(folded).substr(0, pos));
  const std::size_t count = utf8::length(folded_needle);
  const CodePointIndex index(text);
  return ByteSpan{index.byte_of(first), index.byte_of(first + count)};
}

CodePointIndex::CodePointIndex(std::string_view text) : m_bytes(text.size()) {
  m_starts.reserve(text.size());
  for (std::size_t pos = 0, size = 0; pos < text.size(); pos += size) {
    utf8::decode(text, pos, size);
    m_starts.push_back(pos);
  }
}

std::size_t CodePointIndex::index_of(std::size_t byte_offset) const {
  if (byte_offset >= m_bytes) return m_starts.size();
  const auto after = std::upper_bound(m_starts.begin(), m_starts.end(), byte_offset);
  return static_cast<std::size_t>(after - m_starts.begin()) - 1;
}

std::size_t CodePointIndex::byte_of(std::size_t index) const {
  return index < m_starts.size() ? m_starts[index] : m_bytes;
}

}  // namespace goodput::checkers::detail
