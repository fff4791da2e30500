// SPDX-License-Identifier: MIT
// make_sandbox, to_string, Isolation::describe and the helpers the backends share: executable
// lookup, the scrubbed environment, the memory cgroup, and the classification of how a run
// ended.
#include "goodput/sandbox/sandbox.hpp"

#include "common.hpp"
#include "child_init.hpp"
#include "memory_cgroup.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace goodput::sandbox {

std::string_view to_string(EndReason reason) {
  switch (reason) {
    case EndReason::exited: return "exited";
    case EndReason::signalled: return "signalled";
    case EndReason::timed_out: return "timed_out";
    case EndReason::cpu_limit: return "cpu_limit";
    case EndReason::memory_limit: return "memory_limit";
    case EndReason::output_limit: return "output_limit";
    case EndReason::file_size_limit: return "file_size_limit";
    case EndReason::scratch_limit: return "scratch_limit";
    case EndReason::failed_to_start: return "failed_to_start";
  }
  return "unknown";
}

std::string Isolation::describe() const {
  std::string text = backend.empty() ? std::string("sandbox") : backend;
  text += ": ";
  std::vector<std::string> namespaces;
  if (pid_namespace) namespaces.emplace_back("pid");
  if (network_namespace) namespaces.emplace_back("net");
  if (mount_namespace) namespaces.emplace_back("mount");
  if (namespaces.empty()) {
    text += "NO namespaces (process group + subreaper sweep)";
  } else {
    for (std::size_t i = 0; i < namespaces.size(); ++i) text += (i == 0 ? "" : "+") + namespaces[i];
    text += " namespaces";
  }
  if (!network_namespace) text += ", network NOT isolated";
  text += read_only_system ? ", minimal read-only root (no host paths)"
                           : ", host file system visible (NOT isolated)";
  text += ", user " + (user.empty() ? std::string("?") : user);
  if (!dropped_privileges) text += " (privileges NOT dropped)";
  text += seccomp ? ", seccomp" : ", NO seccomp";
  if (!memory.empty()) text += ", memory: " + memory;
  if (!scratch.empty()) text += ", scratch: " + scratch;
  text += ", rlimits";
  return text;
}

int Isolation::strength() const {
  int score = 0;
  score += pid_namespace ? 4 : 0;
  score += network_namespace ? 4 : 0;
  score += mount_namespace && read_only_system ? 8 : 0;
  score += seccomp ? 2 : 0;
  score += distinct_uid ? 2 : dropped_privileges ? 1 : 0;
  score += memory.rfind("cgroup", 0) == 0 ? 1 : 0;
  return score;
}

std::unique_ptr<Sandbox> make_sandbox(const std::string& backend) {
  std::string why_not;
  if (backend == "process" || backend == "bwrap" || backend == "unsafe-none") {
    auto sandbox = backend == "process" ? detail::make_process_sandbox(&why_not)
                   : backend == "bwrap" ? detail::make_bwrap_sandbox(&why_not)
                                        : detail::make_unsafe_sandbox(&why_not);
    if (sandbox) return sandbox;
    throw std::runtime_error("the " + backend + " sandbox is not usable here: " + why_not);
  }
  if (backend == "auto") {
    std::string why_not_bwrap;
    auto process = detail::make_process_sandbox(&why_not);
    auto bwrap = detail::make_bwrap_sandbox(&why_not_bwrap);
    if (process && bwrap) {
      // Equal strength: the process backend (no external program, and cheaper per run).
      return bwrap->isolation().strength() > process->isolation().strength() ? std::move(bwrap)
                                                                              : std::move(process);
    }
    if (process) return process;
    if (bwrap) return bwrap;
    throw std::runtime_error(
        "no sandbox that isolates generated code works on this machine (process backend: " +
        why_not + "; bwrap backend: " + why_not_bwrap +
        "). To run generated code with no isolation anyway, set `sandbox: unsafe-none` on the "
        "task: the code can then read and write what goodput's user can");
  }
  throw std::invalid_argument("unknown sandbox backend \"" + backend + "\" (expected " +
                              k_backend_names + ")");
}

namespace detail {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0;
}

bool tail_contains(const std::string& tail, std::string_view needle) {
  return tail.find(needle) != std::string::npos;
}

