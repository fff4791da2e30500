// SPDX-License-Identifier: MIT
// The Runner executes models x tasks x samples. Requests run on per-model worker threads
// (each with its own Provider and connection); checking, journaling and reporting happen on
// the calling thread, so judging one run overlaps the next request. What it produces is the
// results model (goodput/results.hpp), handed to Reporters (goodput/reporter.hpp).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "goodput/plan.hpp"  // PlannedRun, PlanOptions, plan_runs
#include "goodput/reporter.hpp"
#include "goodput/results.hpp"
#include "goodput/spec.hpp"

namespace goodput {

class Provider;
// Makes the provider of one worker of `model`. Empty (the default): the model's dialect
// (make_provider), retrying as the model's retry settings say. `--replay` passes one that
// answers from a recording.
using ProviderFactory = std::function<std::unique_ptr<Provider>(const ModelSpec& model)>;
// Optional: makes the provider that answers one run, for providers whose answer depends on
// which run asks (`--replay` answers each (model, task, sample) with its recorded
// completions). The run reaches the provider through its construction, never through the
// runner's state. The worker's own provider still builds the request bodies of fingerprints.
using RunProviderFactory = std::function<std::unique_ptr<Provider>(const PlannedRun& run)>;

class Runner {
 public:
  // `runs` point into `models` and `tasks`, which must outlive the runner.
  Runner(const std::vector<ModelSpec>& models, const std::vector<TaskSpec>& tasks, std::vector<PlannedRun> runs,
         PlanOptions options, ProviderFactory make_provider = {}, RunProviderFactory make_run_provider = {});
  // Runs everything; returns when all runs finished or `interrupt` became true (runs in
  // flight are then abandoned). Providers are created up front, so a configuration problem
  // (a missing API key variable) throws ConfigError before any request.
  void run(const std::vector<Reporter*>& reporters, const std::atomic<bool>& interrupt);

  // Called by run() with the plan, the servers' fingerprints included, before any reporter
  // sees it and before any request but the probes. It may change the plan (`--resume` counts
  // the runs it takes from the journal in total_runs) or throw ConfigError, which run() passes
  // on with nothing run (`--resume` refuses a server that changed).
  using PlanHook = std::function<void(Plan& plan)>;
  void set_plan_hook(PlanHook hook) { m_plan_hook = std::move(hook); }

  // The judges model-graded assertions ask (the models file's `judges:`; the first is the
  // default), through providers made as the models' are. Only before run().
  void set_judges(const std::vector<ModelSpec>& judges) { m_judges = judges; }

 private:
  const std::vector<ModelSpec>& m_models;
  const std::vector<TaskSpec>& m_tasks;
  std::vector<PlannedRun> m_runs;
  PlanOptions m_options;
  ProviderFactory m_make_provider;
  RunProviderFactory m_make_run_provider;
  PlanHook m_plan_hook;
  std::vector<ModelSpec> m_judges;
};

// Judges a completion with the task's assertions (the same code the runner uses). A
// completion cut by the token limit (stop reason `length`) with reasoning but no answer
// text is Verdict::truncated without running the checkers.
void judge(RunRecord& run);
// The same, with the run's context: the task's prompt and the judges of model-graded assertions.
void judge(RunRecord& run, const checkers::CheckContext& context);

// Runs a C++ task case (run.task->body) on this thread with `provider`, and fills in `run`
// already judged: turns, completion (the last ask's), checks and verdict. Never throws.
void run_task_case(RunRecord& run, Provider& provider, const std::atomic<bool>* cancel = nullptr);

}  // namespace goodput
