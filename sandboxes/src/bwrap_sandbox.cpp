// SPDX-License-Identifier: MIT
// The bwrap backend: the same supervisor as the process backend (subreaper mode, no namespaces
// of its own), but the command it execs is bubblewrap, which builds the sandbox:
//
//   bwrap --unshare-all --unshare-user [--disable-userns] --die-with-parent --new-session
//         --ro-bind /usr /usr  (+ /bin /lib... as symlinks or read-only binds, as on the host)
//         --ro-bind-try /etc/<a few files the dynamic loader and Python read>
//         --proc /proc --dev /dev --size N --tmpfs /tmp
//         --bind <work dir> /work --chdir /work --uid 65534 --gid 65534 -- <command>
//
// - Everything but /work is read-only or a private tmpfs; $HOME, /root, goodput's sources and
//   the host's /tmp are simply absent.
// - When goodput is root, bwrap itself is started as nobody (unprivileged user namespace), so
//   the processes are nobody's outside too and RLIMIT_NPROC applies (root is exempt from it).
// - rlimits are set before bwrap is exec'd and inherited by the command; RLIMIT_NPROC gets two
//   more for bwrap's own two processes.
// - bwrap's outer process exits as soon as the command does; its PID 1 dies by PDEATHSIG
//   (--die-with-parent), is re-parented to our subreaper supervisor and reaped by it, so the
//   supervisor's exit still means the namespace is gone, and its rusage includes the command.
// - bwrap reports a command killed by signal N as exit code 128+N: see StatusConvention.
//
// Probe (once per process): bwrap is looked up in the fixed PATH, `bwrap --help` tells which
// options this version has, then `true` is run with the real arguments; bwrap is usable only
// if that exits 0 (it fails inside containers that forbid user namespaces).
#include "common.hpp"
#include "work_dir.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <optional>

