// SPDX-License-Identifier: MIT
// What the fuzz targets share: the check that turns a broken invariant into a finding, and the
// arbitrary splits a stream arrives in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

// A broken invariant is a finding like a sanitizer report: libFuzzer saves the input on abort,
// and the corpus replay test fails.
#define GOODPUT_FUZZ_CHECK(condition)                                                         \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)

namespace goodput::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The pieces a server's bytes might arrive in. The split is drawn from a hash of the bytes
// themselves rather than from a prefix, so every seed (a captured stream, a task file) stays a
// valid input as it is, and every mutation also moves the cuts. Piece sizes are bounded by one
// of a few limits, from one byte at a time up to a whole page.
inline std::vector<std::string_view> arbitrary_split(std::string_view bytes) {
  std::uint64_t state = 14695981039346656037ULL;  // FNV-1a
  for (const char c : bytes) state = (state ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  static constexpr std::size_t k_limits[] = {1, 2, 3, 5, 8, 17, 64, 4096};
  const std::size_t limit = k_limits[state & 7U];
  std::vector<std::string_view> pieces;
  std::size_t at = 0;
  while (at < bytes.size()) {
    state ^= state << 13;  // xorshift64
    state ^= state >> 7;
    state ^= state << 17;
    const std::size_t length = 1 + static_cast<std::size_t>(state % limit);
    pieces.push_back(bytes.substr(at, length));
    at += pieces.back().size();
  }
  return pieces;
}

}  // namespace goodput::fuzz
