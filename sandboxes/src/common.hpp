// SPDX-License-Identifier: MIT
// Helpers shared by the backends (defined in sandbox.cpp).
#pragma once

#include "goodput/sandbox/sandbox.hpp"
#include "launch.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace goodput::sandbox::detail {

class WorkDir;

// The only PATH the command sees, and where argv[0] is looked up.
inline constexpr const char* k_fixed_path = "/usr/local/bin:/usr/bin:/bin";

// argv[0] resolved: an absolute path is taken as is, a bare name is looked up in k_fixed_path;
// nullopt when nothing executable is found (and for relative paths with a slash).
std::optional<std::string> find_executable(const std::string& name);

// PATH, LANG, HOME and TMPDIR (both = home), PYTHONDONTWRITEBYTECODE, then request.env (which
// may override them). Nothing comes from goodput's own environment.
std::vector<std::string> scrubbed_environment(const Request& request, const std::string& home);

// The unprivileged user to run as when goodput is root: "nobody" from the user database, or
// 65534/65534 if it has none. nullopt when goodput is not root (it cannot switch users).
std::optional<Credentials> unprivileged_user();

// "nobody (uid 65534)", "builder (uid 1000, goodput's own)", plus where RLIMIT_NPROC counts:
// ", process limit per run" with a user namespace of the command's own, else ", process limit
// shared by all its processes on the machine".
std::string user_description(const std::optional<Credentials>& run_as, bool own_user_namespace);

// How the command's status reached goodput. bwrap reports a command killed by signal N as
// exit code 128+N, so under bwrap such exit codes are read as signals.
enum class StatusConvention { wait_status, exit_128_plus_signal };

// Turns what launch() saw into a Result (reason classification, see sandbox.cpp).
Result make_result(LaunchOutcome&& outcome, const Limits& limits, StatusConvention convention,
                   const WorkDir* work_dir);

// A failed_to_start result with `message`.
Result start_failure(std::string message, const Isolation& isolation);

// Backends (process_sandbox.cpp, bwrap_sandbox.cpp).
std::unique_ptr<Sandbox> make_bwrap_sandbox_if_usable(std::string* why_not);

}  // namespace goodput::sandbox::detail
