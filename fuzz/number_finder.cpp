// SPDX-License-Identifier: MIT
// The number finder on arbitrary text, invalid UTF-8 included. It never throws; a finding is
// any crash, exception or sanitizer report, or a number that does not point at the bytes it
// was read from.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "goodput/checkers/number_finder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = goodput::fuzz::as_text(data, size);
  std::size_t previous_begin = 0;
  for (const auto& number : goodput::checkers::find_numbers(text)) {
    GOODPUT_FUZZ_CHECK(number.begin < number.end);
    GOODPUT_FUZZ_CHECK(number.end <= text.size());
    GOODPUT_FUZZ_CHECK(number.begin >= previous_begin);  // in order of appearance
    GOODPUT_FUZZ_CHECK(number.text == text.substr(number.begin, number.end - number.begin));
    GOODPUT_FUZZ_CHECK(!number.interpretations.empty());
    GOODPUT_FUZZ_CHECK(number.interpretations.front() == number.value ||
                       (std::isnan(number.value) && std::isnan(number.interpretations.front())));
    previous_begin = number.begin;
  }
  return 0;
}
