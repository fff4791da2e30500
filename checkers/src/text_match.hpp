// SPDX-License-Identifier: MIT
// Private helpers shared by the substring assertions (contains, not-contains, icontains) and
// by `number`'s keyword search: loose folding and code-point positions.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goodput::checkers::detail {

// Full-width forms folded to ASCII (utf8::fold_full_width), then ASCII letters to lower case.
// Each code point of the input stays exactly one code point, so a position counted in code
// points in the folded text is the same position in the original.
std::string fold_for_match(std::string_view text);

// Byte offsets of the non-overlapping occurrences of `needle` (not empty), at most `limit`.
std::vector<std::size_t> find_all(std::string_view haystack, std::string_view needle,
                                  std::size_t limit = std::numeric_limits<std::size_t>::max());

struct ByteSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// The first place where `needle` occurs in `text` once both are folded by fold_for_match, as
// a byte range of the original `text`.
std::optional<ByteSpan> find_loose(std::string_view text, std::string_view needle);

// Byte offset at which each code point of `text` starts, in order: maps positions counted in
// code points to bytes and back (with a binary search) on answers of any size.
class CodePointIndex {
 public:
  explicit CodePointIndex(std::string_view text);
  std::size_t size() const { return m_starts.size(); }
  // Index of the code point containing `byte_offset`; size() at or past the end.
  std::size_t index_of(std::size_t byte_offset) const;
  // Byte offset where code point `index` starts; the text's size at or past the end.
  std::size_t byte_of(std::size_t index) const;

 private:
  std::vector<std::size_t> m_starts;
  std::size_t m_bytes = 0;
};

}  // namespace goodput::checkers::detail
