// SPDX-License-Identifier: MIT
// Ollama's NDJSON stream decoder on arbitrary bytes in arbitrary pieces
// (stream_decoder_check.hpp says what a finding is).
#include <cstddef>
#include <cstdint>

#include "providers/src/ollama_stream.hpp"
#include "stream_decoder_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  goodput::fuzz::check_split_invariance<goodput::OllamaStreamDecoder>(goodput::fuzz::as_text(data, size));
  return 0;
}
