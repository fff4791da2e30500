// SPDX-License-Identifier: MIT
#include "support/temp_dir.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

namespace goodput::test {

TempDir::TempDir(std::string_view tag, bool per_test) {
  std::string name = "goodput-" + std::string(tag) + "-" + std::to_string(::getpid());
  if (const auto* info = ::testing::UnitTest::GetInstance()->current_test_info(); per_test && info) name += std::string("-") + info->name();
  m_path = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(m_path);
  std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

}  // namespace goodput::test
