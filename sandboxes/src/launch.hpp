// SPDX-License-Identifier: MIT
// Spawning one sandboxed run and watching it to its end: shared by both backends. The process
// backend execs the command itself; the bwrap backend execs bwrap (with the command after it).
#pragma once

#include "goodput/sandbox/sandbox.hpp"

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace goodput::sandbox::detail {

struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
};

struct LaunchPlan {
  std::string executable;             // absolute path
  std::vector<std::string> args;      // after argv[0] (argv[0] is the executable path)
  std::vector<std::string> env;       // "KEY=value", the whole environment
  std::string cwd;                    // the work directory
  int unshare_flags = 0;              // CLONE_NEW* (see child_init.hpp)
  bool pid_namespace = false;
  bool mount_proc = false;
  std::optional<Credentials> run_as;  // drop to this user before exec
  bool own_user_namespace = false;    // a user namespace of the command's own (child_init.hpp)
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
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  double wall_s = 0;
  double cpu_s = 0;
  bool escaped = false;           // something still held the output pipes at the end
};

// Runs the plan to its end. Never throws for what the command does; start_error says when it
// could not start. When it returns, the whole process tree is gone (see child_init.hpp).
LaunchOutcome launch(const LaunchPlan& plan);

}  // namespace goodput::sandbox::detail
