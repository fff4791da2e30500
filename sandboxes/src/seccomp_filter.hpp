// SPDX-License-Identifier: MIT
// The syscall filter every sandboxed command runs under, built once with libseccomp and kept as
// a classic BPF program: the process backend installs it with prctl() in the forked child (no
// allocation there), the bwrap backend hands it to bubblewrap (--seccomp FD). What it refuses
// and why is in sandboxes/README.md ("seccomp").
#pragma once

#include <linux/filter.h>

#include <string>
#include <string_view>
#include <vector>

namespace goodput::sandbox::detail {

struct SeccompProgram {
  std::vector<sock_filter> instructions;
  sock_fprog fprog{};  // points into instructions, for prctl(PR_SET_SECCOMP)
  std::string error;   // non-empty: no program (libseccomp failed); the backends then refuse
  bool ok() const { return error.empty() && !instructions.empty(); }
  // The program as bubblewrap's --seccomp reads it.
  std::string_view bytes() const;
};

// `memory_accounted`: whether the run's memory is charged to a cgroup. Without one, memfds
// and System V shared memory would escape every memory limit, so the filter refuses them too.
// Built once; the reference stays valid for the life of the process.
const SeccompProgram& seccomp_program(bool memory_accounted);

// The program for this machine (memory accounted when it has a memory cgroup), or null with
// *why_not set when libseccomp could not build it.
const SeccompProgram* machine_seccomp_program(std::string* why_not);

}  // namespace goodput::sandbox::detail
