// SPDX-License-Identifier: MIT
// Golden files: a report compared byte for byte with an approved copy in the source tree.
//
//   EXPECT_MATCHES_GOLDEN("reporters/golden/console.approved.txt", out.str());
//
// On a difference the test fails with the first differing line and writes what it got to
// <build>/tests/golden-received/<file name>, so `diff -u APPROVED RECEIVED` shows all of it.
// With GOODPUT_UPDATE_GOLDEN=1 in the environment the approved file is rewritten instead (and
// the test passes): review the change with `git diff tests/` before committing it.
//   GOODPUT_UPDATE_GOLDEN=1 ctest --test-dir build -R Golden
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace goodput::test {

// `relative`: the approved file's path under tests/.
::testing::AssertionResult matches_golden(std::string_view relative, const std::string& actual);

// Replaces every match of each regular expression (goodput/pattern.hpp) with its literal
// replacement: what
// varies from run to run (durations, timestamps, paths, versions) becomes a fixed marker.
std::string scrub(std::string text, const std::vector<std::pair<std::string, std::string>>& patterns);
// Every occurrence of `what` (a literal, e.g. a temporary directory) becomes `marker`.
std::string replace_all(std::string text, std::string_view what, std::string_view marker);

}  // namespace goodput::test

#define EXPECT_MATCHES_GOLDEN(relative, actual) EXPECT_TRUE(::goodput::test::matches_golden((relative), (actual)))
