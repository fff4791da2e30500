// SPDX-License-Identifier: MIT
// The loaders read files: each input is written to one scratch file per process (under the
// system's temporary directory, removed at exit) and loaded from there.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace goodput::fuzz {

class LoaderFile {
 public:
  explicit LoaderFile(const std::string& name)
      : m_dir(std::filesystem::temp_directory_path() / ("goodput-fuzz-" + std::to_string(::getpid()))),
        m_path((m_dir / name).string()) {
    std::filesystem::create_directories(m_dir);
  }
  ~LoaderFile() {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  LoaderFile(const LoaderFile&) = delete;
  LoaderFile& operator=(const LoaderFile&) = delete;

  // The path of a file holding exactly `bytes`.
  const std::string& holding(std::string_view bytes) {
    std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return m_path;
  }

 private:
  std::filesystem::path m_dir;
  std::string m_path;
};

}  // namespace goodput::fuzz
