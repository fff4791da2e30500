// SPDX-License-Identifier: MIT
// The Sandbox interface: runs an untrusted command (generated code) with files in a private,
// size-limited working directory, under limits, and reports how it ended. Generated code never
// runs in goodput's own process. Backends: sandboxes/src/process_sandbox.cpp (goodput builds
// the sandbox itself: namespaces, a minimal read-only root, seccomp, a memory cgroup, a uid of
// the run's own) and bwrap_sandbox.cpp (the same, built by bubblewrap). The threat model they
// are tested against is in sandboxes/README.md.
//
//   auto sandbox = goodput::sandbox::make_sandbox("auto");
//   goodput::sandbox::Request req;
//   req.argv = {"python3", "-I", "main.py"};
//   req.files = {{"main.py", "print(1)"}};
//   goodput::sandbox::Result r = sandbox->run(req);   // r.reason, r.stdout_text, ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace goodput::sandbox {

struct Limits {
  double wall_s = 10;                             // wall clock, enforced by the parent
  double cpu_s = 10;                              // RLIMIT_CPU
  // Memory of the whole run: every process, tmpfs pages (the work directory, /tmp...), memfds,
  // pipes. Enforced by a memory cgroup where the machine allows one (Isolation::memory says);
  // otherwise only address_space_bytes per process applies.
  std::uint64_t memory_bytes = 1ull << 30;
  std::uint64_t address_space_bytes = 1ull << 30; // RLIMIT_AS, per process
  int processes = 32;                             // RLIMIT_NPROC (per run: each run has its own uid)
  std::uint64_t file_size_bytes = 16ull << 20;    // RLIMIT_FSIZE
  // Size of each private tmpfs the command may write: its work directory and /tmp (with
  // /var/tmp, /dev/shm and /run; see Isolation::scratch for how this backend lays them out).
  std::uint64_t scratch_bytes = 64ull << 20;
  int open_files = 64;                            // RLIMIT_NOFILE
  std::size_t output_bytes = 1u << 20;            // cap on each of stdout and stderr kept
  std::size_t channel_bytes = 8u << 20;           // cap on the result channel (Request::result_channel)
};

struct File {
  std::string path;     // relative to the work directory; no "..", not absolute
  std::string content;
};

// The environment variable that tells the command which descriptor is its result channel.
inline constexpr const char* k_result_fd_variable = "GOODPUT_RESULT_FD";

struct Request {
  std::vector<std::string> argv;               // argv[0] looked up in a fixed PATH
  std::vector<File> files;                     // put in the fresh work directory before it starts
  std::map<std::string, std::string> env;      // added to the scrubbed environment
  // A pipe for results: the command writes to the descriptor named in $GOODPUT_RESULT_FD and
  // goodput returns what arrived in Result::channel_text. Nothing is ever read back from the
  // command's files (it could have replaced them with anything).
  bool result_channel = false;
  Limits limits;
};

enum class EndReason {
  exited,          // exited by itself (see exit_code)
  signalled,       // killed by a signal it did not get from a limit (see term_signal)
  timed_out,       // wall-clock limit: the whole process tree was killed
  cpu_limit,       // RLIMIT_CPU (SIGXCPU / SIGKILL)
  memory_limit,    // the memory cgroup's limit (OOM kill), or an allocation failed under RLIMIT_AS
  output_limit,    // stdout, stderr or the result channel went past its cap: killed
  file_size_limit, // RLIMIT_FSIZE (SIGXFSZ)
  scratch_limit,   // a private tmpfs (work directory, /tmp...) was full
  failed_to_start, // the sandbox could not run the command: an error, never a model failure
};
std::string_view to_string(EndReason reason);

// What isolation the run actually got. A weaker machine is never silently treated as isolated.
struct Isolation {
  std::string backend;          // "process", "bwrap" or "unsafe-none"
  bool pid_namespace = false;   // the tree dies with its init; no process outlives the call
  bool network_namespace = false;  // no network at all (only a loopback of its own)
  bool mount_namespace = false;    // private mounts
  // The command sees a minimal read-only system (/usr, a few /etc files, /proc of its own, a
  // few devices), its work directory and private tmpfs, and no host path at all: not goodput's
  // files, not other runs, not the host's /tmp.
  bool read_only_system = false;
  // Who the command runs as. dropped_privileges is true when it runs under an unprivileged uid
  // other than goodput's own; distinct_uid when that uid is the run's alone (no other run, of
  // this goodput or another, has it), so runs cannot signal, trace or read each other.
  bool dropped_privileges = false;
  bool distinct_uid = false;
  std::string user;                // e.g. "uid 1879050000, the run's own (nobody inside)"
  bool seccomp = false;            // the syscall filter (see sandboxes/README.md) is applied
  std::string memory;              // "cgroup v1, 512 MB for the whole run" or what replaces it
  std::string scratch;             // "64 MB tmpfs for /work, /tmp, /var/tmp, /dev/shm, /run"
  std::string describe() const;    // one line for the log and the verdict's facts
  // Ranks backends for "auto": namespaces and a private root first, then the rest.
  int strength() const;
};

struct Result {
  EndReason reason = EndReason::failed_to_start;
  int exit_code = -1;   // when exited
  int term_signal = 0;  // when signalled
  std::string stdout_text;
  std::string stderr_text;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::string channel_text;        // what the command wrote to its result channel
  bool channel_truncated = false;
  double wall_s = 0;
  double cpu_s = 0;             // user + system of the whole tree, as far as the kernel reports it
  std::uint64_t memory_peak_bytes = 0;  // from the memory cgroup when there is one, else 0
  long long uid = -1;           // the uid the command ran as on the host (-1: it did not start)
  std::string error;            // for failed_to_start: what went wrong and what to do
  Isolation isolation;
};

class Sandbox {
 public:
  virtual ~Sandbox() = default;
  // Runs one command to its end. Thread-safe: several runs may be in flight at once. Never
  // throws for anything the command does; returns failed_to_start when it cannot run it.
  // When it returns, nothing the command started is still running and its files are gone.
  virtual Result run(const Request& request) = 0;
  // The isolation this backend gets on this machine (probed once).
  virtual Isolation isolation() const = 0;
};

// "process", "bwrap", "auto" (the strongest of the two that works here) or "unsafe-none" (no
// namespaces: a process group, rlimits, seccomp and a uid of its own only; for machines that
// allow nothing else, and only when a task asks for it by that name). Throws
// std::invalid_argument for an unknown name, std::runtime_error (saying why and what to do)
// when the backend cannot isolate anything on this machine.
std::unique_ptr<Sandbox> make_sandbox(const std::string& backend);

// The names make_sandbox accepts, for messages.
inline constexpr const char* k_backend_names = "auto, process, bwrap or unsafe-none";

}  // namespace goodput::sandbox