// Heuristic for "allocation failed under RLIMIT_AS": the limit itself leaves no trace the
// kernel reports (malloc just fails with ENOMEM), so look at how the program said it died, in
// the last 4 KiB of stderr: Python's MemoryError, C++'s std::bad_alloc, strerror(ENOMEM),
// glibc/C runtimes' "out of memory". Used only when the command failed (non-zero exit, or
// SIGSEGV/SIGABRT/SIGBUS, which is how a C program that ignores a NULL from malloc ends). The
// command writes that stderr, so it can choose among these names, but every one of them is a
// limit the command ran into: none turns its failure into anything else.
bool memory_evidence(const std::string& tail) {
  return tail_contains(tail, "MemoryError") || tail_contains(tail, "std::bad_alloc") ||
         tail_contains(tail, "Cannot allocate memory") || tail_contains(tail, "out of memory") ||
         tail_contains(tail, "Out of memory");
}

// A full tmpfs: ENOSPC, or EDQUOT from a quota.
bool scratch_evidence(const std::string& tail) {
  return tail_contains(tail, "No space left on device") ||
         tail_contains(tail, "Disk quota exceeded");
}

// Whether bubblewrap's --json-status-fd reported the command's exit: it does so only for a
// command it started, never when its own setup or the exec failed.
bool bubblewrap_saw_exit(const std::string& status) {
  return status.find("\"exit-code\"") != std::string::npos;
}

}  // namespace

