// SPDX-License-Identifier: MIT
// Comparing two runs (baseline vs candidate) and gating a model swap. It computes only: it
// works on in-memory runs of the results model, so it is testable without files; `goodput
// compare` (compare_command.cpp) reads results.json files into these structures
// (results_json.hpp), and the reporters render the outcome (reporters.hpp print_comparison,
// comparison_markdown, comparison_json).
//
// Definitions (also in the README):
// - A run counts as passed (verdict pass), failed (fail or truncated: judged, not passed) or
//   is left out (error: a transport or checker error is never a model failure).
// - Per task: Fisher's exact test on the 2x2 table [[baseline passed, baseline failed],
//   [candidate passed, candidate failed]]. The two-sided p is reported; the verdict and the
//   gate use the ONE-SIDED p of the direction asked ("did the pass rate drop?" /
//   "did it rise?"), at alpha.
// - Overall: a sign test over the per-task pass-rate differences (tasks whose rate dropped vs
//   rose, ties left out; exact binomial with p = 1/2). With one sample per task this is
//   exactly McNemar's exact test on the paired pass/fail outcomes. Reported two-sided; the
//   gate uses the one-sided p of "more tasks dropped than rose".
// - Latency: change of the median end-to-end time (and TTFT) over the runs of the comparable
//   tasks, with a percentile-bootstrap 95% interval (each side resampled independently,
//   2000 resamples, fixed seed: deterministic).
// - Per side, the statistics are RunStats (stats.hpp), built from each run's RunFigures as
//   `goodput run`'s summary builds them: the same pass rate, Wilson interval, percentiles and
//   time to a correct answer (per task mean e2e / pass rate, +infinity when nothing passed);
//   over the compared tasks, seconds per correct answer (stats.hpp seconds_per_correct).
// - What the gate can see (detectable_drop.hpp): the smallest drop in pass rate detected with
//   80% power, exact, from the observed baseline rate (0.90 when that is 1). Overall: the pooled
//   one-sided Fisher test at alpha on the judged runs per side (with one sample per task, up to
//   150 tasks, the pooled test OR McNemar's, as the gate decides). Per task: one-sided Fisher at
//   alpha / tasks compared, the level Holm's method asks of a task that dropped alone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/detectable_drop.hpp"
#include "goodput/results.hpp"
#include "goodput/stats.hpp"

