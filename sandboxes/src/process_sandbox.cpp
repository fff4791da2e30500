// SPDX-License-Identifier: MIT
// The process backend: goodput builds the sandbox itself, so a machine without bubblewrap gets
// the same isolation. goodput clones the run's PID 1 straight into new pid+net+mount+ipc+uts
// namespaces (and a user namespace when goodput is not root; see child_init.hpp); it joins the
// run's memory cgroup and builds a private root (private_root.hpp): a read-only
// view of /usr and a few /etc files, five devices, its own /proc, and one size-limited scratch
// tmpfs for /work, /tmp, /var/tmp, /dev/shm and /run holding the request's files, then
// pivot_root into it. The command runs under a uid of the run's own (when goodput is root),
// rlimits, no_new_privs and the seccomp filter. Nothing of the run exists on the host's file
// system, so there is no path goodput or another run could be tricked into following.
//
// Probe (once per process): the real launch path is run with `true`; if it fails the backend
// is not usable and says why (make_sandbox("auto") then tries bwrap).
#include "common.hpp"
#include "private_root.hpp"
#include "seccomp_filter.hpp"

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>

namespace goodput::sandbox::detail {
namespace {

struct ProcessSetup {
  bool usable = false;
  std::string why_not;
  int namespace_flags = 0;
  bool distinct_uid = false;
  std::string staging;
  SetupScript prologue;
  SetupScript epilogue;
  const SeccompProgram* seccomp = nullptr;
  Isolation isolation;
};

Result run_with(const ProcessSetup& setup, const Request& request) {
  LaunchPlan plan;
  // The host's lookup is valid inside: /usr and /bin... are the host's, read-only.
  if (auto failure = resolve_command(request, setup.isolation, plan.executable)) return *failure;
  try {
    const SetupScript run_steps = root_run_steps(setup.staging, request);
    plan.args.assign(request.argv.begin() + 1, request.argv.end());
    plan.env = scrubbed_environment(request, k_inside_work_dir, k_inside_tmp_dir);
    plan.cwd = k_inside_work_dir;
    plan.namespace_flags = setup.namespace_flags;
    plan.distinct_uid = setup.distinct_uid;
    plan.scripts = {&setup.prologue, &run_steps, &setup.epilogue};
    plan.seccomp = &setup.seccomp->fprog;
    plan.result_channel = request.result_channel;
    plan.limits = request.limits;
    return launch_and_judge(plan, request, StatusConvention::wait_status, setup.isolation);
  } catch (const std::exception& e) {
    return start_failure(e.what(), setup.isolation);
  }
}

void probe(ProcessSetup& setup) {
  setup.seccomp = machine_seccomp_program(&setup.why_not);
  if (setup.seccomp == nullptr) return;
  setup.staging = staging_directory();
  if (setup.staging.empty()) {
    setup.why_not = "no directory to assemble the sandbox's root on (none of /tmp, /mnt, /run, /var/tmp)";
    return;
  }
  const bool root = ::geteuid() == 0;
  // Without root, the namespaces need a user namespace of their own (uid mapped to itself).
  setup.namespace_flags = (root ? 0 : CLONE_NEWUSER) | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS |
                        CLONE_NEWIPC | CLONE_NEWUTS;
  setup.distinct_uid = root;
  setup.prologue = root_prologue(setup.staging);
  setup.epilogue = root_epilogue(setup.staging);
  Isolation& isolation = setup.isolation = base_isolation("process", root, false);
  isolation.pid_namespace = true;
  isolation.network_namespace = true;
  isolation.mount_namespace = true;
  isolation.read_only_system = true;
  isolation.scratch = "one tmpfs per run for /work, /tmp, /var/tmp, /dev/shm and /run together";
  setup.why_not = probe_with_true(setup);
  setup.usable = setup.why_not.empty();
}

const ProcessSetup& cached_process_probe() {
  static std::once_flag once;
  static ProcessSetup setup;
  std::call_once(once, [] { probe(setup); });
  return setup;
}

}  // namespace

std::unique_ptr<Sandbox> make_process_sandbox(std::string* why_not) {
  return make_probed(cached_process_probe(), why_not);
}

}  // namespace goodput::sandbox::detail