std::optional<std::string> find_executable(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (name.front() != '/') return std::nullopt;
    return is_executable_file(name) ? std::optional<std::string>(name) : std::nullopt;
  }
  std::string_view path = k_fixed_path;
  while (!path.empty()) {
    const std::size_t colon = path.find(':');
    const std::string dir(path.substr(0, colon));
    path = colon == std::string_view::npos ? std::string_view() : path.substr(colon + 1);
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (is_executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

std::vector<std::string> scrubbed_environment(const Request& request, const std::string& home,
                                              const std::string& tmp) {
  std::map<std::string, std::string> env = {
      {"PATH", k_fixed_path},
      {"LANG", "C.UTF-8"},
      {"HOME", home},
      {"TMPDIR", tmp},
      {"PYTHONDONTWRITEBYTECODE", "1"},
  };
  for (const auto& [key, value] : request.env) {
    if (key.empty() || key.find('=') != std::string::npos || key == k_result_fd_variable) continue;
    env[key] = value;
  }
  std::vector<std::string> result;
  result.reserve(env.size());
  for (const auto& [key, value] : env) result.push_back(key + "=" + value);
  return result;
}

Isolation base_isolation(std::string backend, bool distinct_uid, bool inside_nobody) {
  Isolation isolation;
  isolation.backend = std::move(backend);
  isolation.dropped_privileges = distinct_uid;
  isolation.distinct_uid = distinct_uid;
  isolation.user = distinct_uid ? "a uid of the run's own (" + std::to_string(k_run_uid_base) +
                                      " + the pid of the run's first process)"
                                : "goodput's own uid " + std::to_string(::geteuid());
  if (inside_nobody) isolation.user += ", nobody (65534) inside";
  isolation.seccomp = true;
  const CgroupSupport& support = memory_cgroup_support();
  isolation.memory =
      support.available
          ? "cgroup v" + std::to_string(support.version) +
                " memory limit for the whole run (processes, tmpfs, memfd)"
          : "address-space limit per process only, memfd and SysV shm refused (no memory "
            "cgroup: " + support.why_not + ")";
  return isolation;
}

std::optional<Result> resolve_command(const Request& request, const Isolation& isolation,
                                      std::string& executable) {
  if (request.argv.empty()) return start_failure("empty argv: nothing to run", isolation);
  const auto found = find_executable(request.argv[0]);
  if (!found) {
    return start_failure("\"" + request.argv[0] + "\": no such executable (looked up in PATH=" +
                             k_fixed_path + "; relative paths are not allowed)",
                         isolation);
  }
  executable = *found;
  return std::nullopt;
}

Result launch_and_judge(LaunchPlan& plan, const Request& request, StatusConvention convention,
                        const Isolation& isolation) {
  std::unique_ptr<RunCgroup> cgroup;
  const CgroupSupport& support = memory_cgroup_support();
  if (support.available) {
    try {
      cgroup = std::make_unique<RunCgroup>(
          support, std::max<std::uint64_t>(request.limits.memory_bytes, 16u << 20));
    } catch (const std::exception& e) {
      return start_failure(e.what(), isolation);
    }
    plan.cgroup_procs_fd = cgroup->procs_fd();
  }
  Result result = make_result(launch(plan), request.limits, convention, cgroup.get());
  result.isolation = isolation;
  return result;
}

Result start_failure(std::string message, const Isolation& isolation) {
  Result result;
  result.reason = EndReason::failed_to_start;
  result.error = std::move(message);
  result.isolation = isolation;
  return result;
}

Result make_result(LaunchOutcome&& outcome, const Limits& limits, StatusConvention convention,
                   const RunCgroup* cgroup) {
  Result result;
  result.stdout_text = std::move(outcome.stdout_text);
  result.stderr_text = std::move(outcome.stderr_text);
  result.stdout_truncated = outcome.stdout_truncated;
  result.stderr_truncated = outcome.stderr_truncated;
  result.channel_text = std::move(outcome.channel_text);
  result.channel_truncated = outcome.channel_truncated;
  result.wall_s = outcome.wall_s;
  result.cpu_s = outcome.cpu_s;
  result.uid = outcome.run_uid;
  if (cgroup != nullptr) result.memory_peak_bytes = cgroup->peak_bytes();
  if (!outcome.start_error.empty()) {
    result.reason = EndReason::failed_to_start;
    result.error = std::move(outcome.start_error);
    return result;
  }
  if (outcome.escaped) {
    result.error = "something of the run still held its output pipes after it ended "
                   "(a process escaped the sandbox's process tree)";
  }

  // What the command's status says, decoded once.
  bool exited = false;
  int code = -1;
  int sig = 0;
  if (outcome.wait_status) {
    const int status = *outcome.wait_status;
    if (WIFEXITED(status)) {
      exited = true;
      code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      sig = WTERMSIG(status);
    }
    if (exited && convention == StatusConvention::bubblewrap && code > 128 && code < 128 + NSIG) {
      exited = false;
      sig = code - 128;
    }
  }
  if (exited) result.exit_code = code;
  result.term_signal = sig;

  if (convention == StatusConvention::bubblewrap && outcome.cause == KillCause::none &&
      !bubblewrap_saw_exit(outcome.bwrap_status_text)) {
    // bwrap itself failed (bad option, a mount it could not make, exec of the command): only
    // then does it not report an exit code. What the command prints cannot make this happen.
    result.reason = EndReason::failed_to_start;
    result.exit_code = -1;
    result.term_signal = 0;
    const std::string first = result.stderr_text.substr(0, result.stderr_text.find('\n'));
    result.error = first.empty() ? std::string("bwrap could not start the command") : first;
    return result;
  }
  if (outcome.cause == KillCause::output) {
    result.reason = EndReason::output_limit;
    return result;
  }
  if (outcome.cause == KillCause::timeout) {
    result.reason = EndReason::timed_out;
    return result;
  }
  if (cgroup != nullptr && cgroup->oom_killed()) {
    result.reason = EndReason::memory_limit;
    return result;
  }
  if (!outcome.wait_status) {
    // The supervisor (or PID 1) ended without reporting the command: treat as killed.
    result.reason = EndReason::signalled;
    result.term_signal = WIFSIGNALED(outcome.supervisor_status)
                             ? WTERMSIG(outcome.supervisor_status) : SIGKILL;
    result.error = "the sandbox's supervisor ended without reporting the command's status";
    return result;
  }

  const double cpu_limit = std::max(1.0, std::ceil(limits.cpu_s));
  const std::string& tail = outcome.stderr_tail;
  if (!exited) {
    if (sig == SIGXCPU || (sig == SIGKILL && result.cpu_s >= cpu_limit - 0.05)) {
      result.reason = EndReason::cpu_limit;
    } else if (sig == SIGXFSZ) {
      result.reason = EndReason::file_size_limit;
    } else if ((sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS) && memory_evidence(tail)) {
      result.reason = EndReason::memory_limit;
    } else {
      result.reason = EndReason::signalled;
    }
    return result;
  }
  result.reason = EndReason::exited;
  if (code != 0) {
    // Python ignores SIGXFSZ, so RLIMIT_FSIZE shows up as OSError EFBIG ("File too large").
    if (memory_evidence(tail)) {
      result.reason = EndReason::memory_limit;
    } else if (tail_contains(tail, "File too large")) {
      result.reason = EndReason::file_size_limit;
    } else if (scratch_evidence(tail)) {
      result.reason = EndReason::scratch_limit;
    }
  }
  return result;
}

}  // namespace detail
}  // namespace goodput::sandbox
