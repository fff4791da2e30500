// SPDX-License-Identifier: MIT
// The OpenAI-style SSE stream decoder on arbitrary bytes in arbitrary pieces, and the same
// bytes as a plain JSON body (feed_json). stream_decoder_check.hpp says what a finding is.
#include <cstddef>
#include <cstdint>

#include "providers/src/openai_stream.hpp"
#include "stream_decoder_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = goodput::fuzz::as_text(data, size);
  goodput::fuzz::check_split_invariance<goodput::OpenAiStreamDecoder>(bytes);

  goodput::Completion body;
  goodput::OpenAiStreamDecoder decoder(body);
  decoder.feed_json(bytes, 0.5);
  decoder.finish(1.0);
  return 0;
}
