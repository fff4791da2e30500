// SPDX-License-Identifier: MIT
// The Python code extractor on an arbitrary answer, with and without an entry point. It never
// throws; a finding is any crash, exception or sanitizer report, or a result that contradicts
// itself (code found but empty, block indices beyond the answer's blocks, no message when
// nothing was found).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "goodput/checkers/code_extract.hpp"

namespace {

void check_extraction(std::string_view answer, const goodput::checkers::ExtractOptions& options) {
  const auto code = goodput::checkers::extract_python(answer, options);
  if (code.found) {
    GOODPUT_FUZZ_CHECK(!code.source.empty());
    const auto blocks = goodput::checkers::find_code_blocks(goodput::checkers::strip_reasoning(answer));
    for (const std::size_t index : code.blocks) GOODPUT_FUZZ_CHECK(index < blocks.size());
  } else {
    GOODPUT_FUZZ_CHECK(!code.message.empty());
    GOODPUT_FUZZ_CHECK(!code.defines_entry);
  }
  if (options.entry.empty()) GOODPUT_FUZZ_CHECK(!code.defines_entry);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view answer = goodput::fuzz::as_text(data, size);
  check_extraction(answer, {});
  check_extraction(answer, {"json_to_csv", {"csv", "json"}});
  (void)goodput::checkers::scan_python(answer);
  return 0;
}
