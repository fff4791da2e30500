// SPDX-License-Identifier: MIT
// The `goodput` command line: parses the arguments (CLI11) and hands each subcommand to its
// function in goodput/commands.hpp. The only place that knows the flags' spelling.
#pragma once

namespace goodput {

// The whole `goodput` command line (run, sim, assertions...); main() of every goodput binary.
int cli_main(int argc, char** argv);

}  // namespace goodput
