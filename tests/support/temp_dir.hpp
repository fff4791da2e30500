// SPDX-License-Identifier: MIT
// A scratch directory that is gone after the test: /tmp/goodput-<tag>-<pid>[-<test name>].
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace goodput::test {

class TempDir {
 public:
  // Emptied and created. `per_test`: the name ends with the running test's name, so tests of
  // one binary run in parallel (ctest -j) never share a directory.
  explicit TempDir(std::string_view tag, bool per_test = true);
  ~TempDir();  // removes it; errors are ignored
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(std::string_view name) const { return m_path / name; }
  std::string str(std::string_view name = "") const { return name.empty() ? m_path.string() : (m_path / name).string(); }

 private:
  std::filesystem::path m_path;
};

}  // namespace goodput::test
