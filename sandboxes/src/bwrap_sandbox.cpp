// SPDX-License-Identifier: MIT
// The bwrap backend: the same supervisor as the other backends (subreaper mode, no namespaces
// of its own), but the command it execs is bubblewrap, which builds the sandbox:
//
//   bwrap --unshare-all --unshare-user --disable-userns --die-with-parent --new-session
//         --ro-bind /usr /usr  (+ /bin /lib... as symlinks or read-only binds, as on the host)
//         --ro-bind /etc/<a few files the dynamic loader and Python read> ...
//         --file FD /etc/passwd --file FD /etc/group          (generated: no host user names)
//         --proc /proc --dev /dev
//         --size N --tmpfs /work   (and /tmp, /dev/shm, /run; /var/tmp -> /tmp)
//         --perms 0644 --file FD /work/<each request file>   (from sealed memfds)
//         --remount-ro / --seccomp FD --json-status-fd FD
//         --chdir /work --uid 65534 --gid 65534 -- <command>
//
// - Nothing of the run is on the host's file system: the work directory is a tmpfs inside,
//   filled by bubblewrap from memfds; results come back through the result channel only.
// - bubblewrap itself runs as the run's own uid when goodput is root (an unprivileged user
//   namespace maps it to nobody inside), so two runs never share a uid, and RLIMIT_NPROC
//   counts this run's processes only. rlimits are set before bwrap is exec'd and inherited by
//   the command; RLIMIT_NPROC gets two more for bwrap's own two processes. The run's memory
//   cgroup is joined before the exec too.
// - bwrap's outer process exits as soon as the command does; its PID 1 dies by PDEATHSIG
//   (--die-with-parent), is re-parented to our subreaper supervisor and reaped by it, so the
//   supervisor's exit still means the namespace is gone, and its rusage includes the command.
// - bwrap reports a command killed by signal N as exit code 128+N, and writes {"exit-code": N}
//   to its --json-status-fd only for a command it started: a "bwrap: ..." line on stderr is
//   never what decides that the sandbox failed (the command can print one too).
//
// Probe (once per process): bwrap is looked up in the fixed PATH, `bwrap --help` must list the
// options above, then `true` is run with the real arguments; bwrap is usable only if that
// exits 0 (it fails inside containers that forbid user namespaces).
#include "common.hpp"
#include "private_root.hpp"
#include "seccomp_filter.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <set>

