// The statistics, verdicts and gate of `goodput compare`, on in-memory runs (compare.hpp),
// its renderings (reporters.hpp), and the command's config file and refusals on small
// hand-written results files.
#include "goodput/compare.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/commands.hpp"
#include "goodput/reporters.hpp"
#include "goodput/stats.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// ---- Fisher's exact test (values from scipy.stats.fisher_exact / the hypergeometric sums) ----

TEST(FisherExactTest, KnownTwoSidedAndOneSidedValues) {
  const auto r = fisher_exact(9, 1, 3, 7);
  EXPECT_NEAR(r.two_sided, 0.019766611, 1e-7);  // scipy: 0.01977
  EXPECT_NEAR(r.greater, 0.009883306, 1e-7);    // candidate (row 2) dropped
  EXPECT_NEAR(r.less, 0.999642772, 1e-7);
}

TEST(FisherExactTest, IdenticalRowsGiveOne) {
  const auto r = fisher_exact(10, 0, 10, 0);
  EXPECT_DOUBLE_EQ(r.two_sided, 1.0);
  EXPECT_DOUBLE_EQ(r.greater, 1.0);
  EXPECT_DOUBLE_EQ(r.less, 1.0);
  EXPECT_DOUBLE_EQ(fisher_exact(0, 0, 0, 0).two_sided, 1.0);
}

TEST(FisherExactTest, MoreKnownValues) {
  EXPECT_NEAR(fisher_exact(10, 0, 2, 8).two_sided, 0.000714456, 1e-8);
  EXPECT_NEAR(fisher_exact(9, 1, 8, 2).two_sided, 1.0, 1e-12);
  EXPECT_NEAR(fisher_exact(1, 9, 8, 2).two_sided, 0.005477495, 1e-8);
  EXPECT_NEAR(fisher_exact(1, 9, 8, 2).less, 0.002738747, 1e-8);  // candidate rose
  EXPECT_NEAR(fisher_exact(4, 0, 0, 4).greater, 1.0 / 70, 1e-12);
}

// ---- McNemar exact ----

TEST(McNemarExactTest, KnownValues) {
  const auto r = mcnemar_exact(8, 1);
  EXPECT_NEAR(r.two_sided, 0.0390625, 1e-12);  // 2 * 10 / 512
  EXPECT_NEAR(r.drop, 10.0 / 512, 1e-12);
  EXPECT_NEAR(r.rise, 1 - 1.0 / 512, 1e-12);
  EXPECT_DOUBLE_EQ(mcnemar_exact(0, 0).two_sided, 1.0);
  EXPECT_DOUBLE_EQ(mcnemar_exact(3, 3).two_sided, 1.0);
  EXPECT_NEAR(mcnemar_exact(3, 0).drop, 0.125, 1e-12);
}

// ---- bootstrap ----

std::vector<double> noisy_sample(double base, int n, unsigned state) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) {
    state = state * 1103515245u + 12345u;
    v.push_back(base + static_cast<double>((state >> 8) % 1000) / 1000.0 * 0.2);  // base + [0, 0.2)
  }
  return v;
}

TEST(CompareBootstrapTest, DeterministicWithASeedAndCoversTheTrueShift) {
  const auto base = noisy_sample(1.0, 60, 7);
  std::vector<double> cand = base;
  for (auto& x : cand) x += 0.5;  // the true shift of the median
  const auto a = bootstrap_median_difference(base, cand, 42);
  const auto b = bootstrap_median_difference(base, cand, 42);
  ASSERT_TRUE(a && b);
  EXPECT_DOUBLE_EQ(a->low, b->low);
  EXPECT_DOUBLE_EQ(a->high, b->high);
  EXPECT_NEAR(a->estimate, 0.5, 1e-12);
  EXPECT_LE(a->low, 0.5);
  EXPECT_GE(a->high, 0.5);
  EXPECT_GT(a->low, 0.3);  // narrow enough to exclude no change
  EXPECT_LT(a->high, 0.7);
  const auto other = bootstrap_median_difference(base, noisy_sample(1.0, 60, 99));
  ASSERT_TRUE(other);
  EXPECT_LE(other->low, 0.0);  // same distribution: the interval covers 0
  EXPECT_GE(other->high, 0.0);
  EXPECT_FALSE(bootstrap_median_difference({}, cand));
}

