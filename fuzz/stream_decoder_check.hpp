// SPDX-License-Identifier: MIT
// One decoder fed the same bytes whole and in arbitrary pieces. Findings: any crash, exception
// (decoders never throw on server input) or sanitizer report, and a reply whose text, stop
// reason or error kind depends on where the bytes were cut.
#pragma once

#include <string_view>

#include "fuzz_support.hpp"
#include "goodput/completion.hpp"

namespace goodput::fuzz {

template <typename Decoder>
Completion decode_whole(std::string_view bytes) {
  Completion c;
  Decoder decoder(c);
  decoder.feed(bytes, 0.5);
  decoder.finish(1.0);
  return c;
}

template <typename Decoder>
Completion decode_in_pieces(std::string_view bytes) {
  Completion c;
  Decoder decoder(c);
  double t = 0;
  for (const std::string_view piece : arbitrary_split(bytes)) {
    decoder.feed(piece, t += 0.001);
    if (decoder.finished()) break;
  }
  decoder.finish(t + 0.001);
  return c;
}

template <typename Decoder>
void check_split_invariance(std::string_view bytes) {
  const Completion whole = decode_whole<Decoder>(bytes);
  const Completion pieces = decode_in_pieces<Decoder>(bytes);
  GOODPUT_FUZZ_CHECK(whole.answer == pieces.answer);
  GOODPUT_FUZZ_CHECK(whole.reasoning == pieces.reasoning);
  GOODPUT_FUZZ_CHECK(whole.stop_reason == pieces.stop_reason);
  GOODPUT_FUZZ_CHECK(whole.error.kind == pieces.error.kind);
}

}  // namespace goodput::fuzz
