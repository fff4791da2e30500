// SPDX-License-Identifier: MIT
// The fresh working directory of one run: created empty, filled with the request's files,
// handed to the command's user, read back without following anything the command planted
// (symlinks, hard links, FIFOs), removed in the destructor whatever happened.
#pragma once

#include "goodput/sandbox/sandbox.hpp"
#include "launch.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace goodput::sandbox::detail {

class WorkDir {
 public:
  // Creates "<base>/goodput-sandbox-XXXXXX" (base: $TMPDIR when the command's user can reach
  // it, else /dev/shm when it is a usable tmpfs, else /tmp; see work_dir.cpp), mode 0700; with
  // an `owner`, mode 0770 and group owner->gid (the files in it belong to the owner). Throws
  // std::system_error.
  explicit WorkDir(const std::optional<Credentials>& owner);
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  ~WorkDir();

  const std::string& path() const { return m_path; }

  // Throws std::invalid_argument for a path that is empty, absolute or has "." / ".."
  // components, std::system_error when writing fails.
  void write_files(const std::vector<File>& files);

  // The named files that exist as regular files with a single link, read up to max_bytes each.
  // Paths are resolved one component at a time with O_NOFOLLOW.
  std::map<std::string, std::string> read_back(const std::vector<std::string>& names,
                                                std::size_t max_bytes) const;

  // Whether a regular file somewhere in the directory reached `bytes` (RLIMIT_FSIZE evidence).
  bool has_file_of_at_least(std::uint64_t bytes) const;

 private:
  std::string m_path;
  std::optional<Credentials> m_owner;
};

// Splits a request path into components, or throws std::invalid_argument.
std::vector<std::string> checked_components(const std::string& path);

}  // namespace goodput::sandbox::detail