// ---- verdicts on constructed runs ----

StoredRun stored(const std::string& model, const std::string& task, int sample, Verdict verdict, std::optional<double> e2e,
                 std::optional<double> ttft) {
  StoredRun r;
  r.key = {model, task, sample};
  r.verdict = verdict;
  r.completion.metrics.e2e_s = e2e;
  r.completion.metrics.ttft_s = ttft;
  return r;
}

RunSet make_set(const std::string& model, const std::map<std::string, std::pair<int, int>>& pass_fail, double e2e = 1.0,
                const std::string& prompt_suffix = "") {
  RunSet s;
  s.label = model;
  s.model = model;
  s.fingerprint = {{"model", model}, {"quantisation", "Q4_K_M"}};
  for (const auto& [task, counts] : pass_fail) {
    s.tasks[task] = {{"system", ""}, {"prompt", "Prompt of " + task + prompt_suffix}, {"params", {{"max_tokens", 64}}}};
    int sample = 0;
    for (int i = 0; i < counts.first; ++i) s.runs.push_back(stored(model, task, sample++, Verdict::pass, e2e, e2e / 10));
    for (int i = 0; i < counts.second; ++i) s.runs.push_back(stored(model, task, sample++, Verdict::fail, e2e, e2e / 10));
  }
  return s;
}

const TaskComparison& task_of(const Comparison& c, const std::string& id) {
  for (const auto& t : c.tasks)
    if (t.id == id) return t;
  throw std::runtime_error("no task " + id);
}

TEST(CompareVerdictTest, RegressedUnchangedFlakyImproved) {
  const RunSet base = make_set("a", {{"t.drop", {10, 0}}, {"t.same", {9, 1}}, {"t.stable", {10, 0}}, {"t.up", {1, 9}}});
  const RunSet cand = make_set("b", {{"t.drop", {2, 8}}, {"t.same", {8, 2}}, {"t.stable", {10, 0}}, {"t.up", {9, 1}}});
  const Comparison c = compare_runs(base, cand);
  EXPECT_EQ(task_of(c, "t.drop").verdict, TaskVerdict::regressed);
  EXPECT_NEAR(*task_of(c, "t.drop").difference, -0.8, 1e-12);
  EXPECT_EQ(task_of(c, "t.same").verdict, TaskVerdict::flaky);  // 9/10 -> 8/10: not significant, passes and fails
  EXPECT_EQ(task_of(c, "t.stable").verdict, TaskVerdict::unchanged);
  EXPECT_EQ(task_of(c, "t.up").verdict, TaskVerdict::improved);
  EXPECT_EQ(c.tasks_compared, 4);
  EXPECT_EQ(c.tasks_dropped, 2);
  EXPECT_EQ(c.tasks_rose, 1);
  EXPECT_EQ(c.tasks_tied, 1);
  EXPECT_FALSE(c.one_sample_per_task);
  // Fingerprints differ in the model: a warning, not a refusal.
  ASSERT_FALSE(c.warnings.empty());
  EXPECT_THAT(c.warnings[0], HasSubstr("model \"a\" -> \"b\""));
  EXPECT_THAT(c.warnings[0], Not(HasSubstr("quantisation")));
}

TEST(CompareVerdictTest, UnchangedWhenTheDropIsNoise) {
  const Comparison c = compare_runs(make_set("a", {{"t", {9, 1}}}), make_set("a", {{"t", {8, 2}}}));
  EXPECT_NE(task_of(c, "t").verdict, TaskVerdict::regressed);
  EXPECT_GT(task_of(c, "t").fisher.greater, 0.05);
  EXPECT_TRUE(c.gate_failures.empty());
}

TEST(CompareVerdictTest, FlakyWhenEitherRunPassesAndFails) {
  const Comparison c = compare_runs(make_set("a", {{"t", {5, 5}}}), make_set("a", {{"t", {6, 4}}}));
  EXPECT_EQ(task_of(c, "t").verdict, TaskVerdict::flaky);
  const Comparison d = compare_runs(make_set("a", {{"t", {4, 0}}}), make_set("a", {{"t", {3, 1}}}));
  EXPECT_EQ(task_of(d, "t").verdict, TaskVerdict::flaky);
  EXPECT_THAT(task_of(d, "t").reason, HasSubstr("candidate"));
}

