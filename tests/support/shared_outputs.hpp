// SPDX-License-Identifier: MIT
// Outputs that several test processes need and that are expensive to make (a goodput run
// under the sanitizers takes seconds): made once per build and reused by every test of every
// process (ctest runs each test in a process of its own) until one of their inputs changes.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace goodput::test {

// <build>/tests/shared-outputs/<name>: `produce` fills it (it is emptied first) when it was
// never made, or when a file of `inputs` (the binaries and data it is made from) is newer
// than the last time. Concurrent callers wait for the one that makes it (flock). Tests must
// not write into it: it is shared.
std::filesystem::path shared_outputs(const std::string& name, const std::vector<std::filesystem::path>& inputs,
                                     const std::function<void(const std::filesystem::path& dir)>& produce);

}  // namespace goodput::test
