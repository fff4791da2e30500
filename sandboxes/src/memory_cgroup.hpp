// SPDX-License-Identifier: MIT
// A memory cgroup per run: the one limit that covers everything a run can hold in memory at
// once (all its processes, tmpfs pages of its work directory and /tmp, memfds, pipes), where
// RLIMIT_AS bounds one process's address space only. cgroup v2 (memory.max) where goodput's
// cgroup has the memory controller delegated to it, else cgroup v1 (memory.limit_in_bytes)
// where that hierarchy is mounted and writable. The run's init joins it right after the fork,
// through a descriptor of cgroup.procs opened here.
#pragma once

#include "fd.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace goodput::sandbox::detail {

struct CgroupSupport {
  bool available = false;
  int version = 0;           // 1 or 2
  std::string parent;        // where run cgroups are made: goodput's own cgroup directory
  std::string why_not;       // when not available: what was found and what would help
};

// Probed once per process.
const CgroupSupport& memory_cgroup_support();

class RunCgroup {
 public:
  // Creates "<parent>/goodput-<pid>-<n>" with the limit; throws std::system_error.
  RunCgroup(const CgroupSupport& support, std::uint64_t limit_bytes);
  RunCgroup(const RunCgroup&) = delete;
  RunCgroup& operator=(const RunCgroup&) = delete;
  ~RunCgroup();  // removes the directory (the run's processes are gone by then)

  // cgroup.procs, opened for writing: writing "0" moves the writer in.
  int procs_fd() const { return m_procs.get(); }
  // Read after the run: whether the kernel's OOM killer acted inside it, and the peak usage.
  bool oom_killed() const;
  std::uint64_t peak_bytes() const;

 private:
  int m_version;
  std::string m_path;
  Fd m_procs;
};

}  // namespace goodput::sandbox::detail