namespace goodput::sandbox::detail {
namespace {

constexpr const char* k_inside_work_dir = "/work";
constexpr const char* k_inside_id = "65534";
// /tmp inside is a tmpfs (memory, not covered by RLIMIT_AS): its size is bounded separately.
constexpr std::uint64_t k_min_tmpfs_bytes = 64ull << 20;

struct BwrapSetup {
  bool usable = false;
  std::string why_not;
  std::string bwrap;
  std::optional<Credentials> run_as;
  bool own_user_namespace = true;  // bwrap starts in a user namespace of its own (per-run NPROC)
  bool has_size_option = false;
  bool has_disable_userns = false;
  std::vector<std::string> system_args;  // the read-only system part, computed once
  Isolation isolation;
};

// /bin, /lib... are symlinks into /usr on merged-/usr systems (Debian 12): recreate the
// symlink; on older layouts bind the directory read-only.
std::vector<std::string> system_arguments() {
  std::vector<std::string> args = {"--ro-bind", "/usr", "/usr"};
  for (const char* name : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    struct stat st {};
    if (::lstat(name, &st) != 0) continue;
    if (S_ISLNK(st.st_mode)) {
      char target[4096];
      const ssize_t n = ::readlink(name, target, sizeof target - 1);
      if (n <= 0) continue;
      args.insert(args.end(), {"--symlink", std::string(target, static_cast<std::size_t>(n)), name});
    } else if (S_ISDIR(st.st_mode)) {
      args.insert(args.end(), {"--ro-bind", name, name});
    }
  }
  // Only what programs need from /etc: the loader cache, users and groups (for nobody's
  // name), time zone, locale-independent basics, Python's own configuration.
  std::vector<std::string> etc = {"ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives",
                                  "localtime", "passwd", "group", "nsswitch.conf", "hosts",
                                  "mime.types"};
  if (DIR* dir = ::opendir("/etc")) {
    while (const dirent* entry = ::readdir(dir)) {
      const std::string name = entry->d_name;
      if (name.rfind("python", 0) == 0) etc.push_back(name);
    }
    ::closedir(dir);
  }
  std::sort(etc.begin(), etc.end());
  for (const std::string& name : etc) {
    args.insert(args.end(), {"--ro-bind-try", "/etc/" + name, "/etc/" + name});
  }
  args.insert(args.end(), {"--proc", "/proc", "--dev", "/dev"});
  return args;
}

std::vector<std::string> bwrap_arguments(const BwrapSetup& setup, const std::string& work_dir,
                                         const Limits& limits, const std::string& executable,
                                         const std::vector<std::string>& command_args) {
  std::vector<std::string> args = {"--unshare-all", "--unshare-user"};
  // No nested user namespaces: keeps the kernel's user-namespace code out of reach.
  if (setup.has_disable_userns) args.emplace_back("--disable-userns");
  args.insert(args.end(), {"--die-with-parent", "--new-session", "--hostname", "goodput-sandbox"});
  args.insert(args.end(), setup.system_args.begin(), setup.system_args.end());
  if (setup.has_size_option) {
    const std::uint64_t size = std::max(k_min_tmpfs_bytes, 4 * limits.file_size_bytes);
    args.insert(args.end(), {"--size", std::to_string(size)});
  }
  args.insert(args.end(), {"--tmpfs", "/tmp", "--bind", work_dir, k_inside_work_dir, "--chdir",
                           k_inside_work_dir, "--uid", k_inside_id, "--gid", k_inside_id, "--",
                           executable});
  args.insert(args.end(), command_args.begin(), command_args.end());
  return args;
}

LaunchPlan bwrap_plan(const BwrapSetup& setup, std::vector<std::string> args,
                      std::vector<std::string> env, std::string cwd, const Limits& limits) {
  LaunchPlan plan;
  plan.executable = setup.bwrap;
  plan.args = std::move(args);
  plan.env = std::move(env);  // bwrap passes its (already scrubbed) environment on
  plan.cwd = std::move(cwd);
  plan.run_as = setup.run_as;
  plan.own_user_namespace = setup.own_user_namespace;
  plan.limits = limits;
  plan.extra_processes = 2;  // bwrap's outer process and its PID 1
  return plan;
}

Isolation isolation_of(const BwrapSetup& setup) {
  Isolation isolation;
  isolation.backend = "bwrap";
  isolation.pid_namespace = true;
  isolation.network_namespace = true;
  isolation.mount_namespace = true;
  isolation.read_only_system = true;
  isolation.dropped_privileges = setup.run_as.has_value();
  isolation.user = user_description(setup.run_as, setup.own_user_namespace) + ", uid " +
                   k_inside_id + " inside";
  return isolation;
}

std::string try_run_true(BwrapSetup& setup) {
  const auto true_path = find_executable("true");
  if (!true_path) return "no `true` in " + std::string(k_fixed_path) + " to probe with";
  try {
    WorkDir dir(setup.run_as);
    Limits limits;
    limits.wall_s = 10;
    limits.cpu_s = 5;
    limits.processes = 8;
    Request request;
    LaunchOutcome outcome = launch(bwrap_plan(
        setup, bwrap_arguments(setup, dir.path(), limits, *true_path, {}),
        scrubbed_environment(request, k_inside_work_dir), dir.path(), limits));
    if (!outcome.start_error.empty()) return outcome.start_error;
    if (!outcome.wait_status || !WIFEXITED(*outcome.wait_status) ||
        WEXITSTATUS(*outcome.wait_status) != 0) {
      std::string message = outcome.stderr_text.substr(0, outcome.stderr_text.find('\n'));
      return message.empty() ? std::string("bwrap could not run `true`") : message;
    }
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

BwrapSetup probe() {
  BwrapSetup setup;
  const auto bwrap = find_executable("bwrap");
  if (!bwrap) {
    setup.why_not = "bwrap is not installed (Debian package bubblewrap)";
    return setup;
  }
  setup.bwrap = *bwrap;
  setup.run_as = unprivileged_user();
  try {
    WorkDir dir(setup.run_as);
    Limits limits;
    limits.wall_s = 10;
    limits.processes = 8;
    LaunchPlan plan = bwrap_plan(setup, {"--help"}, {std::string("PATH=") + k_fixed_path},
                                 dir.path(), limits);
    plan.own_user_namespace = false;  // only reading the help text
    const LaunchOutcome help = launch(plan);
    setup.has_size_option = help.stdout_text.find("--size") != std::string::npos;
    setup.has_disable_userns = help.stdout_text.find("--disable-userns") != std::string::npos;
  } catch (const std::exception& e) {
    setup.why_not = e.what();
    return setup;
  }
  setup.system_args = system_arguments();
  std::string why_not = try_run_true(setup);
  if (!why_not.empty()) {
    // No user namespace for bwrap's outer process: bwrap still works, but RLIMIT_NPROC then
    // counts every process of the user. Reported in isolation().user.
    setup.own_user_namespace = false;
    why_not = try_run_true(setup);
  }
  if (!why_not.empty() && setup.run_as) {
    // Unprivileged user namespaces refused: bwrap as root still isolates, but the command is
    // root outside its user namespace (RLIMIT_NPROC does not apply). Reported.
    const std::string unprivileged_error = why_not;
    setup.run_as.reset();
    why_not = try_run_true(setup);
    if (!why_not.empty()) why_not = unprivileged_error + "; as root: " + why_not;
  }
  if (!why_not.empty()) {
    setup.why_not = why_not;
    return setup;
  }
  setup.usable = true;
  setup.isolation = isolation_of(setup);
  return setup;
}

const BwrapSetup& cached_probe() {
  static std::once_flag once;
  static BwrapSetup setup;
  std::call_once(once, [] { setup = probe(); });
  return setup;
}

class BwrapSandbox final : public Sandbox {
 public:
  explicit BwrapSandbox(const BwrapSetup& setup) : m_setup(setup) {}

  Result run(const Request& request) override {
    const Isolation& isolation = m_setup.isolation;
    if (request.argv.empty()) return start_failure("empty argv: nothing to run", isolation);
    // The host's lookup is valid inside: /usr and /bin... are the host's, read-only.
    const auto executable = find_executable(request.argv[0]);
    if (!executable) {
      return start_failure("\"" + request.argv[0] + "\": no such executable (looked up in PATH=" +
                               k_fixed_path + "; relative paths are not allowed)",
                           isolation);
    }
    try {
      WorkDir dir(m_setup.run_as);
      dir.write_files(request.files);
      const std::vector<std::string> command_args(request.argv.begin() + 1, request.argv.end());
      LaunchOutcome outcome = launch(bwrap_plan(
          m_setup, bwrap_arguments(m_setup, dir.path(), request.limits, *executable, command_args),
          scrubbed_environment(request, k_inside_work_dir), dir.path(), request.limits));
      Result result = make_result(std::move(outcome), request.limits,
                                  StatusConvention::exit_128_plus_signal, &dir);
      std::size_t max_read = request.limits.file_size_bytes;
      for (const File& file : request.files) max_read = std::max(max_read, file.content.size());
      result.files = dir.read_back(request.read_back, max_read);
      result.isolation = isolation;
      return result;
    } catch (const std::exception& e) {
      return start_failure(e.what(), isolation);
    }
  }

  Isolation isolation() const override { return m_setup.isolation; }

 private:
  const BwrapSetup& m_setup;
};

}  // namespace

std::unique_ptr<Sandbox> make_bwrap_sandbox_if_usable(std::string* why_not) {
  const BwrapSetup& setup = cached_probe();
  if (!setup.usable) {
    if (why_not != nullptr) *why_not = setup.why_not;
    return nullptr;
  }
  return std::make_unique<BwrapSandbox>(setup);
}

}  // namespace goodput::sandbox::detail