namespace goodput::sandbox::detail {
namespace {

constexpr const char* k_inside_id = "65534";
constexpr const char* k_passwd = "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                                 "nobody:x:65534:65534:nobody:/work:/usr/sbin/nologin\n";
constexpr const char* k_group = "root:x:0:\nnogroup:x:65534:\n";

// Options this backend cannot do without.
constexpr const char* k_required_options[] = {"--disable-userns", "--size",     "--perms",
                                              "--file",           "--seccomp",  "--remount-ro",
                                              "--json-status-fd", "--die-with-parent"};

struct BwrapSetup {
  bool usable = false;
  std::string why_not;
  std::string bwrap;
  bool distinct_uid = false;
  std::vector<std::string> system_args;  // the read-only system part, computed once
  const SeccompProgram* seccomp = nullptr;
  Isolation isolation;
};

std::vector<std::string> system_arguments() {
  std::vector<std::string> args;
  for (const SystemEntry& entry : system_view()) {
    switch (entry.kind) {
      case SystemEntry::Kind::symlink:
        args.insert(args.end(), {"--symlink", entry.link_target, entry.path});
        break;
      case SystemEntry::Kind::directory:
      case SystemEntry::Kind::file:
        args.insert(args.end(), {"--ro-bind", entry.path, entry.path});
        break;
      case SystemEntry::Kind::device: break;  // --dev makes its own
      case SystemEntry::Kind::hidden:
        args.insert(args.end(), {"--tmpfs", entry.path, "--remount-ro", entry.path});
        break;
    }
  }
  args.insert(args.end(), {"--proc", "/proc", "--dev", "/dev"});
  return args;
}

// The per-run part: memfds are created here and handed over in `fds`.
std::vector<std::string> run_arguments(const BwrapSetup& setup, const Request& request,
                                       const std::string& executable, std::vector<Fd>& fds,
                                       int status_fd) {
  auto pass = [&fds](std::string_view name, std::string_view content) {
    fds.push_back(make_memory_file(name, content, k_first_passed_fd));
    return std::to_string(fds.back().get());
  };
  std::vector<std::string> args = {"--unshare-all", "--unshare-user", "--disable-userns",
                                   "--die-with-parent", "--new-session", "--hostname",
                                   "goodput-sandbox"};
  args.insert(args.end(), setup.system_args.begin(), setup.system_args.end());
  args.insert(args.end(), {"--perms", "0644", "--file", pass("passwd", k_passwd), "/etc/passwd"});
  args.insert(args.end(), {"--perms", "0644", "--file", pass("group", k_group), "/etc/group"});
  const std::string size = std::to_string(std::max<std::uint64_t>(request.limits.scratch_bytes, 1u << 20));
  for (const char* dir : {"/work", "/tmp", "/dev/shm", "/run"}) {
    args.insert(args.end(), {"--size", size, "--tmpfs", dir});
  }
  args.insert(args.end(), {"--dir", "/var", "--symlink", "../tmp", "/var/tmp"});
  std::set<std::string> made;
  for (const File& file : request.files) {
    const std::vector<std::string> parts = checked_components(file.path);
    std::string dir = k_inside_work_dir;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      dir += "/" + parts[i];
      if (made.insert(dir).second) args.insert(args.end(), {"--dir", dir});
    }
    args.insert(args.end(), {"--perms", "0644", "--file", pass("file", file.content),
                             std::string(k_inside_work_dir) + "/" + file.path});
  }
  args.insert(args.end(), {"--remount-ro", "/", "--seccomp", pass("seccomp", setup.seccomp->bytes()),
                           "--json-status-fd", std::to_string(status_fd), "--chdir",
                           k_inside_work_dir, "--uid", k_inside_id, "--gid", k_inside_id, "--",
                           executable});
  args.insert(args.end(), request.argv.begin() + 1, request.argv.end());
  return args;
}

Result run_with(const BwrapSetup& setup, const Request& request) {
  std::string executable;
  // The host's lookup is valid inside: /usr and /bin... are the host's, read-only.
  if (auto failure = resolve_command(request, setup.isolation, executable)) return *failure;
  try {
    LaunchPlan plan;
    Pipe status = make_pipe(k_first_passed_fd);
    plan.args = run_arguments(setup, request, executable, plan.passed_fds, status.write.get());
    plan.passed_fds.push_back(std::move(status.write));
    plan.bwrap_status = std::move(status.read);
    plan.executable = setup.bwrap;
    plan.env = scrubbed_environment(request, k_inside_work_dir, k_inside_tmp_dir);
    plan.cwd = "/";
    plan.distinct_uid = setup.distinct_uid;
    plan.own_user_namespace = !setup.distinct_uid;
    plan.result_channel = request.result_channel;
    plan.limits = request.limits;
    plan.extra_processes = 2;  // bwrap's outer process and its PID 1
    return launch_and_judge(plan, request, StatusConvention::bubblewrap, setup.isolation);
  } catch (const std::exception& e) {
    return start_failure(e.what(), setup.isolation);
  }
}

void probe(BwrapSetup& setup) {
  const auto bwrap = find_executable("bwrap");
  if (!bwrap) {
    setup.why_not = "bwrap is not installed (Debian package bubblewrap)";
    return;
  }
  setup.bwrap = *bwrap;
  {
    LaunchPlan help;
    help.executable = setup.bwrap;
    help.args = {"--help"};
    help.env = {std::string("PATH=") + k_fixed_path};
    help.cwd = "/";
    help.limits.wall_s = 10;
    const LaunchOutcome outcome = launch(help);
    for (const char* option : k_required_options) {
      if (outcome.stdout_text.find(option) == std::string::npos) {
        setup.why_not = "this bwrap has no " + std::string(option) + " option (bubblewrap 0.8 or newer is needed)";
        return;
      }
    }
  }
  setup.seccomp = machine_seccomp_program(&setup.why_not);
  if (setup.seccomp == nullptr) return;
  setup.system_args = system_arguments();
  setup.distinct_uid = ::geteuid() == 0;
  Isolation& isolation = setup.isolation = base_isolation("bwrap", setup.distinct_uid, true);
  isolation.pid_namespace = true;
  isolation.network_namespace = true;
  isolation.mount_namespace = true;
  isolation.read_only_system = true;
  isolation.scratch = "a tmpfs each for /work, /tmp, /dev/shm and /run";
  setup.why_not = probe_with_true(setup);
  setup.usable = setup.why_not.empty();
}

const BwrapSetup& cached_bwrap_probe() {
  static std::once_flag once;
  static BwrapSetup setup;
  std::call_once(once, [] { probe(setup); });
  return setup;
}

}  // namespace

std::unique_ptr<Sandbox> make_bwrap_sandbox(std::string* why_not) {
  return make_probed(cached_bwrap_probe(), why_not);
}

}  // namespace goodput::sandbox::detail
