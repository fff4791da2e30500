// SPDX-License-Identifier: MIT
#include "support/golden.hpp"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "goodput/pattern.hpp"
#include "support/files.hpp"

namespace goodput::test {

namespace {

namespace fs = std::filesystem;

bool update_requested() {
  const char* v = std::getenv("GOODPUT_UPDATE_GOLDEN");
  return v != nullptr && *v != '\0' && std::string_view(v) != "0";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

::testing::AssertionResult matches_golden(std::string_view relative, const std::string& actual) {
  const fs::path approved = fs::path(GOODPUT_SOURCE_DIR) / "tests" / relative;
  if (update_requested()) {
    if (read_file(approved) != actual) write_file(approved, actual);
    return ::testing::AssertionSuccess() << "updated " << approved.string();
  }
  if (!fs::exists(approved))
    return ::testing::AssertionFailure() << approved.string() << " does not exist; create it with GOODPUT_UPDATE_GOLDEN=1";
  const std::string expected = read_file(approved);
  if (expected == actual) return ::testing::AssertionSuccess();

  const fs::path received = fs::path(GOODPUT_TEST_BINARY_DIR) / "golden-received" / approved.filename();
  write_file(received, actual);
  const auto want = lines_of(expected);
  const auto got = lines_of(actual);
  std::size_t line = 0;
  while (line < want.size() && line < got.size() && want[line] == got[line]) ++line;
  auto failure = ::testing::AssertionFailure();
  failure << "the output differs from the approved " << approved.string() << " at line " << line + 1 << ":\n"
          << "  approved: " << (line < want.size() ? want[line] : "(end of file)") << "\n"
          << "  received: " << (line < got.size() ? got[line] : "(end of file)") << "\n"
          << "All of it: diff -u " << approved.string() << " " << received.string() << "\n"
          << "If the change is intended, rerun with GOODPUT_UPDATE_GOLDEN=1 and review git diff tests/.";
  return failure;
}

std::string scrub(std::string text, const std::vector<std::pair<std::string, std::string>>& patterns) {
  for (const auto& [pattern, replacement] : patterns) {
    std::string out;
    std::size_t copied = 0;
    Pattern::get(pattern)->for_each(text, [&](const PatternMatch& match) {
      out.append(text, copied, match.begin - copied).append(replacement);
      copied = match.end;
      return true;
    });
    text = out.append(text, copied);
  }
  return text;
}

std::string replace_all(std::string text, std::string_view what, std::string_view marker) {
  if (what.empty()) return text;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + marker.size()))
    text.replace(at, what.size(), marker);
  return text;
}

}  // namespace goodput::test
