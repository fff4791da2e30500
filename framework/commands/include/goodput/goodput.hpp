// SPDX-License-Identifier: MIT
// Everything goodput offers a program that uses it as a library: task authoring (task.hpp,
// the light header task files need), the registry, task and model specs, providers, the
// runner and reporters, and the subcommands (the command line itself is goodput/cli.hpp, in
// goodput::main). Task files should include goodput/task.hpp.
#pragma once

#include "goodput/commands.hpp"    // IWYU pragma: export
#include "goodput/completion.hpp"  // IWYU pragma: export
#include "goodput/provider.hpp"    // IWYU pragma: export
#include "goodput/registry.hpp"    // IWYU pragma: export
#include "goodput/reporters.hpp"   // IWYU pragma: export
#include "goodput/runner.hpp"      // IWYU pragma: export
#include "goodput/spec.hpp"        // IWYU pragma: export
#include "goodput/task.hpp"        // IWYU pragma: export
