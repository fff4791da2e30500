// SPDX-License-Identifier: MIT
// Reading and comparing CSV. The input is the expected text, a NUL byte, then the produced text
// (no NUL: both are the whole input). Never throws; a finding is any crash, exception or
// sanitizer report, an error on a line the text does not have, or a table that differs from
// itself.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkers/src/csv_compare.hpp"
#include "fuzz_support.hpp"

namespace {

goodput::checkers::detail::CsvParse parse_and_check(std::string_view text) {
  auto parsed = goodput::checkers::detail::parse_csv(text);
  if (parsed.error) {
    const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n') +
                                                 std::count(text.begin(), text.end(), '\r'));
    GOODPUT_FUZZ_CHECK(parsed.error->line >= 1 && parsed.error->line <= lines + 1);
    GOODPUT_FUZZ_CHECK(!parsed.error->message.empty());
  } else {
    GOODPUT_FUZZ_CHECK(!goodput::checkers::detail::compare_csv(parsed.table, parsed.table));
  }
  return parsed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = goodput::fuzz::as_text(data, size);
  const std::size_t nul = input.find('\0');
  const std::string_view expected_text = input.substr(0, nul);
  const std::string_view produced_text = nul == std::string_view::npos ? input : input.substr(nul + 1);
  const auto expected = parse_and_check(expected_text);
  const auto produced = parse_and_check(produced_text);
  if (!expected.error && !produced.error) {
    const auto difference = goodput::checkers::detail::compare_csv(expected.table, produced.table);
    if (difference) GOODPUT_FUZZ_CHECK(!difference->message.empty());
    if (expected_text == produced_text) GOODPUT_FUZZ_CHECK(!difference);
  }
  return 0;
}