TEST(CompareVerdictTest, ChangedPromptIsNotComparableAndNeverGates) {
  GateOptions gate;
  gate.fail_on_regression = true;
  const Comparison c = compare_runs(make_set("a", {{"t.changed", {10, 0}}, {"t.kept", {10, 0}}}),
                                    make_set("a", {{"t.changed", {0, 10}}, {"t.kept", {10, 0}}}, 1.0, " (edited)"), gate);
  // Both tasks' prompts got the suffix in the candidate: both not comparable.
  EXPECT_EQ(task_of(c, "t.changed").verdict, TaskVerdict::not_comparable);
  EXPECT_THAT(task_of(c, "t.changed").reason, HasSubstr("prompt"));
  EXPECT_EQ(c.tasks_compared, 0);
  EXPECT_TRUE(c.gate_failures.empty());
  EXPECT_EQ(gate_exit_code(c), 0);

  RunSet cand = make_set("a", {{"t.changed", {0, 10}}, {"t.kept", {10, 0}}});
  cand.tasks["t.changed"]["prompt"] = "Another prompt";
  const Comparison d = compare_runs(make_set("a", {{"t.changed", {10, 0}}, {"t.kept", {10, 0}}}), cand, gate);
  EXPECT_EQ(task_of(d, "t.changed").verdict, TaskVerdict::not_comparable);
  EXPECT_EQ(task_of(d, "t.kept").verdict, TaskVerdict::unchanged);
  EXPECT_EQ(gate_exit_code(d), 0);
  bool warned = false;
  for (const auto& w : d.warnings) warned = warned || w.find("t.changed") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(CompareVerdictTest, ErrorsAreNotFailuresAndTasksInOneRunOnlyAreListed) {
  RunSet base = make_set("a", {{"t", {3, 0}}, {"only.base", {1, 0}}});
  RunSet cand = make_set("a", {{"t", {3, 0}}});
  cand.runs.push_back(stored("a", "t", 9, Verdict::error, std::nullopt, std::nullopt));
  const Comparison c = compare_runs(base, cand);
  EXPECT_EQ(task_of(c, "t").verdict, TaskVerdict::unchanged);
  EXPECT_EQ(task_of(c, "t").candidate.errors, 1);
  EXPECT_EQ(task_of(c, "only.base").verdict, TaskVerdict::not_comparable);
}

TEST(CompareVerdictTest, NoSharedTaskIsRefused) {
  EXPECT_THROW(compare_runs(make_set("a", {{"x", {1, 0}}}), make_set("a", {{"y", {1, 0}}})), std::invalid_argument);
}

TEST(CompareVerdictTest, OneSamplePerTaskUsesMcNemarOverTasks) {
  std::map<std::string, std::pair<int, int>> base, cand;
  for (int i = 0; i < 9; ++i) {
    const std::string id = "t" + std::to_string(i);
    base[id] = {1, 0};
    cand[id] = i < 8 ? std::pair{0, 1} : std::pair{1, 0};  // 8 dropped, 1 tied
  }
  base["t9"] = {0, 1};
  cand["t9"] = {1, 0};  // 1 rose
  GateOptions gate;
  gate.fail_on_regression = true;
  const Comparison c = compare_runs(make_set("a", base), make_set("b", cand), gate);
  EXPECT_TRUE(c.one_sample_per_task);
  EXPECT_EQ(c.tasks_dropped, 8);
  EXPECT_EQ(c.tasks_rose, 1);
  EXPECT_NEAR(c.sign_test.two_sided, 0.0390625, 1e-12);
  EXPECT_EQ(c.count(TaskVerdict::regressed), 0);  // 1/1 -> 0/1 is never significant alone
  EXPECT_TRUE(c.regressed_overall);                // but over tasks it is
  EXPECT_EQ(gate_exit_code(c), 1);
}

// ---- the gate ----

TEST(CompareGateTest, ExitCodes) {
  const RunSet base = make_set("a", {{"t", {10, 0}}});
  const RunSet worse = make_set("b", {{"t", {2, 8}}});
  GateOptions report_only;
  EXPECT_EQ(gate_exit_code(compare_runs(base, worse, report_only)), 0);
  EXPECT_FALSE(compare_runs(base, worse, report_only).gate_failures.empty());
  GateOptions gate;
  gate.fail_on_regression = true;
  EXPECT_EQ(gate_exit_code(compare_runs(base, worse, gate)), 1);
  EXPECT_EQ(gate_exit_code(compare_runs(base, make_set("b", {{"t", {9, 1}}}), gate)), 0);
  gate.alpha = 1e-6;  // 10/10 -> 2/10 has one-sided p = 0.00036
  EXPECT_EQ(gate_exit_code(compare_runs(base, worse, gate)), 0);
}

TEST(CompareGateTest, LatencyAndTimeToCorrectLimits) {
  const RunSet base = make_set("a", {{"t", {10, 0}}, {"u", {10, 0}}}, 1.0);
  const RunSet slow = make_set("b", {{"t", {10, 0}}, {"u", {10, 0}}}, 1.5);
  GateOptions gate;
  gate.fail_on_regression = true;
  EXPECT_EQ(gate_exit_code(compare_runs(base, slow, gate)), 0);  // no limit given
  gate.max_latency_increase = 0.2;
  const Comparison c = compare_runs(base, slow, gate);
  EXPECT_EQ(gate_exit_code(c), 1);
  EXPECT_NEAR(*c.e2e.relative(), 0.5, 1e-12);
  ASSERT_TRUE(c.e2e.difference_s);
  EXPECT_NEAR(c.e2e.difference_s->estimate, 0.5, 1e-12);
  ASSERT_EQ(c.gate_failures.size(), 1u);
  EXPECT_THAT(gate_failure_text(c, c.gate_failures[0]), HasSubstr("median end-to-end time rose +50.0%"));
  gate.max_latency_increase = 0.6;
  EXPECT_EQ(gate_exit_code(compare_runs(base, slow, gate)), 0);
  gate.max_latency_increase.reset();
  gate.max_ttc_increase = 0.2;
  const Comparison t = compare_runs(base, slow, gate);
  // Seconds per correct answer: 20 runs x 1 s / 20 passed -> 20 x 1.5 s / 20 passed.
  EXPECT_NEAR(*seconds_per_correct(t.baseline_time).seconds, 1.0, 1e-12);
  EXPECT_NEAR(*seconds_per_correct(t.candidate_time).seconds, 1.5, 1e-12);
  EXPECT_EQ(gate_exit_code(t), 1);
  ASSERT_EQ(t.gate_failures.size(), 1u);
  EXPECT_EQ(gate_failure_text(t, t.gate_failures[0]),
            "seconds per correct answer rose +50.0% (limit +20.0%): 1.000 s -> 1.500 s");
  gate.max_ttc_increase = 0.5;
  EXPECT_EQ(gate_exit_code(compare_runs(base, slow, gate)), 0);  // at the limit passes
}

// The gate's time limit reads seconds per correct answer: a task that never passes no longer
// makes it infinite, and a candidate that answers nothing correctly rose without bound.
TEST(CompareGateTest, TimeLimitStaysFiniteWithAnUnsolvedTask) {
  const RunSet base = make_set("a", {{"t", {2, 0}}, {"u", {2, 0}}}, 1.0);
  GateOptions gate;
  gate.fail_on_regression = true;
  gate.alpha = 1e-9;  // only the time limit decides here
  gate.max_ttc_increase = 0.5;
  // u never passes: (4 runs x 1 s) / 2 passed = 2 s, +100% over the baseline's 1 s.
  const Comparison c = compare_runs(base, make_set("b", {{"t", {2, 0}}, {"u", {0, 2}}}, 1.0), gate);
  EXPECT_DOUBLE_EQ(*seconds_per_correct(c.candidate_time).seconds, 2.0);
  EXPECT_EQ(c.candidate_never_solved, 1);
  ASSERT_EQ(c.gate_failures.size(), 1u);
  EXPECT_EQ(c.gate_failures[0].kind, GateFailure::Kind::ttc_rose);
  EXPECT_DOUBLE_EQ(c.gate_failures[0].increase, 1.0);
  EXPECT_EQ(gate_failure_text(c, c.gate_failures[0]),
            "seconds per correct answer rose +100.0% (limit +50.0%): 1.000 s -> 2.000 s (1 task never solved)");
  const Comparison none = compare_runs(base, make_set("b", {{"t", {0, 2}}, {"u", {0, 2}}}, 1.0), gate);
  ASSERT_EQ(none.gate_failures.size(), 1u);
  EXPECT_TRUE(std::isinf(none.gate_failures[0].increase));
  EXPECT_EQ(gate_failure_text(none, none.gate_failures[0]),
            "seconds per correct answer rose without bound (no correct answer) (limit +50.0%): 1.000 s -> "
            "- (no correct answer; 2 tasks never solved)");
}

// ---- what the gate can see ----

// 5 tasks x 20 samples passing 18 (0.90) on both sides: the README's table row (pooled test,
// alpha 0.05: 14 points from 0.90); per task one-sided Fisher at 0.05 / 5 = 0.01, 20 vs 20
// runs: 49 points (plain-Python enumeration, detectable_drop_test.cpp).
TEST(CompareDetectableDropTest, PerTaskAndOverallForTheSampleCounts) {
  std::map<std::string, std::pair<int, int>> counts;
  for (int i = 0; i < 5; ++i) counts["t" + std::to_string(i)] = {18, 2};
  GateOptions gate;
  gate.fail_on_regression = true;
  gate.min_detectable_drop = 0.2;
  const Comparison c = compare_runs(make_set("a", counts), make_set("b", counts), gate);
  ASSERT_TRUE(c.overall_detectable);
  EXPECT_EQ(c.overall_detectable->points, 14);
  EXPECT_NEAR(c.overall_detectable->from_rate, 0.9, 1e-12);
  EXPECT_FALSE(c.overall_detectable->reference);
  EXPECT_FALSE(c.overall_detectable->with_mcnemar);
  EXPECT_EQ(c.overall_detectable->baseline_runs, 100);
  ASSERT_TRUE(task_of(c, "t0").detectable);
  EXPECT_EQ(task_of(c, "t0").detectable->points, 49);
  EXPECT_NEAR(task_of(c, "t0").detectable->alpha, 0.01, 1e-12);
  for (const auto& w : c.warnings) EXPECT_THAT(w, Not(HasSubstr("detects")));
  EXPECT_FALSE(c.inconclusive);
  EXPECT_EQ(gate_exit_code(c), 0);
  gate.min_detectable_drop = 0.13;  // 14 points is more than 13: inconclusive
  EXPECT_EQ(gate_exit_code(compare_runs(make_set("a", counts), make_set("b", counts), gate)), k_gate_inconclusive_exit);
}

// One sample per task, 5 tasks that all passed: from the assumed 0.90 the gate's overall test
// (pooled Fisher or McNemar) needs a drop of 84 points (Python enumeration): warned, and
// inconclusive (exit 3) with a limit, unless the gate found a regression (exit 1 wins).
TEST(CompareDetectableDropTest, OneSamplePerTaskWarnsAndIsInconclusiveWithALimit) {
  std::map<std::string, std::pair<int, int>> pass, fail;
  for (int i = 0; i < 5; ++i) {
    pass["t" + std::to_string(i)] = {1, 0};
    fail["t" + std::to_string(i)] = {0, 1};
  }
  GateOptions gate;
  gate.fail_on_regression = true;
  const Comparison plain = compare_runs(make_set("a", pass), make_set("a", pass), gate);
  ASSERT_TRUE(plain.overall_detectable);
  EXPECT_EQ(plain.overall_detectable->points, 84);
  EXPECT_TRUE(plain.overall_detectable->reference);
  EXPECT_TRUE(plain.overall_detectable->with_mcnemar);
  EXPECT_EQ(task_of(plain, "t0").detectable->points, std::nullopt);
  ASSERT_FALSE(plain.warnings.empty());
  EXPECT_THAT(plain.warnings.front(), HasSubstr("only detects (80% power) a drop in the overall pass rate of 84 points or more"));
  EXPECT_EQ(gate_exit_code(plain), 0);  // no limit: the warning only
  gate.min_detectable_drop = 0.2;
  const Comparison limited = compare_runs(make_set("a", pass), make_set("a", pass), gate);
  EXPECT_TRUE(limited.inconclusive);
  EXPECT_EQ(gate_exit_code(limited), k_gate_inconclusive_exit);
  EXPECT_EQ(gate_exit_code(compare_runs(make_set("a", pass), make_set("a", fail), gate)), 1);  // McNemar p = 1/32
  gate.fail_on_regression = false;
  EXPECT_EQ(gate_exit_code(compare_runs(make_set("a", pass), make_set("a", pass), gate)), 0);  // not enforced
}

TEST(CompareDetectableDropTest, ABaselineThatNeverPassedCannotDrop) {
  GateOptions gate;
  gate.fail_on_regression = true;
  gate.min_detectable_drop = 0.2;
  const Comparison c = compare_runs(make_set("a", {{"t", {0, 3}}}), make_set("a", {{"t", {0, 3}}}), gate);
  ASSERT_TRUE(c.overall_detectable);
  EXPECT_EQ(c.overall_detectable->from_rate, 0.0);
  EXPECT_FALSE(c.inconclusive);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(CompareOutputTest, MarkdownAndJsonCarryTheVerdicts) {
  GateOptions gate;
  gate.fail_on_regression = true;
  const Comparison c = compare_runs(make_set("a", {{"t.drop", {10, 0}}}), make_set("b", {{"t.drop", {2, 8}}}), gate);
  const std::string md = comparison_markdown(c);
  EXPECT_THAT(md, HasSubstr("| `t.drop` | 10/10 100% | 2/10 20% | -80 pp |"));
  EXPECT_THAT(md, HasSubstr("**REGRESSED**"));
  const auto j = comparison_json(c);
  EXPECT_EQ(j["tasks"][0]["verdict"], "regressed");
  EXPECT_EQ(j["gate"]["exit_code"], 1);
  EXPECT_EQ(j["verdicts"]["regressed"], 1);
  std::ostringstream console;
  print_comparison(c, console);
  EXPECT_THAT(console.str(), HasSubstr("gate: FAILED"));
}

// ---- per-side statistics: `goodput run`'s, and time to a correct answer at its edges ----

TEST(CompareSideStatsTest, AreTheRunSummarysStatistics) {
  RunSet base = make_set("a", {{"t", {3, 1}}, {"u", {1, 1}}}, 2.0);
  base.runs.push_back(stored("a", "t", 7, Verdict::truncated, 4.0, 0.4));  // judged, not passed, timed
  base.runs.push_back(stored("a", "t", 8, Verdict::error, 99.0, 9.0));     // left out
  StatsCollector summary;
  for (const auto& run : base.runs) summary.add(run);
  const Comparison c = compare_runs(base, make_set("b", {{"t", {4, 0}}, {"u", {2, 0}}}, 2.0));
  const RunStats& side = task_of(c, "t").baseline;
  const RunStats& run_side = summary.models().at("a").per_task.at("t");
  EXPECT_EQ(side.judged(), run_side.judged());
  EXPECT_EQ(side.not_passed(), 2);  // the failure and the truncated run
  EXPECT_EQ(side.errors, 1);
  EXPECT_DOUBLE_EQ(*side.time_to_correct_s(), *run_side.time_to_correct_s());  // mean(2,2,2,2,4) / (3/5)
  EXPECT_DOUBLE_EQ(*side.time_to_correct_s(), 2.4 / 0.6);
  // (4 x 2 s + 4 s) over t and (2 x 2 s) over u, over 4 passed runs: 4 s, as `goodput run`'s.
  EXPECT_DOUBLE_EQ(*seconds_per_correct(c.baseline_time).seconds, 4.0);
  EXPECT_DOUBLE_EQ(*seconds_per_correct(c.baseline_time).seconds, *summary.models().at("a").seconds_per_correct().seconds);
  EXPECT_EQ(comparison_json(c)["tasks"][0]["baseline"]["failed"], 2);
}

// DESIGN.md: L / p, infinite when p = 0, with or without a latency. (compare used to say
// infinite and the run summary "unknown" for a task whose runs all failed before any token.)
TEST(CompareSideStatsTest, NothingPassedIsInfiniteEvenWithoutALatency) {
  RunSet cand = make_set("b", {{"t", {2, 0}}});
  cand.runs.clear();
  for (int i = 0; i < 2; ++i) cand.runs.push_back(stored("b", "t", i, Verdict::fail, std::nullopt, std::nullopt));
  const Comparison c = compare_runs(make_set("a", {{"t", {2, 0}}}), cand);
  EXPECT_TRUE(std::isinf(*task_of(c, "t").candidate.time_to_correct_s()));
  EXPECT_EQ(seconds_per_correct(c.candidate_time).missing, SecondsPerCorrect::Missing::no_correct_answer);
  const auto j = comparison_json(c);
  EXPECT_EQ(j["tasks"][0]["candidate"]["never_passed"], true);
  EXPECT_EQ(j["overall"]["candidate"]["seconds_per_correct"], nullptr);
  EXPECT_EQ(j["overall"]["candidate"]["seconds_per_correct_missing"], "no correct answer");
  EXPECT_EQ(j["overall"]["candidate"]["tasks_never_passed"], 1);
  EXPECT_EQ(j["overall"]["baseline"]["seconds_per_correct"], 1.0);  // 2 runs x 1 s / 2 passed
  EXPECT_EQ(j["overall"]["baseline"]["seconds_per_correct_missing"], nullptr);
}

// A task whose runs passed but measured no latency has no known time to a correct answer; its
// runs add no time to that side's seconds per correct answer (no figure: README "Metrics").
TEST(CompareSideStatsTest, APassWithoutALatencyAddsNoTime) {
  RunSet cand = make_set("b", {{"t", {2, 0}}, {"u", {2, 0}}});
  for (auto& run : cand.runs)
    if (run.key.task == "u") run.completion.metrics.e2e_s.reset();
  const Comparison c = compare_runs(make_set("a", {{"t", {2, 0}}, {"u", {2, 0}}}), cand);
  EXPECT_FALSE(task_of(c, "u").candidate.time_to_correct_s().has_value());
  EXPECT_DOUBLE_EQ(*seconds_per_correct(c.candidate_time).seconds, 0.5);  // t's 2 x 1 s over 4 passed
  EXPECT_EQ(c.candidate_time.timed, 2);
  EXPECT_DOUBLE_EQ(*seconds_per_correct(c.baseline_time).seconds, 1.0);
}

// A task in one run only is not compared, and so not in either side's seconds per correct answer.
TEST(CompareSideStatsTest, ATaskMissingOnOneSideIsNotInTheSuiteTotal) {
  const Comparison c = compare_runs(make_set("a", {{"t", {2, 0}}, {"only.base", {1, 1}}}, 1.0), make_set("b", {{"t", {1, 1}}}, 1.0));
  EXPECT_EQ(task_of(c, "only.base").verdict, TaskVerdict::not_comparable);
  EXPECT_DOUBLE_EQ(*seconds_per_correct(c.baseline_time).seconds, 1.0);   // t alone: 2 x 1 s / 2 passed
  EXPECT_DOUBLE_EQ(*seconds_per_correct(c.candidate_time).seconds, 2.0);  // 2 x 1 s / 1 passed
}

// ---- the command: config file and refusals ----

class CompareCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() /
            ("goodput-compare-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(m_dir / name) << text;
    return (m_dir / name).string();
  }
  // A minimal results file: one model, task "t", `passed` of `n` runs passing.
  std::string results(const std::string& name, int passed, int n, int schema = 1, const std::string& task = "t") {
    nlohmann::json doc = {{"schema_version", schema},
                          {"kind", "goodput.results"},
                          {"models", {{{"name", "m"}, {"model", "m"}, {"params", nlohmann::json::object()}}}},
                          {"tasks", {{{"id", task}, {"system", ""}, {"prompt", "p"}, {"params", nlohmann::json::object()}}}},
                          {"runs", nlohmann::json::array()}};
    for (int i = 0; i < n; ++i)
      doc["runs"].push_back({{"model", "m"}, {"task", task}, {"sample", i}, {"verdict", i < passed ? "pass" : "fail"},
                             {"client", {{"e2e_s", 1.0}, {"ttft_s", 0.1}}}});
    return write(name, doc.dump());
  }

  std::filesystem::path m_dir;
};

TEST_F(CompareCommandTest, ConfigFileSetsTheGateAndRejectsUnknownKeys) {
  CompareCommandOptions o;
  o.baseline_path = results("base.json", 10, 10);
  o.candidate_path = results("cand.json", 2, 10);
  std::ostringstream out, err;
  EXPECT_EQ(compare_command(o, out, err), 0) << err.str();  // report only
  o.config_path = write("gate.yaml", "alpha: 0.01\nfail_on: regression\nmax_latency_increase: 20%\n");
  EXPECT_EQ(compare_command(o, out, err), 1) << err.str();
  o.fail_on = "never";  // a flag wins over the file
  EXPECT_EQ(compare_command(o, out, err), 0) << err.str();
  o.fail_on.reset();
  o.config_path = write("bad.yaml", "alpha: 0.01\nfail-on: regression\n");
  std::ostringstream err2;
  EXPECT_EQ(compare_command(o, out, err2), 2);
  EXPECT_THAT(err2.str(), HasSubstr("bad.yaml:2"));
  EXPECT_THAT(err2.str(), HasSubstr("fail-on"));
}

// 10 vs 10 runs of one task, all passed: from the assumed 0.90 a drop of 59 points is needed
// (Python enumeration), so a 20% limit makes the gate inconclusive: exit 3.
TEST_F(CompareCommandTest, MinDetectableDropFromTheFileOrTheFlag) {
  CompareCommandOptions o;
  o.baseline_path = results("base.json", 10, 10);
  o.candidate_path = results("cand.json", 10, 10);
  o.config_path = write("gate.yaml", "fail_on: regression\nmin_detectable_drop: 20%\n");
  std::ostringstream out, err;
  EXPECT_EQ(compare_command(o, out, err), 3) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("overall 59 points from an assumed 90% (observed 100%); 10 vs 10 runs"));
  EXPECT_THAT(out.str(), HasSubstr("gate: INCONCLUSIVE"));
  o.min_detectable_drop = "0.6";  // the flag wins: 59 points are within 60
  EXPECT_EQ(compare_command(o, out, err), 0) << err.str();
  o.min_detectable_drop = "0%";
  std::ostringstream err2;
  EXPECT_EQ(compare_command(o, out, err2), 2);
  EXPECT_THAT(err2.str(), HasSubstr("--min-detectable-drop"));
}

