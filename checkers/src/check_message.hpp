// SPDX-License-Identifier: MIT
// Private helpers for the words checkers put in front of a person: quoted excerpts of model
// output, counts with thousands separators, numbers and seconds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace goodput::checkers::detail {

inline constexpr std::size_t k_excerpt_code_points = 60;

// 'text' in single quotes, cut to `max_code_points` with "…", newlines and tabs shown as
// \n and \t, invalid UTF-8 replaced by U+FFFD: messages end up in JSON and terminals.
std::string quote(std::string_view text, std::size_t max_code_points = k_excerpt_code_points);

// A quoted window of `text` around the bytes [begin, end): up to `context` code points
// either side, with "…" where it was cut.
std::string quote_around(std::string_view text, std::size_t begin, std::size_t end,
                         std::size_t context = 20);

// 2871 -> "2,871".
std::string with_commas(std::int64_t value);
std::string with_commas(std::size_t value);

// Shortest form that reads back to the same double, never in exponent form for ordinary
// magnitudes: 100000 -> "100000", 0.6 -> "0.6", -3 -> "-3".
std::string format_number(double value);

// Two decimals: 12.4 -> "12.40".
std::string format_seconds(double seconds);

// Number of code points in text[0, byte_offset): the 1-based "character" a person sees is
// this plus one.
std::size_t code_point_index(std::string_view text, std::size_t byte_offset);

}  // namespace goodput::checkers::detail
