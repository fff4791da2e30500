// SPDX-License-Identifier: MIT
// The child side of a sandboxed run: what happens between fork and exec.
//
// Process tree of one run (see launch.cpp for the parent side):
//
//   goodput ──fork (Boost.Process)──> supervisor ─┬─ pid namespace:  init (PID 1) ──> command
//                                                 └─ otherwise:      command (own process group)
//
// - supervisor: trusted, keeps goodput's uid. New session; unshares the namespaces; waits. On
//   SIGTERM it kills the tree and exits when all of it is reaped; SIGTERM comes from goodput
//   (time or output limit) or from the kernel when goodput dies (PR_SET_PDEATHSIG). Without a
//   pid namespace it is a child subreaper, so every orphan of the tree (double forks, setsid
//   daemons) is re-parented to it, and it sweeps (SIGKILL) its children until none is left.
// - init: PID 1 of the new pid namespace; mounts a fresh /proc (mount namespace), reaps
//   orphans, reports the command's wait status and exits as soon as the command ends. When PID 1
//   exits the kernel SIGKILLs everything else in the namespace and reaps it before the supervisor
//   sees init's exit, so "supervisor exited" means "nothing of the run is left".
// - command: resets signal dispositions, applies the rlimits, drops to the unprivileged user,
//   enters a user namespace of its own (so RLIMIT_NPROC counts this run only), sets
//   no_new_privs and PR_SET_PDEATHSIG, then returns to Boost.Process which closes fds and
//   execs it.
//
// Everything here runs in a child forked from a multi-threaded (maybe ASan-instrumented)
// process: only async-signal-safe system calls, no allocation, no stdio, no locks. The plan is
// filled in by the parent before the fork.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>

namespace goodput::sandbox::detail {

// One record on the status pipe (child → goodput). Writes of 16 bytes to a pipe are atomic.
struct StatusRecord {
  std::int32_t kind = 0;
  std::int32_t a = 0;
  std::int32_t b = 0;
  std::int32_t reserved = 0;
};
inline constexpr std::int32_t k_record_started = 1;       // a = pid of init (pid ns) or command
inline constexpr std::int32_t k_record_exit = 2;          // a = the command's wait status
inline constexpr std::int32_t k_record_setup_failed = 3;  // a = SetupStage, b = errno
inline constexpr std::int32_t k_record_exec_failed = 4;   // b = errno of execve

enum class SetupStage : std::int32_t {
  pdeathsig = 1,
  unshare,
  user_map,
  fork,
  mount_private,
  mount_proc,
  rlimit,
  setgroups,
  setgid,
  setuid,
  no_new_privs,
  signals,
  own_user_namespace,
};
const char* stage_name(SetupStage stage);

struct ChildRlimit {
  int resource = 0;
  rlim_t soft = 0;
  rlim_t hard = 0;
};

struct ChildPlan {
  int status_fd = -1;            // write end of the status pipe (O_CLOEXEC)
  pid_t goodput_pid = 0;         // to detect that goodput died before PDEATHSIG was armed
  int unshare_flags = 0;         // CLONE_NEW* for the supervisor's unshare()
  bool pid_namespace = false;    // supervisor → init → command
  bool mount_proc = false;       // init mounts a fresh /proc (needs a mount namespace)
  bool user_namespace = false;   // unshare_flags has CLONE_NEWUSER: write the maps below
  const char* uid_map = nullptr; // "<uid> <uid> 1\n"
  const char* gid_map = nullptr;
  bool drop_privileges = false;  // setgroups/setgid/setuid to uid/gid below
  uid_t uid = 0;
  gid_t gid = 0;
  // The command's own user namespace, created after the drop with its uid/gid mapped to
  // themselves, so that RLIMIT_NPROC (counted per user *and user namespace* since Linux 5.14)
  // counts the processes of this run only, not every process of the same user on the machine.
  // RLIMIT_NPROC is set after it: the namespace's ceiling is its creator's limit at creation.
  bool own_user_namespace = false;
  const char* own_uid_map = nullptr;
  const char* own_gid_map = nullptr;
  ChildRlimit rlimits[8];
  int rlimit_count = 0;
};

// Runs in the process Boost.Process forked. Returns only in the process that must exec the
// command (after preparing it); the supervisor and init never return. boost_error_fd is the
// write end of Boost's exec-error pipe: only the command keeps it (so Boost's launcher returns
// when the command has exec'd); the supervisor and init close it.
void run_child_chain(const ChildPlan& plan, int boost_error_fd);

// For the exec-error hook: tell goodput why execve failed, then leave without running atexit
// handlers (Boost would call exit(), which in a forked copy of goodput runs its destructors).
[[noreturn]] void report_exec_failure(const ChildPlan& plan, int error);

}  // namespace goodput::sandbox::detail
