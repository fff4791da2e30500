// SPDX-License-Identifier: MIT
// Spawning one sandboxed run and watching it to its end: shared by every backend. The process
// backend execs the command itself; the bwrap backend execs bwrap (with the command after it).
#pragma once

#include "fd.hpp"
#include "goodput/sandbox/sandbox.hpp"

#include <linux/filter.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace goodput::sandbox::detail {

class SetupScript;

struct LaunchPlan {
  std::string executable;             // absolute path
  std::vector<std::string> args;      // after argv[0] (argv[0] is the executable path)
  std::vector<std::string> env;       // "KEY=value", the whole environment
  std::string cwd;                    // the command's working directory, as it sees it
  int namespace_flags = 0;            // CLONE_NEW* (see child_init.hpp)
  bool pid_namespace() const;
  bool distinct_uid = false;          // the run's own uid (needs root)
  bool own_user_namespace = false;    // see ChildPlan::own_user_namespace
  std::vector<const SetupScript*> scripts;  // setup steps, in order (private_root.hpp)
  int cgroup_procs_fd = -1;           // the run's memory cgroup (owned by the caller)
  const sock_fprog* seccomp = nullptr;  // installed in the command (owned by the caller)
  std::vector<Fd> passed_fds;         // kept open in the command; closed here after the fork
  bool result_channel = false;        // a pipe for results, named in $GOODPUT_RESULT_FD
  Fd bwrap_status;                    // read end of bubblewrap's --json-status-fd
  Limits limits;
  int extra_processes = 0;            // added to RLIMIT_NPROC (bwrap's own processes)
};

enum class KillCause { none, timeout, output };

struct LaunchOutcome {
  bool spawned = false;           // the supervisor was forked
  std::string start_error;        // non-empty: the command never ran (failed_to_start)
  std::optional<int> wait_status; // the command's wait status, as its waiter saw it
  int supervisor_status = 0;      // the supervisor's own wait status
  KillCause cause = KillCause::none;
  std::string stdout_text;
  std::string stderr_text;
  std::string stderr_tail;        // last bytes of stderr even when stderr_text was truncated
  std::string channel_text;
  std::string bwrap_status_text;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  bool channel_truncated = false;
  double wall_s = 0;
  double cpu_s = 0;
  long long run_uid = -1;         // the uid the run got (reported by the supervisor)
  bool escaped = false;           // something still held the output pipes at the end
};

// Runs the plan to its end. Never throws for what the command does; start_error says when it
// could not start. When it returns, the whole process tree is gone (see child_init.hpp).
LaunchOutcome launch(LaunchPlan& plan);

}  // namespace goodput::sandbox::detail
