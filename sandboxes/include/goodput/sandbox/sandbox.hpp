// SPDX-License-Identifier: MIT
// The Sandbox interface: runs an untrusted command (generated code) with files in a fresh
// working directory, under limits, and reports how it ended. Generated code never runs in
// goodput's own process. Implementations: sandboxes/src/process_sandbox.cpp (fork + rlimits
// + namespaces where the kernel allows) and bwrap_sandbox.cpp (bubblewrap, when installed).
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
  std::uint64_t address_space_bytes = 1ull << 30; // RLIMIT_AS
  int processes = 32;                             // RLIMIT_NPROC (per sandbox where namespaces allow)
  std::uint64_t file_size_bytes = 16ull << 20;    // RLIMIT_FSIZE
  int open_files = 64;                            // RLIMIT_NOFILE
  std::size_t output_bytes = 1u << 20;            // cap on each of stdout and stderr kept
};

struct File {
  std::string path;     // relative to the work directory; no "..", not absolute
  std::string content;
};

struct Request {
  std::vector<std::string> argv;               // argv[0] looked up in a fixed PATH
  std::vector<File> files;                     // written into the fresh work directory first
  std::map<std::string, std::string> env;      // added to the scrubbed environment
  std::vector<std::string> read_back;          // work-dir files returned in Result::files
  Limits limits;
};

enum class EndReason {
  exited,          // exited by itself (see exit_code)
  signalled,       // killed by a signal it did not get from a limit (see term_signal)
  timed_out,       // wall-clock limit: the whole process tree was killed
  cpu_limit,       // RLIMIT_CPU (SIGXCPU / SIGKILL)
  memory_limit,    // allocation failed under RLIMIT_AS (MemoryError, ENOMEM, SIGSEGV from it)
  output_limit,    // stdout or stderr went past the cap: killed
  file_size_limit, // RLIMIT_FSIZE (SIGXFSZ)
  failed_to_start, // the sandbox could not run the command: an error, never a model failure
};
std::string_view to_string(EndReason reason);

// What isolation the run actually got. A weaker machine is never silently treated as isolated.
struct Isolation {
  std::string backend;          // "process" or "bwrap"
  bool pid_namespace = false;   // the tree dies with its init; no process outlives the call
  bool network_namespace = false;  // no network at all (only a down loopback)
  bool mount_namespace = false;    // private mounts
  bool read_only_system = false;   // everything but the work directory is read-only
  // Added with the implementation: who the command runs as. dropped_privileges is true when
  // it runs under an unprivileged uid other than goodput's own (nobody when goodput is root),
  // so it cannot signal goodput or write goodput's files (and RLIMIT_NPROC, which root
  // ignores, applies). `user` also says whether the process limit counts this run only (a
  // user namespace per run) or every process of that user on the machine.
  bool dropped_privileges = false;
  std::string user;                // e.g. "nobody (uid 65534), process limit per run"
  std::string describe() const;    // one line for the log: "process: pid+net namespaces, rlimits"
};

struct Result {
  EndReason reason = EndReason::failed_to_start;
  int exit_code = -1;   // when exited
  int term_signal = 0;  // when signalled
  std::string stdout_text;
  std::string stderr_text;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  double wall_s = 0;
  double cpu_s = 0;             // user + system of the whole tree, as far as the kernel reports it
  std::string error;            // for failed_to_start: what went wrong and what to do
  std::map<std::string, std::string> files;  // Request::read_back files that existed
  Isolation isolation;
};

class Sandbox {
 public:
  virtual ~Sandbox() = default;
  // Runs one command to its end. Thread-safe: several runs may be in flight at once. Never
  // throws for anything the command does; returns failed_to_start when it cannot run it.
  // When it returns, nothing the command started is still running and the work directory
  // is gone.
  virtual Result run(const Request& request) = 0;
  // The isolation this backend gets on this machine (probed once).
  virtual Isolation isolation() const = 0;
};

// "process", "bwrap", or "auto" (bwrap when installed and usable, else process). Throws
// std::invalid_argument for an unknown name, std::runtime_error when "bwrap" is not usable.
std::unique_ptr<Sandbox> make_sandbox(const std::string& backend);

// Added with the implementation: the process backend with some isolation turned off on
// purpose, so the fallback a weaker machine gets (process group + subreaper sweep, no
// namespaces) can be tested on a machine that allows namespaces. The defaults are what
// make_sandbox("process") uses: every isolation this machine permits.
struct ProcessOptions {
  bool namespaces = true;        // pid+net+mount(+ipc,uts) namespaces when unshare is permitted
  bool drop_privileges = true;   // when goodput is root: run the command as nobody
};
std::unique_ptr<Sandbox> make_process_sandbox(const ProcessOptions& options);

}  // namespace goodput::sandbox
