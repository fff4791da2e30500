// SPDX-License-Identifier: MIT
// The SSE parser on arbitrary bytes in arbitrary pieces. Findings: any crash, exception or
// sanitizer report (the parser never throws), and events that depend on where the stream was
// cut: the same bytes fed whole and fed in pieces must give the same events.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "providers/src/sse_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using goodput::detail::SseEvent;
  using goodput::detail::SseParser;
  const std::string_view bytes = goodput::fuzz::as_text(data, size);

  std::vector<SseEvent> whole;
  const auto keep_whole = [&](const SseEvent& e) { whole.push_back(e); };
  SseParser parser;
  parser.feed(bytes, keep_whole);
  parser.finish(keep_whole);

  std::vector<SseEvent> pieces;
  const auto keep_piece = [&](const SseEvent& e) { pieces.push_back(e); };
  SseParser split_parser;
  for (const std::string_view piece : goodput::fuzz::arbitrary_split(bytes)) split_parser.feed(piece, keep_piece);
  split_parser.finish(keep_piece);
  GOODPUT_FUZZ_CHECK(whole == pieces);

  // finish() resets the parser: the same bytes again give the same events.
  std::vector<SseEvent> again;
  const auto keep_again = [&](const SseEvent& e) { again.push_back(e); };
  parser.feed(bytes, keep_again);
  parser.finish(keep_again);
  GOODPUT_FUZZ_CHECK(whole == again);
  return 0;
}
