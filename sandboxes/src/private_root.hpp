// SPDX-License-Identifier: MIT
// The parent side of the file systems a run sees. The process backend's private root: a tmpfs
// holding read-only binds of what programs need from the host (the system view, shared with the
// bwrap backend), a /dev with five devices, a /proc of the run's pid namespace, and one scratch
// tmpfs (the work directory, /tmp, /var/tmp, /dev/shm and /run together, one quota), then
// pivot_root into it. Composed here as setup steps (setup_steps.hpp) that the child carries out.
#pragma once

#include "goodput/sandbox/sandbox.hpp"
#include "setup_steps.hpp"

#include <deque>
#include <string>
#include <vector>

namespace goodput::sandbox::detail {

// What a run sees of the host, read-only, at the same paths (both backends).
struct SystemEntry {
  // hidden: a directory under a bound one that the run must not see (covered by an empty,
  // read-only tmpfs).
  enum class Kind { directory, file, symlink, device, hidden };
  Kind kind = Kind::directory;
  std::string path;          // absolute, the same inside and on the host
  std::string link_target;   // for symlinks
  unsigned long locked_flags = 0;  // MS_NOSUID/MS_NODEV/MS_NOEXEC... of the host mount, kept
};
const std::vector<SystemEntry>& system_view();

// The directory of the work directory inside, and the variables that point there.
inline constexpr const char* k_inside_work_dir = "/work";
inline constexpr const char* k_inside_tmp_dir = "/tmp";

// An ordered list of steps that owns the strings its steps point to. Move-only: the steps'
// pointers stay valid across moves (a deque never moves its elements).
class SetupScript {
 public:
  SetupScript() = default;
  SetupScript(SetupScript&&) = default;
  SetupScript& operator=(SetupScript&&) = default;
  SetupScript(const SetupScript&) = delete;
  SetupScript& operator=(const SetupScript&) = delete;

  SetupStep& add(SetupOp op, const std::string& path);
  const char* keep(std::string text);

  const SetupStep* steps() const { return m_steps.data(); }
  std::size_t size() const { return m_steps.size(); }
  // "bind /usr on /tmp/usr", for a failure message.
  std::string describe(std::size_t index) const;

 private:
  std::deque<std::string> m_strings;
  std::vector<SetupStep> m_steps;
};

// Steps before the run's own (same for every run): network, hostname, the root tmpfs at
// `staging`, the system view, /dev, /proc, and the mount points of the scratch directories.
SetupScript root_prologue(const std::string& staging);
// The run's own: the scratch tmpfs of `scratch_bytes`, its directories bound into place, then
// the request's files in the work directory. Throws std::invalid_argument for a bad file path.
SetupScript root_run_steps(const std::string& staging, const Request& request);
// After the run's steps: identity files, everything read-only, pivot_root.
SetupScript root_epilogue(const std::string& staging);

// For the unsafe-none backend (no mount namespace): the request's files written into `dir`, a
// fresh directory on the host, and the directory handed to the run's user last.
SetupScript host_work_dir_steps(const std::string& dir, const Request& request);

// A directory to assemble the root on inside the private mount namespace (the host's stays as
// it was): the first plain directory of /tmp, /mnt, /run, /var/tmp. Empty when none.
std::string staging_directory();

// Splits a request path into components, or throws std::invalid_argument.
std::vector<std::string> checked_components(const std::string& path);

}  // namespace goodput::sandbox::detail