TEST_F(CompareCommandTest, RefusesOtherSchemaNoSharedTaskAndUnknownModel) {
  CompareCommandOptions o;
  o.baseline_path = results("base.json", 10, 10);
  std::ostringstream out, err;
  o.candidate_path = results("v2.json", 10, 10, 2);
  EXPECT_EQ(compare_command(o, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("schema_version"));
  o.candidate_path = results("other.json", 10, 10, 1, "other");
  EXPECT_EQ(compare_command(o, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("share no task"));
  o.candidate_path = results("cand.json", 10, 10);
  o.candidate_model = "nope";
  EXPECT_EQ(compare_command(o, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("no model 'nope'"));
  o.candidate_model.clear();
  o.max_latency_increase = "lots";
  EXPECT_EQ(compare_command(o, out, err), 2);
}

// Results files can be edited by anyone: a task id or a model name in one cannot print lines
// of its own or escape sequences, neither in the table nor in an error.
TEST_F(CompareCommandTest, TextFromResultsFilesCannotForgeConsoleLines) {
  const std::string forged = "t\n[  PASSED  ] fake\x1b[8m";
  CompareCommandOptions o;
  o.baseline_path = results("base.json", 10, 10, 1, forged);
  o.candidate_path = results("cand.json", 2, 10, 1, forged);
  std::ostringstream out, err;
  EXPECT_EQ(compare_command(o, out, err), 0) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("t\\n[  PASSED  ] fake\\x1b[8m"));
  o.candidate_model = "m\x1b[2J\nwarning: fake";
  EXPECT_EQ(compare_command(o, out, err), 2);
  EXPECT_THAT(err.str(), HasSubstr("no model 'm\\x1b[2J\\nwarning: fake'"));
  for (const std::string& text : {out.str(), err.str()}) {
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      EXPECT_THAT(line, Not(::testing::StartsWith("[  PASSED  ]")));
      EXPECT_THAT(line, Not(::testing::StartsWith("warning: fake")));
    }
  }
}

}  // namespace
}  // namespace goodput
