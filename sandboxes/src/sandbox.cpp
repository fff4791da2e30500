// SPDX-License-Identifier: MIT
// make_sandbox, to_string, Isolation::describe and the helpers both backends share: executable
// lookup, the scrubbed environment, the unprivileged user, and the classification of how a
// run ended.
#include "goodput/sandbox/sandbox.hpp"

#include "common.hpp"
#include "work_dir.hpp"

#include <pwd.h>
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
  text += read_only_system ? ", read-only system, only the work directory writable"
                           : ", system NOT read-only";
  text += ", user " + (user.empty() ? std::string("?") : user);
  if (!dropped_privileges) text += " (privileges NOT dropped)";
  text += ", rlimits";
  return text;
}

std::unique_ptr<Sandbox> make_sandbox(const std::string& backend) {
  if (backend == "process") return make_process_sandbox(ProcessOptions{});
  if (backend == "bwrap" || backend == "auto") {
    std::string why_not;
    auto sandbox = detail::make_bwrap_sandbox_if_usable(&why_not);
    if (sandbox) return sandbox;
    if (backend == "auto") return make_process_sandbox(ProcessOptions{});
    throw std::runtime_error("the bwrap sandbox is not usable here: " + why_not);
  }
  throw std::invalid_argument("unknown sandbox backend \"" + backend +
                              "\" (expected process, bwrap or auto)");
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
// SIGSEGV/SIGABRT/SIGBUS, which is how a C program that ignores a NULL from malloc ends).
bool memory_evidence(const std::string& tail) {
  return tail_contains(tail, "MemoryError") || tail_contains(tail, "std::bad_alloc") ||
         tail_contains(tail, "Cannot allocate memory") || tail_contains(tail, "out of memory") ||
         tail_contains(tail, "Out of memory");
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

std::vector<std::string> scrubbed_environment(const Request& request, const std::string& home) {
  std::map<std::string, std::string> env = {
      {"PATH", k_fixed_path},
      {"LANG", "C.UTF-8"},
      {"HOME", home},
      {"TMPDIR", home},
      {"PYTHONDONTWRITEBYTECODE", "1"},
  };
  for (const auto& [key, value] : request.env) {
    if (key.empty() || key.find('=') != std::string::npos) continue;
    env[key] = value;
  }
  std::vector<std::string> result;
  result.reserve(env.size());
  for (const auto& [key, value] : env) result.push_back(key + "=" + value);
  return result;
}

std::optional<Credentials> unprivileged_user() {
  if (::geteuid() != 0) return std::nullopt;
  static const Credentials nobody = [] {
    Credentials credentials{65534, 65534};
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r("nobody", &entry, buf.data(), buf.size(), &found) == 0 && found != nullptr &&
        found->pw_uid != 0) {
      credentials.uid = found->pw_uid;
      credentials.gid = found->pw_gid;
    }
    return credentials;
  }();
  return nobody;
}

std::string user_description(const std::optional<Credentials>& run_as, bool own_user_namespace) {
  const uid_t uid = run_as ? run_as->uid : ::geteuid();
  std::string name;
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (::getpwuid_r(uid, &entry, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    name = found->pw_name;
  }
  std::string text = (name.empty() ? std::string("uid ") + std::to_string(uid)
                                   : name + " (uid " + std::to_string(uid));
  if (!name.empty()) text += run_as ? ")" : ", goodput's own)";
  else if (!run_as) text += " (goodput's own)";
  text += own_user_namespace ? ", process limit per run"
                             : ", process limit shared by all its processes on the machine";
  return text;
}

Result start_failure(std::string message, const Isolation& isolation) {
  Result result;
  result.reason = EndReason::failed_to_start;
  result.error = std::move(message);
  result.isolation = isolation;
  return result;
}

Result make_result(LaunchOutcome&& outcome, const Limits& limits, StatusConvention convention,
                   const WorkDir* work_dir) {
  Result result;
  result.stdout_text = std::move(outcome.stdout_text);
  result.stderr_text = std::move(outcome.stderr_text);
  result.stdout_truncated = outcome.stdout_truncated;
  result.stderr_truncated = outcome.stderr_truncated;
  result.wall_s = outcome.wall_s;
  result.cpu_s = outcome.cpu_s;
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
    if (exited && convention == StatusConvention::exit_128_plus_signal && code > 128 &&
        code < 128 + NSIG) {
      exited = false;
      sig = code - 128;
    }
  }
  if (exited) result.exit_code = code;
  result.term_signal = sig;

  if (convention == StatusConvention::exit_128_plus_signal && exited && code == 1 &&
      outcome.cause == KillCause::none && result.stderr_text.rfind("bwrap: ", 0) == 0) {
    // bwrap itself failed (bad option, a mount it could not make, exec of the command).
    result.reason = EndReason::failed_to_start;
    result.error = result.stderr_text.substr(0, result.stderr_text.find('\n'));
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
    } else if ((sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS) &&
               memory_evidence(tail)) {
      result.reason = EndReason::memory_limit;
    } else {
      result.reason = EndReason::signalled;
    }
    return result;
  }
  result.reason = EndReason::exited;
  if (code != 0) {
    // Python ignores SIGXFSZ, so RLIMIT_FSIZE shows up as OSError EFBIG ("File too large")
    // or, when the message is lost, as a file in the work directory that reached the limit.
    if (memory_evidence(tail)) {
      result.reason = EndReason::memory_limit;
    } else if (tail_contains(tail, "File too large") ||
               (work_dir != nullptr && work_dir->has_file_of_at_least(limits.file_size_bytes))) {
      result.reason = EndReason::file_size_limit;
    }
  }
  return result;
}

}  // namespace detail
}  // namespace goodput::sandbox
