// SPDX-License-Identifier: MIT
// What the Python checkers (`python-compiles`, `python-passes`) share: the one sandbox they
// run in, the interpreter, the embedded driver, and the words for how a sandboxed run ended.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "goodput/checkers/checker.hpp"
#include "goodput/sandbox/sandbox.hpp"

namespace goodput::checkers::detail {

// The system interpreter, never a user shim (pyenv, venv) that depends on the environment.
inline constexpr std::string_view k_python = "/usr/bin/python3";

// The sandbox Python checks run in: make_sandbox(backend) ("auto", "process", "bwrap" or
// "unsafe-none", the task's `sandbox` parameter), created on first use and shared
// (Sandbox::run is thread-safe). Null when none can be made; `error` then says why.
std::shared_ptr<sandbox::Sandbox> python_sandbox(const std::string& backend, std::string& error);

// Validates the `sandbox` parameter at load time (ParamError naming it): an unknown name, or a
// backend this machine cannot provide ("auto" when nothing that isolates works here: the task
// must then say `unsafe-none` to run generated code without isolation).
std::string sandbox_backend_param(const Params& params);
inline const ParamSpec k_sandbox_param{
    "sandbox", ParamType::string, false,
    "auto | process | bwrap | unsafe-none (default auto: the strongest isolating sandbox here; "
    "unsafe-none runs the code without namespaces and only when asked for by name)"};

// The Python packages (top-level module names) an answer may import besides the standard
// library (README "Python packages"): a task's `python: {packages: [...]}`, which the task
// loader passes to its python-passes assertions, or the assertion's own `packages`. Validated
// at load time (ParamError): each a module name, no duplicates.
std::vector<std::string> packages_param(const Params& params);
inline const ParamSpec k_packages_param{
    "packages", ParamType::string_list, false,
    "top-level modules the answer may import besides the standard library (default: none), e.g. [pandas, numpy]"};

// Tests only: use `replacement` instead (null restores the default). Not to be called while
// checks run.
void set_python_sandbox_for_testing(std::shared_ptr<sandbox::Sandbox> replacement);

// checkers/python/goodput_driver.py, embedded at build time (generated source).
std::string_view goodput_driver_source();

// A run of that driver with `files` and `job_json` (job.json) beside it: the result channel on,
// numeric libraries on one thread, `seconds` of wall and CPU time and `memory_mb` for the run.
sandbox::Request driver_request(std::vector<sandbox::File> files, std::string job_json, double seconds,
                                std::int64_t memory_mb);

// "wall 20 s, CPU 20 s, memory 512 MB, 32 processes, files 16 MB, output 1 MB".
std::string describe_limits(const sandbox::Limits& limits);

// Why a run stopped when the candidate's code made it stop: "hit the 20 s time limit",
// "ran out of memory (512 MB)". Empty for an ordinary exit.
std::string describe_limit_end(const sandbox::Result& result, const sandbox::Limits& limits);

// True when the end was caused by a limit the candidate's code ran into (a failure of the
// model's code), as opposed to exiting by itself or the sandbox not starting (an error).
bool ended_by_limit(sandbox::EndReason reason);

// Records the sandbox backend and isolation, the limits, the interpreter and the end of the
// code's stderr (the "stderr" fact, when it printed any) in `facts`.
void add_sandbox_facts(CheckResult& result, const sandbox::Sandbox& box, const sandbox::Result& run,
                       const sandbox::Limits& limits);

// The last `max_lines` lines of a process's stderr, for a message.
std::string stderr_tail(std::string_view text, std::size_t max_lines = 3);
// The facts keep at most this much of a run's stderr: its last lines, and of those the last bytes.
inline constexpr std::size_t k_stderr_fact_lines = 20;
inline constexpr std::size_t k_stderr_fact_bytes = 2000;

}  // namespace goodput::checkers::detail