namespace goodput {

// ---- statistics ----

// Fisher's exact test on [[a, b], [c, d]] (rows: baseline, candidate; columns: passed,
// failed). Hypergeometric probabilities in log space (lgamma).
struct FisherResult {
  double two_sided = 1;  // as scipy.stats.fisher_exact(alternative='two-sided')
  double greater = 1;    // P(X >= a): the first row's rate is higher, i.e. the candidate's dropped
  double less = 1;       // P(X <= a): the candidate's rose
};
FisherResult fisher_exact(int a, int b, int c, int d);

// McNemar's exact test: b and c are the discordant pairs (b: passed in baseline only, c:
// passed in candidate only); binomial(b + c, 1/2).
struct McNemarResult {
  double two_sided = 1;  // min(1, 2 * P(X <= min(b, c)))
  double drop = 1;       // one-sided: P(X >= b), more drops than rises
  double rise = 1;       // one-sided: P(X >= c)
};
McNemarResult mcnemar_exact(int b, int c);

// Median with linear interpolation (statistics.hpp percentile); nullopt when empty.
std::optional<double> median_of(std::vector<double> values);

// Percentile bootstrap of median(candidate) - median(baseline), each side resampled with
// replacement independently (std::mt19937_64 seeded with `seed`, indices by modulo, so the
// result is the same on every platform).
struct BootstrapInterval {
  double estimate = 0;  // the observed difference of medians
  double low = 0;
  double high = 0;
};
inline constexpr std::uint64_t k_bootstrap_seed = 20240607;
inline constexpr int k_bootstrap_resamples = 2000;
std::optional<BootstrapInterval> bootstrap_median_difference(const std::vector<double>& baseline, const std::vector<double>& candidate,
                                                             std::uint64_t seed = k_bootstrap_seed,
                                                             int resamples = k_bootstrap_resamples, double confidence = 0.95);

// ---- the runs being compared ----

// One model's runs of one evaluation.
struct RunSet {
  std::string label;          // e.g. "base.json:sim-fast"
  std::string model;          // the model's name
  nlohmann::json fingerprint = nlohmann::json::object();  // model id, quantisation, server version, params...
  std::map<std::string, nlohmann::json> tasks;             // id -> {system, prompt, params, ...}: the task's text
  std::vector<StoredRun> runs;  // this model's
};

// ---- the comparison ----

enum class TaskVerdict { regressed, improved, unchanged, flaky, not_comparable };
std::string_view to_string(TaskVerdict verdict);

struct GateOptions {
  double alpha = 0.05;
  bool fail_on_regression = false;
  std::optional<double> max_latency_increase;  // fraction: 0.2 = +20% of the median e2e
  std::optional<double> max_ttc_increase;      // fraction, of the seconds per correct answer
  // fraction: 0.2 = inconclusive (not passed) when the overall test cannot detect a drop of 20
  // points in pass rate with 80% power at these sample counts
  std::optional<double> min_detectable_drop;
};

// The smallest drop in pass rate one of the gate's tests detects with 80% power.
struct DetectableDrop {
  double from_rate = 0;      // the baseline pass rate the drop is from; 0: nothing to drop
  bool reference = false;    // the observed baseline rate was 1: from_rate is k_reference_pass_rate
  double alpha = 0;          // the level the test is run at (per task: alpha / tasks compared)
  int baseline_runs = 0, candidate_runs = 0;  // judged runs
  std::optional<int> points;  // in percentage points; nullopt: not even a drop to 0 is detected
  bool with_mcnemar = false;  // overall, one sample per task: pooled Fisher OR McNemar
};

// Above this many points (or none) `goodput compare` warns that only large drops are seen.
inline constexpr int k_detectable_drop_warning_points = 20;
// gate_exit_code when the gate is enforced, found no regression, and cannot see a drop of
// GateOptions::min_detectable_drop (README, "Comparing runs").
inline constexpr int k_gate_inconclusive_exit = 3;

struct TaskComparison {
  std::string id;
  TaskVerdict verdict = TaskVerdict::unchanged;
  std::string reason;  // why not comparable / what is flaky
  // Each side's runs of this task. "Failed" in a comparison is judged and not passed
  // (RunStats::not_passed: fail and truncated); errors are left out.
  RunStats baseline, candidate;
  std::optional<double> difference;  // candidate pass rate - baseline pass rate
  FisherResult fisher;
  // One-sided p-values adjusted by Holm's step-down method over the compared tasks: with many
  // tasks, some would "drop" by chance at alpha; the verdicts and the gate use these.
  double holm_drop = 1, holm_rise = 1;
  std::optional<DetectableDrop> detectable;  // compared tasks only
};

struct LatencyChange {
  std::optional<double> baseline_p50_s, candidate_p50_s;
  std::optional<BootstrapInterval> difference_s;  // candidate - baseline, with its 95% interval
  std::optional<double> relative() const;          // candidate / baseline - 1
};

// A condition of the gate that failed; the reporters put it in words (gate_failure_text).
struct GateFailure {
  enum class Kind {
    task_regressed,   // `task`'s pass rate dropped (Holm-adjusted one-sided Fisher)
    overall_dropped,  // the pooled pass rate dropped (or, one sample per task, McNemar)
    latency_rose,     // the median end-to-end time rose beyond max_latency_increase
    ttc_rose,         // the seconds per correct answer rose beyond max_ttc_increase
  };
  Kind kind = Kind::task_regressed;
  std::string task;       // task_regressed
  double increase = 0;    // latency_rose, ttc_rose: candidate / baseline - 1 (+infinity possible)
};

struct Comparison {
  std::string baseline_label, candidate_label;
  std::vector<std::string> warnings;  // fingerprints differ, tasks only in one run...
  std::vector<TaskComparison> tasks;  // by id, the union of both runs' tasks
  // Overall, over the comparable tasks with judged runs on both sides.
  int tasks_compared = 0;
  int tasks_dropped = 0, tasks_rose = 0, tasks_tied = 0;
  McNemarResult sign_test;  // = McNemar exact when every task has one sample per side
  // Every judged run of the compared tasks pooled per side: the overall pass rate's test.
  FisherResult pooled;
  bool one_sample_per_task = false;
  RunStats baseline_all, candidate_all;
  LatencyChange e2e, ttft;
  // Over the compared tasks: the judged time behind seconds per correct answer, and how many
  // of them never passed.
  JudgedTime baseline_time, candidate_time;
  int baseline_never_solved = 0, candidate_never_solved = 0;
  std::optional<DetectableDrop> overall_detectable;  // nullopt when no task was compared
  // The gate.
  GateOptions gate;
  std::vector<GateFailure> gate_failures;  // empty: passes
  bool regressed_overall = false;
  // No gate failure, but the overall test cannot detect a drop of gate.min_detectable_drop.
  bool inconclusive = false;
  int count(TaskVerdict verdict) const;
};

// Compares the tasks both runs hold (tasks in one only are listed as not comparable).
// Throws std::invalid_argument when the two share no task.
Comparison compare_runs(const RunSet& baseline, const RunSet& candidate, const GateOptions& gate = {});

// When the gate is on (fail_on_regression): 1 when it failed, k_gate_inconclusive_exit (3) when
// it is inconclusive; else 0.
int gate_exit_code(const Comparison& comparison);

}  // namespace goodput
