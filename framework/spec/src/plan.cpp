// SPDX-License-Identifier: MIT
#include "goodput/plan.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <numeric>
#include <random>
#include <tuple>

#include "goodput/error.hpp"

namespace goodput {

namespace {

// FNV-1a: a fixed, portable hash, so a model's shuffled order depends only on the seed and
// its own name (adding a model to the file does not reorder the others).
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// Uniform in [0, bound) by rejection. std::shuffle and std::uniform_int_distribution are
// implementation-defined, which would make a seed mean different orders on different
// standard libraries; std::mt19937_64's output is fixed by the standard.
std::uint64_t uniform_below(std::mt19937_64& engine, std::uint64_t bound) {
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t value = 0;
  do {
    value = engine();
  } while (value >= limit);
  return value % bound;
}

template <typename T>
void shuffle_in_place(std::vector<T>& items, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[uniform_below(engine, i)]);
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// `index_name` / `total_name` are what the user set ("GTEST_SHARD_INDEX", or the two halves
// of --shard), so the message points at the setting to fix.
Shard checked(const std::string& where, int index, int total, const std::string& index_name, const std::string& total_name) {
  if (total < 1 || index < 0 || index >= total)
    throw ConfigError({where, 0, 0}, "",
                      "out of range: need " + total_name + " >= 1 and 0 <= " + index_name + " < " + total_name + ", got " +
                          index_name + "=" + std::to_string(index) + ", " + total_name + "=" + std::to_string(total));
  return {index, total};
}

}  // namespace

std::vector<TaskSpec> select_tasks(std::vector<TaskSpec> tasks, const TaskFilter& filter) {
  std::erase_if(tasks, [&](const TaskSpec& task) { return !filter.matches(task.id()); });
  return tasks;
}

std::vector<PlannedRun> plan_runs(const std::vector<ModelSpec>& models, const std::vector<TaskSpec>& tasks,
                                  const PlanOptions& options) {
  std::vector<const TaskSpec*> chosen;
  for (const auto& task : tasks)
    if (options.filter.matches(task.id())) chosen.push_back(&task);

  std::vector<PlannedRun> runs;
  // In 64 bits: a task's repeat times --repeat can pass INT_MAX (run_command refuses that
  // many runs before planning; this must not overflow on the way).
  const auto samples = [&](const TaskSpec* task) { return static_cast<std::int64_t>(task->repeat) * options.repeat; };
  std::int64_t max_samples = 0;
  for (const auto* task : chosen) max_samples = std::max(max_samples, samples(task));
  for (const auto& model : models)
    for (std::int64_t s = 0; s < max_samples; ++s)
      for (const auto* task : chosen)
        if (s < samples(task)) runs.push_back({&model, task, static_cast<int>(s)});

  if (options.shard && options.shard->total > 1) {
    // The shard is decided on an order that does not depend on the file order of models or
    // tasks, so shards agree even when their inputs list things differently.
    std::vector<std::size_t> stable(runs.size());
    std::iota(stable.begin(), stable.end(), std::size_t{0});
    const auto key = [&](std::size_t i) {
      return std::make_tuple(std::string_view(runs[i].model->name), runs[i].task->id(), runs[i].sample);
    };
    std::stable_sort(stable.begin(), stable.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
    std::vector<bool> mine(runs.size(), false);
    const auto total = static_cast<std::size_t>(options.shard->total);
    const auto index = static_cast<std::size_t>(options.shard->index);
    for (std::size_t k = 0; k < stable.size(); ++k) mine[stable[k]] = k % total == index;
    std::vector<PlannedRun> kept;
    for (std::size_t i = 0; i < runs.size(); ++i)
      if (mine[i]) kept.push_back(runs[i]);
    runs = std::move(kept);
  }

  if (options.shuffle) {
    // Only the order within each model changes: the runner keeps one queue per model, so
    // that is the order that is actually observed.
    for (const auto& model : models) {
      std::vector<std::size_t> slots;
      for (std::size_t i = 0; i < runs.size(); ++i)
        if (runs[i].model == &model) slots.push_back(i);
      std::vector<PlannedRun> own;
      for (const std::size_t i : slots) own.push_back(runs[i]);
      shuffle_in_place(own, options.seed ^ fnv1a(model.name));
      for (std::size_t k = 0; k < slots.size(); ++k) runs[slots[k]] = own[k];
    }
  }
  return runs;
}

std::optional<Shard> resolve_shard(std::string_view flag, const char* env_total, const char* env_index) {
  if (!flag.empty()) {
    const std::size_t slash = flag.find('/');
    const std::optional<int> index = slash == std::string_view::npos ? std::nullopt : parse_int(flag.substr(0, slash));
    const std::optional<int> total = slash == std::string_view::npos ? std::nullopt : parse_int(flag.substr(slash + 1));
    if (!index || !total)
      throw ConfigError({"--shard", 0, 0}, "", "expected INDEX/TOTAL such as 0/4, got '" + std::string(flag) + "'");
    return checked("--shard", *index, *total, "INDEX", "TOTAL");
  }
  if (!env_total && !env_index) return std::nullopt;
  // Like gtest's ShouldShard(): half a setting is a mistake in the CI script, not a request
  // to run everything.
  if (!env_total)
    throw ConfigError({"GTEST_SHARD_INDEX", 0, 0}, "",
                      std::string("is set (to '") + env_index + "') but GTEST_TOTAL_SHARDS is not; set both or neither");
  if (!env_index)
    throw ConfigError({"GTEST_TOTAL_SHARDS", 0, 0}, "",
                      std::string("is set (to '") + env_total + "') but GTEST_SHARD_INDEX is not; set both or neither");
  const auto total = parse_int(env_total);
  if (!total) throw ConfigError({"GTEST_TOTAL_SHARDS", 0, 0}, "", std::string("must be a whole number, not '") + env_total + "'");
  const auto index = parse_int(env_index);
  if (!index) throw ConfigError({"GTEST_SHARD_INDEX", 0, 0}, "", std::string("must be a whole number, not '") + env_index + "'");
  return checked(*total < 1 ? "GTEST_TOTAL_SHARDS" : "GTEST_SHARD_INDEX", *index, *total, "GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS");
}

std::uint64_t time_based_seed() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  return static_cast<std::uint64_t>(us % 99999) + 1;
}

}  // namespace goodput
