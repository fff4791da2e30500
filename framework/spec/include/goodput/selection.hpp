// SPDX-License-Identifier: MIT
// The parts of `goodput run` that decide and show what runs, apart from running it:
// --list-tasks (text for people, JSON for goodput_discover_tasks) and the shard status file.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "goodput/plan.hpp"

namespace goodput {

struct TaskListing {
  const std::vector<ModelSpec>* models = nullptr;
  const std::vector<TaskSpec>* tasks = nullptr;  // after the filter
  const std::vector<PlannedRun>* runs = nullptr;  // after the filter and the shard
  int repeat = 1;
  std::string filter = "*";
  std::optional<Shard> shard;
};

// Only tasks and models with at least one run in `runs` are listed: what would run here.
// JSON: {"tasks": [{"id", "suite", "name", "file", "line", "tags", "repeat" (samples per
// model), "runs" (in this selection), "models": [names]}], "models": [{"name", "model",
// "base_url", "dialect", "simulated"}], "filter", "shard"}.
void print_task_list(std::ostream& out, const TaskListing& listing, bool json);

// GoogleTest's protocol: a test runner (Bazel) sets GTEST_SHARD_STATUS_FILE and checks that
// the binary created it, as a sign that it honours GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX.
// Throws ConfigError when the file cannot be created.
void touch_shard_status_file(const std::string& path);

}  // namespace goodput
