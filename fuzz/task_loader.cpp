// SPDX-License-Identifier: MIT
// The task file loader on arbitrary bytes. ConfigError is its documented answer to a bad file
// (exit 2 with file:line:col and the field) and is expected; any other exception, a crash, a
// sanitizer report, a hang or unbounded memory is a finding. An error must say where.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "goodput/error.hpp"
#include "goodput/spec.hpp"
#include "loader_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static goodput::fuzz::LoaderFile file("tasks.yaml");
  const std::string& path = file.holding(goodput::fuzz::as_text(data, size));
  try {
    const goodput::TaskSuite suite = goodput::load_task_file(path);
    for (const auto& task : suite.tasks) GOODPUT_FUZZ_CHECK(!task.name.empty());
  } catch (const goodput::ConfigError& e) {
    GOODPUT_FUZZ_CHECK(e.where().file == path);
  }
  return 0;
}
