// SPDX-License-Identifier: MIT
// The process backend: Boost.Process spawns a supervisor, which (see child_init.hpp) unshares
// pid+net+mount+ipc+uts namespaces where the kernel permits, runs the command under a PID 1
// of its own, with rlimits, as nobody when goodput is root. Where namespaces are refused it
// falls back to a process group plus a subreaper sweep, and says so in isolation().
//
// Probe (once per option set and process): the real launch path is run with `true` for each
// candidate set of namespaces, strongest first; the first that starts and exits 0 is used.
#include "common.hpp"
#include "work_dir.hpp"

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

namespace goodput::sandbox {
namespace detail {
namespace {

struct ProcessSetup {
  int unshare_flags = 0;
  bool pid_namespace = false;
  bool mount_proc = false;
  std::optional<Credentials> run_as;
  bool own_user_namespace = false;
  Isolation isolation;
  std::string probe_notes;  // why stronger candidates were refused
};

Isolation isolation_of(const ProcessSetup& setup) {
  Isolation isolation;
  isolation.backend = "process";
  isolation.pid_namespace = setup.pid_namespace;
  isolation.network_namespace = (setup.unshare_flags & CLONE_NEWNET) != 0;
  isolation.mount_namespace = (setup.unshare_flags & CLONE_NEWNS) != 0;
  isolation.read_only_system = false;  // no mount isolation of the file system here
  isolation.dropped_privileges = setup.run_as.has_value();
  isolation.user = user_description(setup.run_as, setup.own_user_namespace);
  return isolation;
}

LaunchPlan plan_for(const ProcessSetup& setup, std::string executable,
                    std::vector<std::string> args, std::vector<std::string> env,
                    std::string cwd, const Limits& limits) {
  LaunchPlan plan;
  plan.executable = std::move(executable);
  plan.args = std::move(args);
  plan.env = std::move(env);
  plan.cwd = std::move(cwd);
  plan.unshare_flags = setup.unshare_flags;
  plan.pid_namespace = setup.pid_namespace;
  plan.mount_proc = setup.mount_proc;
  plan.run_as = setup.run_as;
  plan.own_user_namespace = setup.own_user_namespace;
  plan.limits = limits;
  return plan;
}

// Runs `true` with this setup; empty string on success, else why not.
std::string try_setup(const ProcessSetup& setup) {
  const auto true_path = find_executable("true");
  if (!true_path) return "no `true` in " + std::string(k_fixed_path) + " to probe with";
  try {
    WorkDir dir(setup.run_as);
    Limits limits;
    limits.wall_s = 10;
    limits.cpu_s = 5;
    limits.processes = 8;
    const LaunchOutcome outcome =
        launch(plan_for(setup, *true_path, {}, {std::string("PATH=") + k_fixed_path}, dir.path(),
                        limits));
    if (!outcome.start_error.empty()) return outcome.start_error;
    if (!outcome.wait_status || !WIFEXITED(*outcome.wait_status) ||
        WEXITSTATUS(*outcome.wait_status) != 0) {
      return "the probe command did not exit 0";
    }
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

ProcessSetup probe(const ProcessOptions& options) {
  const std::optional<Credentials> run_as =
      options.drop_privileges ? unprivileged_user() : std::nullopt;
  // Without root, namespaces need a user namespace of our own (uid mapped to itself).
  const int user = ::geteuid() == 0 ? 0 : CLONE_NEWUSER;
  std::vector<ProcessSetup> candidates;
  // Strongest first; each with and then without a user namespace of the command's own.
  auto add = [&](int flags, bool pid, bool proc, std::optional<Credentials> as) {
    candidates.push_back({flags, pid, proc, as, true, {}, {}});
    candidates.push_back({flags, pid, proc, as, false, {}, {}});
  };
  if (options.namespaces) {
    add(user | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS, true, true,
        run_as);
    add(user | CLONE_NEWPID | CLONE_NEWNS, true, true, run_as);
    add(user | CLONE_NEWPID, true, false, run_as);
    add(user | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS, false, false, run_as);
  }
  add(0, false, false, run_as);
  if (run_as) add(0, false, false, std::nullopt);

  std::string notes;
  for (ProcessSetup& candidate : candidates) {
    const std::string why_not = try_setup(candidate);
    if (why_not.empty()) {
      candidate.isolation = isolation_of(candidate);
      candidate.probe_notes = notes;
      return candidate;
    }
    notes += (notes.empty() ? "" : "; ") + why_not;
  }
  // Nothing worked: keep the weakest setup; run() will report failed_to_start honestly.
  ProcessSetup weakest = candidates.back();
  weakest.isolation = isolation_of(weakest);
  weakest.probe_notes = notes;
  return weakest;
}

const ProcessSetup& cached_probe(const ProcessOptions& options) {
  static std::mutex mutex;
  static std::map<std::pair<bool, bool>, ProcessSetup> cache;
  const std::lock_guard lock(mutex);
  const auto key = std::make_pair(options.namespaces, options.drop_privileges);
  auto found = cache.find(key);
  if (found == cache.end()) found = cache.emplace(key, probe(options)).first;
  return found->second;
}

class ProcessSandbox final : public Sandbox {
 public:
  explicit ProcessSandbox(const ProcessSetup& setup) : m_setup(setup) {}

  Result run(const Request& request) override {
    const Isolation& isolation = m_setup.isolation;
    if (request.argv.empty()) return start_failure("empty argv: nothing to run", isolation);
    const auto executable = find_executable(request.argv[0]);
    if (!executable) {
      return start_failure("\"" + request.argv[0] + "\": no such executable (looked up in PATH=" +
                               k_fixed_path + "; relative paths are not allowed)",
                           isolation);
    }
    try {
      WorkDir dir(m_setup.run_as);
      dir.write_files(request.files);
      std::vector<std::string> args(request.argv.begin() + 1, request.argv.end());
      LaunchOutcome outcome =
          launch(plan_for(m_setup, *executable, std::move(args),
                          scrubbed_environment(request, dir.path()), dir.path(), request.limits));
      Result result = make_result(std::move(outcome), request.limits,
                                  StatusConvention::wait_status, &dir);
      if (result.reason == EndReason::failed_to_start && !m_setup.probe_notes.empty() &&
          !isolation.pid_namespace) {
        result.error += " (namespace probe: " + m_setup.probe_notes + ")";
      }
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
  const ProcessSetup& m_setup;
};

}  // namespace
}  // namespace detail

std::unique_ptr<Sandbox> make_process_sandbox(const ProcessOptions& options) {
  return std::make_unique<detail::ProcessSandbox>(detail::cached_probe(options));
}

}  // namespace goodput::sandbox
