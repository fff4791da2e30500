// SPDX-License-Identifier: MIT
// Helpers shared by the backends (defined in sandbox.cpp), and the backends' factories.
#pragma once

#include "goodput/sandbox/sandbox.hpp"
#include "launch.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace goodput::sandbox::detail {

class RunCgroup;

// The only PATH the command sees, and where argv[0] is looked up.
inline constexpr const char* k_fixed_path = "/usr/local/bin:/usr/bin:/bin";

// argv[0] resolved: an absolute path is taken as is, a bare name is looked up in k_fixed_path;
// nullopt when nothing executable is found (and for relative paths with a slash).
std::optional<std::string> find_executable(const std::string& name);

// PATH, LANG, HOME (= the work directory), TMPDIR, PYTHONDONTWRITEBYTECODE, then request.env
// (which may override them, but not the result channel's variable). Nothing comes from
// goodput's own environment.
std::vector<std::string> scrubbed_environment(const Request& request, const std::string& home,
                                              const std::string& tmp);

// How the command's status reached goodput. bwrap reports a command killed by signal N as
// exit code 128+N, so under bwrap such exit codes are read as signals, and bwrap's own
// failures are told apart from the command's by its --json-status-fd.
enum class StatusConvention { wait_status, bubblewrap };

// Turns what launch() saw into a Result (reason classification, see sandbox.cpp). `cgroup`
// (may be null) tells whether the memory limit was hit and the peak.
Result make_result(LaunchOutcome&& outcome, const Limits& limits, StatusConvention convention,
                   const RunCgroup* cgroup);

// A failed_to_start result with `message`.
Result start_failure(std::string message, const Isolation& isolation);

// argv[0] of the request looked up (find_executable); a failed_to_start result when there is
// nothing to run.
std::optional<Result> resolve_command(const Request& request, const Isolation& isolation,
                                      std::string& executable);

// Launches the plan inside the run's memory cgroup (when this machine has one) and turns what
// happened into the Result, with `isolation`. Never throws.
Result launch_and_judge(LaunchPlan& plan, const Request& request, StatusConvention convention,
                        const Isolation& isolation);

// What every backend says alike about the user, seccomp and memory.
Isolation base_isolation(std::string backend, bool distinct_uid, bool inside_nobody);

// A backend whose setup was probed once (a static that lives as long as the process): run()
// is run_with(setup, request), found by argument-dependent lookup in the backend's file.
template <typename Setup>
class ProbedSandbox final : public Sandbox {
 public:
  explicit ProbedSandbox(const Setup& setup) : m_setup(setup) {}
  Result run(const Request& request) override { return run_with(m_setup, request); }
  Isolation isolation() const override { return m_setup.isolation; }

 private:
  const Setup& m_setup;
};

template <typename Setup>
std::unique_ptr<Sandbox> make_probed(const Setup& setup, std::string* why_not) {
  if (!setup.usable) {
    if (why_not != nullptr) *why_not = setup.why_not;
    return nullptr;
  }
  return std::make_unique<ProbedSandbox<Setup>>(setup);
}

// Runs `true` through the backend's own path: empty when that works, else why not.
template <typename Setup>
std::string probe_with_true(const Setup& setup) {
  Request request;
  request.argv = {"true"};
  request.limits.wall_s = 10;
  request.limits.cpu_s = 5;
  request.limits.processes = 8;
  const Result result = run_with(setup, request);
  if (result.reason == EndReason::exited && result.exit_code == 0) return {};
  if (result.reason == EndReason::failed_to_start) return result.error;
  return "the probe command `true` ended " + std::string(to_string(result.reason)) + " (exit " +
         std::to_string(result.exit_code) + ")";
}

// The backends. Each returns null, saying why in *why_not, when it cannot isolate here.
std::unique_ptr<Sandbox> make_process_sandbox(std::string* why_not);
std::unique_ptr<Sandbox> make_bwrap_sandbox(std::string* why_not);
std::unique_ptr<Sandbox> make_unsafe_sandbox(std::string* why_not);

}  // namespace goodput::sandbox::detail
