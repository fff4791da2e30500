// SPDX-License-Identifier: MIT
// Running a binary on a pseudo-terminal (forkpty), as in a user's terminal: isatty() is true for
// its stdin, stdout and stderr, and what comes back is what the terminal would have been sent,
// carriage returns and escape sequences included (the line discipline turns "\n" into "\r\n").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace goodput::test {

struct TerminalEnv {
  std::vector<std::string> set;    // "NAME=value"
  std::vector<std::string> unset;  // names
};

// Runs `binary args` in `cwd` on a new pseudo-terminal of 120 x 40 and returns its exit code and
// everything it wrote (stdout and stderr, merged as on a terminal, in `out`). This process's
// environment is passed on with `env` applied and GoogleTest's sharding variables removed.
// Killed (SIGKILL) after `timeout_s` seconds, with exit_code -1.
ProcessResult run_in_terminal(const std::string& binary, const std::vector<std::string>& args, const std::filesystem::path& cwd,
                              const TerminalEnv& env, int timeout_s = 120);

// `text` with its control characters made visible, for people and failure messages: ESC as
// "\e", CR as "\r", other control characters as \xNN; line breaks are kept.
std::string visible_controls(const std::string& text);

}  // namespace goodput::test
