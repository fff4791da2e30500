// SPDX-License-Identifier: MIT
// results.json's statistics: the "summary" (per model, the totals and seconds per correct
// answer; per task, time to a correct answer) and the "slo". The rest of the file is goodput/results_json.hpp's;
// the results writer and `goodput merge` put the two together.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/results_json.hpp"  // SummaryModelSource
#include "goodput/statistics.hpp"  // Slo
#include "goodput/stats.hpp"

namespace goodput {

// results.json's "summary", one model at a time and within a model one task at a time, each
// entry built when the results writer (write_results_file) asks for it: per model its figures
// (to_json(ModelStats)) and per task to_json(RunStats), with the task_verdict of each task of
// `tasks` that has a min_pass_rate (over task.repeat x `repeat` samples). `stats` must outlive
// the source. Shared by the results reporter and `goodput merge`.
SummaryModelSource summary_source(const StatsCollector& stats, const std::vector<TaskSpec>& tasks = {}, int repeat = 1);
// The same summary whole.
nlohmann::json summary_to_json(const StatsCollector& stats, const std::vector<TaskSpec>& tasks = {}, int repeat = 1);
nlohmann::json to_json(const RunStats& stats);
// {"verdict": "pass" | "fail" | "error", "min_pass_rate", "samples", "passed", "judged", "errors"}:
// a task x model judged over its samples, as results.json's summary.<model>.tasks.<id>.task_verdict.
nlohmann::json to_json(const TaskModelVerdict& verdict);
// A model's totals as to_json(RunStats), with pass@k / pass^k as the mean over its tasks, and
// its seconds per correct answer (with_seconds_per_correct) in place of the per-task time to
// a correct answer.
nlohmann::json to_json(const ModelStats& stats);
// Adds seconds per correct answer under one set of keys, for results.json and `goodput
// compare`: "seconds_per_correct" (null when there is none), "seconds_per_correct_missing"
// (why not: "no correct answer", "no judged run", "no time measured"; null when there is
// one), "judged_time_s" (the time it divides) and "tasks_never_passed".
void with_seconds_per_correct(nlohmann::json& entry, const JudgedTime& time, int tasks_never_passed);
// results.json's "slo": the latency limits goodput was measured against, or null.
nlohmann::json slo_to_json(const std::optional<Slo>& slo);
// Back from slo_to_json; throws ConfigError naming `path` for anything else.
std::optional<Slo> slo_from_json(const nlohmann::json& slo, const std::string& path);

}  // namespace goodput
