// SPDX-License-Identifier: MIT
// Which runs an evaluation does, and in what order: models x tasks x samples, narrowed by a
// task filter and a shard, optionally shuffled. Selection follows GoogleTest (--gtest_filter,
// GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX, --gtest_shuffle / --gtest_random_seed) so CI setups
// made for gtest binaries work unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goodput/filter.hpp"
#include "goodput/spec.hpp"

namespace goodput {

// One run to do. The plan is a list of these; the runner does them in list order per model.
struct PlannedRun {
  const ModelSpec* model = nullptr;
  const TaskSpec* task = nullptr;
  int sample = 0;  // 0-based
};

struct Shard {
  int index = 0;  // 0 <= index < total
  int total = 1;
};

struct PlanOptions {
  int repeat = 1;     // multiplies each task's own `repeat`
  TaskFilter filter;  // runs of tasks it rejects are left out
  // This process does only its share: with the runs in stable order (model name, task id,
  // sample), run k belongs to shard k % total. Round-robin, so an expensive suite is spread
  // over the shards rather than landing in one.
  std::optional<Shard> shard;
  // Each model's runs in an order drawn from `seed`: the same seed gives the same order on
  // every platform. Sharding is decided before shuffling, so it never depends on the seed.
  bool shuffle = false;
  std::uint64_t seed = 0;
};

// Sample-major: every task gets its first sample before any gets a second, so an
// interrupted evaluation still covers every task (unless shuffled).
std::vector<PlannedRun> plan_runs(const std::vector<ModelSpec>& models, const std::vector<TaskSpec>& tasks,
                                  const PlanOptions& options);

// The tasks the filter selects, in their order (moved out of `tasks`, not copied: 10,000 tasks
// are held once).
std::vector<TaskSpec> select_tasks(std::vector<TaskSpec> tasks, const TaskFilter& filter);

// The shard to run: `--shard i/n` when given (it wins), else GTEST_TOTAL_SHARDS and
// GTEST_SHARD_INDEX (pass getenv's results; nullptr = unset), else none. Throws ConfigError
// naming the flag or variable for a malformed, half-set or out-of-range value.
std::optional<Shard> resolve_shard(std::string_view flag, const char* env_total, const char* env_index);

// A seed from the clock in 1..99999, short enough to type back in (gtest's range).
std::uint64_t time_based_seed();

}  // namespace goodput
