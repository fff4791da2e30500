// SPDX-License-Identifier: MIT
// The Runner executes models x tasks x samples. Requests run on per-model worker threads
// (each with its own Provider and connection); checking, journaling and reporting happen on
// the calling thread, so judging one run overlaps the next request.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/checkers/checker.hpp"
#include "goodput/completion.hpp"
#include "goodput/plan.hpp"  // PlannedRun, PlanOptions, plan_runs
#include "goodput/spec.hpp"
#include "goodput/task.hpp"

namespace goodput {

// truncated: the token limit (stop reason `length`) cut the reasoning before any answer
// text: the model did not deliver within its budget, which says nothing about whether its
// answer would have been right (see judge()).
enum class Verdict { pass, fail, error, truncated };
std::string_view to_string(Verdict verdict);

// One (model, task, sample): the unit of scheduling, of the journal and of resumption.
struct RunRecord {
  const ModelSpec* model = nullptr;
  const TaskSpec* task = nullptr;
  int sample = 0;  // 0-based
  std::string started_at;  // UTC, ISO 8601
  Completion completion;  // for a C++ task case: its last ask()'s
  std::vector<checkers::CheckResult> checks;  // one per task assertion; empty on error
  // pass: every assertion passed; fail: one failed; error: the request did not complete or a
  // checker could not judge. An error is never a model failure. truncated: the token limit
  // cut the reasoning before any answer (no checker ran; one explanatory check).
  Verdict verdict = Verdict::error;
  // C++ task cases only: every ask() in order, and the assertion type of each check (YAML
  // tasks leave both empty: their types are the task's assertions).
  std::vector<Turn> turns;
  std::vector<std::string> check_types;
  // What produced this result, flat and stable (server_probe.hpp make_fingerprint): dialect,
  // endpoint, model, server version, quantisation, context length, request parameters,
  // goodput's version. Null when the runner did not fill it in.
  nlohmann::json fingerprint = nullptr;
  // The assertion type that produced checks[i] ("contains").
  const std::string& check_type(std::size_t i) const {
    return i < check_types.size() ? check_types[i] : task->assertions[i].type;
  }
};

struct Plan {
  const std::vector<ModelSpec>* models = nullptr;
  const std::vector<TaskSpec>* tasks = nullptr;
  int repeat = 1;         // multiplies each task's own `repeat`
  std::size_t total_runs = 0;
  bool simulated = false;  // every model is `goodput sim`
  // Per model name: the fingerprint known before any run (from probing the server once).
  std::map<std::string, nlohmann::json> fingerprints;
};

// The unmeasured request sent to a model before its runs when ModelSpec::warmup is set: its
// time is the model's load time, reported apart and never mixed into the run statistics.
struct WarmupResult {
  std::optional<double> e2e_s;   // request sent -> last token (or the end of the reply)
  std::optional<double> ttft_s;
  std::string error;             // empty when the request completed
};

// Receives events on the thread that called Runner::run, in this order: on_plan once,
// on_warmup per model that warms up, on_run_start / on_run_end per run (runs of different
// models interleave), on_finish once.
// References are valid only during the call. Must not throw.
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void on_plan(const Plan& /*plan*/) {}
  // After on_plan, before that model's first run, for each model with warm-up.
  virtual void on_warmup(const ModelSpec& /*model*/, const WarmupResult& /*warmup*/) {}
  virtual void on_run_start(const ModelSpec& /*model*/, const TaskSpec& /*task*/, int /*sample*/) {}
  virtual void on_run_end(const RunRecord& /*run*/) {}
  // `interrupted`: the run was stopped early; runs in flight were dropped.
  virtual void on_finish(bool /*interrupted*/) {}
};

class Provider;
// Makes the provider of one worker of `model`. Empty (the default): the model's dialect
// (make_provider), retrying as the model's retry settings say. `--replay` passes one that
// answers from a recording.
using ProviderFactory = std::function<std::unique_ptr<Provider>(const ModelSpec& model)>;

// The run the calling worker thread is doing (model, task, sample) while its provider is
// asked; null outside a run. For providers that answer per run (the replay provider).
const PlannedRun* current_run();

class Runner {
 public:
  // `runs` point into `models` and `tasks`, which must outlive the runner.
  Runner(const std::vector<ModelSpec>& models, const std::vector<TaskSpec>& tasks, std::vector<PlannedRun> runs,
         PlanOptions options, ProviderFactory make_provider = {});
  // Runs everything; returns when all runs finished or `interrupt` became true (runs in
  // flight are then abandoned). Providers are created up front, so a configuration problem
  // (a missing API key variable) throws ConfigError before any request.
  void run(const std::vector<Reporter*>& reporters, const std::atomic<bool>& interrupt);

 private:
  const std::vector<ModelSpec>& m_models;
  const std::vector<TaskSpec>& m_tasks;
  std::vector<PlannedRun> m_runs;
  PlanOptions m_options;
  ProviderFactory m_make_provider;
};

// Judges a completion with the task's assertions (the same code the runner uses). A
// completion cut by the token limit (stop reason `length`) with reasoning but no answer
// text is Verdict::truncated without running the checkers.
void judge(RunRecord& run);

// Runs a C++ task case (run.task->body) on this thread with `provider`, and fills in `run`
// already judged: turns, completion (the last ask's), checks and verdict. Never throws.
void run_task_case(RunRecord& run, Provider& provider, const std::atomic<bool>* cancel = nullptr);

}  // namespace goodput
