// SPDX-License-Identifier: MIT
// The task registry: task cases declared in C++ (GOODPUT_TASK, or register_task() at run
// time) are kept here and join the tasks loaded from YAML, so everything after loading
// (filters, the plan, the runner, reporters) sees one list and never asks where a task came
// from.
#pragma once

#include <vector>

#include "goodput/spec.hpp"
#include "goodput/task.hpp"

namespace goodput {

// Every task registered so far, in registration order (within one source file: source order).
const std::vector<TaskSpec>& registered_tasks();

// Registers a task case built at run time, as testing::RegisterTest does for GoogleTest. It
// needs a suite, a name and a body (a task with only a prompt and assertions belongs in YAML,
// but is accepted too). Call before the runner starts; not thread-safe.
void register_task(TaskSpec task);

// Whether any task, or task template (GOODPUT_TASK_P), was registered.
bool has_registered_tasks();

// Appends the registered tasks to `tasks` (tasks loaded from YAML, or empty). Throws
// ConfigError naming both places when two tasks share an id, or when a registered task is
// unusable (no body and no prompt, repeat below 1). Each GOODPUT_TASK_P template gives one
// task per row of its instantiations (read here; their errors are ConfigErrors too).
void append_registered_tasks(std::vector<TaskSpec>& tasks);

}  // namespace goodput
