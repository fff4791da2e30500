// SPDX-License-Identifier: MIT
// Small UTF-8 helpers: lengths are counted in Unicode code points, never in bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace goodput::utf8 {

// Number of code points; an invalid byte counts as one.
std::size_t length(std::string_view text);

// Decodes the code point starting at text[pos]; sets `size` to its byte length (1 for an
// invalid byte, which decodes to U+FFFD).
char32_t decode(std::string_view text, std::size_t pos, std::size_t& size);

void append(std::string& out, char32_t code_point);

// Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space folded to ASCII;
// everything else unchanged. "１０万" -> "10万".
std::string fold_full_width(std::string_view text);

}  // namespace goodput::utf8
