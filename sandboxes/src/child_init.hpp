// SPDX-License-Identifier: MIT
// The child side of a sandboxed run: what happens between goodput's clone and the exec.
//
// Process tree of one run (see launch.cpp for the parent side):
//
//   namespaces (process backend):    goodput ──clone3(new pid, net, mount, ipc, uts)──> init
//                                    init (PID 1) ──clone(vfork)──> command
//   no namespaces (bwrap, unsafe-none): goodput ──clone3──> supervisor ──clone(vfork)──> command
//
// - init: PID 1 of the run's namespaces, goodput's direct child. Joins the run's memory cgroup,
//   carries out the setup steps (the private root, setup_steps.hpp), starts the command, reaps
//   orphans, reports the command's wait status and exits as soon as the command ends. When
//   PID 1 exits the kernel SIGKILLs everything else in the namespace and reaps it before
//   goodput sees init's exit, so "init exited" means "nothing of the run is left". goodput
//   stops a run by SIGKILLing init; init dies with goodput (PR_SET_PDEATHSIG).
// - supervisor (no pid namespace): trusted, keeps goodput's uid. New session; a child
//   subreaper, so every orphan of the tree (double forks, setsid daemons) is re-parented to it,
//   and it sweeps (SIGKILL) its children until none is left. On SIGTERM (from goodput, or from
//   the kernel when goodput dies) it kills the tree and exits when all of it is reaped.
// - command: started with CLONE_VM | CLONE_VFORK on a stack of its own (no copy of goodput's
//   page tables: that fork is the most expensive step of a run); puts its stdio in place,
//   closes everything else, resets signal dispositions, changes to its working directory,
//   applies the rlimits, drops to the run's uid, sets no_new_privs and PR_SET_PDEATHSIG,
//   installs the seccomp filter and execs.
// - The run's uid is k_run_uid_base + the pid of init or of the supervisor in goodput's pid
//   namespace: unique among live runs on the machine, whichever goodput process they belong
//   to, without any shared state.
//
// Everything here runs in processes cloned from a multi-threaded (maybe ASan-instrumented)
// process: only async-signal-safe system calls, no allocation, no stdio, no locks. The plan is
// filled in by the parent before the clone.
#pragma once

#include "setup_steps.hpp"

#include <linux/filter.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace goodput::sandbox::detail {

// The run's uid (and gid) is this plus the supervisor's pid: above systemd's container range
// (524288–1879048191) and below its "foreign" range (from 2147352576), 4,194,304 (pid_max)
// wide.
inline constexpr std::uint32_t k_run_uid_base = 1879048192u;

// One record on the status pipe (child → goodput). Writes of 16 bytes to a pipe are atomic.
struct StatusRecord {
  std::int32_t kind = 0;
  std::int32_t a = 0;
  std::int32_t b = 0;
  std::int32_t c = 0;
};
inline constexpr std::int32_t k_record_started = 1;       // a = pid of init (pid ns) or command
inline constexpr std::int32_t k_record_exit = 2;          // a = the command's wait status
inline constexpr std::int32_t k_record_setup_failed = 3;  // a = SetupStage, b = errno, c = step
inline constexpr std::int32_t k_record_exec_failed = 4;   // b = errno of execve
inline constexpr std::int32_t k_record_run_uid = 5;       // a = the run's uid

enum class SetupStage : std::int32_t {
  pdeathsig = 1,
  user_map,
  fork,
  cgroup,
  setup_step,  // c = (list << 16) | index of the failed step
  chdir,
  rlimit,
  setgroups,
  setgid,
  setuid,
  no_new_privs,
  seccomp,
  signals,
  pass_fds,
};
const char* stage_name(SetupStage stage);

struct ChildRlimit {
  int resource = 0;
  rlim_t soft = 0;
  rlim_t hard = 0;
};

struct StepList {
  const SetupStep* steps = nullptr;
  std::size_t count = 0;
};

inline constexpr int k_max_passed_fds = 64;

struct ChildPlan {
  const char* executable = nullptr;    // absolute path
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  int stdin_fd = -1;                   // /dev/null
  int stdout_fd = -1;                  // write ends of goodput's pipes
  int stderr_fd = -1;
  int status_fd = -1;                  // write end of the status pipe (O_CLOEXEC)
  pid_t goodput_pid = 0;               // to detect that goodput died before PDEATHSIG was armed
  int namespace_flags = 0;             // CLONE_NEW*: with CLONE_NEWPID the child is init
  bool user_namespace = false;         // namespace_flags has CLONE_NEWUSER: write the maps below
  const char* uid_map = nullptr;       // "<uid> <uid> 1\n"
  const char* gid_map = nullptr;
  // Descriptors the command keeps (its result channel, bubblewrap's inputs): O_CLOEXEC is
  // cleared on them in the command only, just before exec.
  int passed_fds[k_max_passed_fds] = {};
  int passed_fd_count = 0;
  int cgroup_procs_fd = -1;            // joined by init, or by the command without one
  bool distinct_uid = false;           // run as k_run_uid_base + init's or the supervisor's pid
  // Without a uid of its own, the command enters a user namespace of its own (its uid mapped to
  // itself) before RLIMIT_NPROC is set, so that the limit counts this run's processes only
  // (since Linux 5.14 the count is per user namespace, and a namespace's ancestors keep the
  // limit its creator had). Used for bubblewrap, whose sandbox has no init of goodput's.
  bool own_user_namespace = false;
  StepList steps[3];                   // setup steps: by init, or by the supervisor
  int step_list_count = 0;
  const sock_fprog* seccomp = nullptr; // installed in the command, last
  const char* cwd = nullptr;           // the command's working directory (after the steps)
  sigset_t ignored_signals{};          // SIG_IGN in goodput: reset to SIG_DFL for the command
  void* command_stack = nullptr;       // for the command's clone (CLONE_VM)
  std::size_t command_stack_size = 0;
  ChildRlimit rlimits[8];
  int rlimit_count = 0;
};

// clone3 of goodput: returns the child's pid (pidfd set) in goodput, or -1 with errno. The
// child never returns: it becomes init or the supervisor, then the command.
pid_t spawn(const ChildPlan& plan, int* pidfd);

}  // namespace goodput::sandbox::detail
