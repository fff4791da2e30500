// SPDX-License-Identifier: MIT
// The Runner executes models x tasks x samples. Requests run on per-model worker threads
// (each with its own Provider and connection); checking, journaling and reporting happen on
// the calling thread, so judging one run overlaps the next request.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "goodput/checkers/checker.hpp"
#include "goodput/completion.hpp"
#include "goodput/spec.hpp"

namespace goodput {

enum class Verdict { pass, fail, error };
std::string_view to_string(Verdict verdict);

// One (model, task, sample): the unit of scheduling, of the journal and of resumption.
struct RunRecord {
  const ModelSpec* model = nullptr;
  const TaskSpec* task = nullptr;
  int sample = 0;  // 0-based
  std::string started_at;  // UTC, ISO 8601
  Completion completion;
  std::vector<checkers::CheckResult> checks;  // one per task assertion; empty on error
  // pass: every assertion passed; fail: one failed; error: the request did not complete or a
  // checker could not judge. An error is never a model failure.
  Verdict verdict = Verdict::error;
};

struct Plan {
  const std::vector<ModelSpec>* models = nullptr;
  const std::vector<TaskSpec>* tasks = nullptr;
  int repeat = 1;         // multiplies each task's own `repeat`
  std::size_t total_runs = 0;
  bool simulated = false;  // every model is `goodput sim`
};

// Receives events on the thread that called Runner::run, in this order: on_plan once,
// on_run_start / on_run_end per run (runs of different models interleave), on_finish once.
// References are valid only during the call. Must not throw.
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void on_plan(const Plan& /*plan*/) {}
  virtual void on_run_start(const ModelSpec& /*model*/, const TaskSpec& /*task*/, int /*sample*/) {}
  virtual void on_run_end(const RunRecord& /*run*/) {}
  // `interrupted`: the run was stopped early; runs in flight were dropped.
  virtual void on_finish(bool /*interrupted*/) {}
};

// One run to do. The plan is a list of these; the runner does them in list order per model.
struct PlannedRun {
  const ModelSpec* model = nullptr;
  const TaskSpec* task = nullptr;
  int sample = 0;  // 0-based
};

struct PlanOptions {
  int repeat = 1;  // multiplies each task's own `repeat`
};

// models x tasks x samples, sample-major: every task gets its first sample before any gets
// a second, so an interrupted evaluation still covers every task.
std::vector<PlannedRun> plan_runs(const std::vector<ModelSpec>& models, const std::vector<TaskSpec>& tasks,
                                  const PlanOptions& options);

class Runner {
 public:
  // `runs` point into `models` and `tasks`, which must outlive the runner.
  Runner(const std::vector<ModelSpec>& models, const std::vector<TaskSpec>& tasks, std::vector<PlannedRun> runs,
         PlanOptions options);
  // Runs everything; returns when all runs finished or `interrupt` became true (runs in
  // flight are then abandoned). Providers are created up front, so a configuration problem
  // (a missing API key variable) throws ConfigError before any request.
  void run(const std::vector<Reporter*>& reporters, const std::atomic<bool>& interrupt);

 private:
  const std::vector<ModelSpec>& m_models;
  const std::vector<TaskSpec>& m_tasks;
  std::vector<PlannedRun> m_runs;
  PlanOptions m_options;
};

// Judges a completion with the task's assertions (the same code the runner uses).
void judge(RunRecord& run);

}  // namespace goodput
