// Aggregates against hand-computed values.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "goodput/stats.hpp"

namespace goodput {
namespace {

TEST(Samples, PercentilesInterpolateLinearlyLikeNumpy) {
  Samples s;
  for (double v : {4.0, 1.0, 3.0, 2.0}) s.add(v);
  EXPECT_DOUBLE_EQ(*s.median(), 2.5);
  EXPECT_DOUBLE_EQ(*s.percentile(90), 3.7);  // numpy.percentile([1,2,3,4], 90)
  EXPECT_DOUBLE_EQ(*s.percentile(0), 1.0);
  EXPECT_DOUBLE_EQ(*s.percentile(100), 4.0);
  EXPECT_DOUBLE_EQ(*s.mean(), 2.5);
  s.add(std::nullopt);  // a missing measurement is not a zero
  EXPECT_EQ(s.size(), 4u);
  EXPECT_FALSE(Samples{}.median().has_value());
}

// One value is kept apart from many (Samples in stats.hpp): none, one, two and more read alike, and a
// copy, or what it was copied from, grows on its own.
TEST(Samples, NoneOneAndManyValuesAndCopiesOfThem) {
  Samples s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.values(), std::vector<double>{});
  EXPECT_FALSE(s.mean().has_value());
  EXPECT_EQ(s.sum(), 0.0);
  s.add(2.0);
  EXPECT_EQ(s.values(), std::vector<double>{2.0});
  EXPECT_EQ(*s.median(), 2.0);
  EXPECT_EQ(*s.mean(), 2.0);
  Samples one = s;
  s.add(4.0);
  EXPECT_EQ(s.values(), (std::vector<double>{2.0, 4.0}));
  EXPECT_EQ(one.values(), std::vector<double>{2.0});
  Samples many = s;
  many.add(9.0);
  s.add(6.0);
  EXPECT_EQ(many.values(), (std::vector<double>{2.0, 4.0, 9.0}));
  EXPECT_EQ(s.values(), (std::vector<double>{2.0, 4.0, 6.0}));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.sum(), 12.0);
  EXPECT_EQ(*s.median(), 4.0);
  one = many;
  EXPECT_EQ(one.values(), many.values());
  many = Samples{};
  EXPECT_EQ(many.size(), 0u);
  EXPECT_EQ(one.size(), 3u);
}

struct Fixture {
  ModelSpec model;
  TaskSpec task_a, task_b;
  Fixture() {
    model.name = "m";
    task_a.suite = task_b.suite = "s";
    task_a.name = "a";
    task_b.name = "b";
  }
  RunRecord run(const TaskSpec& task, Verdict verdict, double e2e, double ttft = 0.5) {
    RunRecord r;
    r.model = &model;
    r.task = &task;
    r.verdict = verdict;
    r.completion.metrics.e2e_s = e2e;
    r.completion.metrics.ttft_s = ttft;
    r.completion.tokens.completion = 100;
    if (verdict == Verdict::error) r.completion.error.kind = ErrorKind::connect;
    return r;
  }
  // Cut by the token limit before any answer: judged, not passed.
  RunRecord cut(const TaskSpec& task, double e2e) {
    RunRecord r = run(task, Verdict::truncated, e2e);
    r.completion.stop_reason = StopReason::length;
    return r;
  }
};

// README "Pass rate per task": errors (and samples not run) are neither passes nor failures;
// the verdict is given only when they could not change it.
TEST(TaskModelVerdict, ErrorsDecideNothingUnlessTheyCouldChangeTheVerdict) {
  Fixture f;
  const auto verdict_of = [&](int passed, int failed, int errors, int samples, double rate) {
    RunStats s;
    for (int i = 0; i < passed; ++i) s.add(f.run(f.task_a, Verdict::pass, 1));
    for (int i = 0; i < failed; ++i) s.add(f.run(f.task_a, Verdict::fail, 1));
    for (int i = 0; i < errors; ++i) s.add(f.run(f.task_a, Verdict::error, 1));
    return task_model_verdict(s, samples, rate);
  };
  EXPECT_EQ(verdict_of(7, 3, 0, 10, 0.7).verdict, Verdict::pass);  // the share itself passes
  EXPECT_EQ(verdict_of(7, 3, 0, 10, 0.8).verdict, Verdict::fail);
  EXPECT_EQ(verdict_of(8, 1, 1, 10, 0.8).verdict, Verdict::pass);   // 8 of 10 even if the error had failed
  EXPECT_EQ(verdict_of(7, 2, 1, 10, 0.8).verdict, Verdict::error);  // the error decides: undecided
  EXPECT_EQ(verdict_of(6, 3, 1, 10, 0.8).verdict, Verdict::fail);   // 7 of 10 at best
  EXPECT_EQ(verdict_of(5, 0, 0, 10, 0.8).verdict, Verdict::error);  // five samples not run
  EXPECT_EQ(verdict_of(0, 0, 3, 3, 0).verdict, Verdict::pass);      // nothing needed
  EXPECT_EQ(verdict_of(3, 0, 0, 3, 1).verdict, Verdict::pass);
  const TaskModelVerdict truncated = [&] {
    RunStats s;
    s.add(f.run(f.task_a, Verdict::pass, 1));
    s.add(f.cut(f.task_a, 1));  // judged and not passed, as in the pass rate
    return task_model_verdict(s, 2, 0.6);
  }();
  EXPECT_EQ(truncated.verdict, Verdict::fail);
  EXPECT_EQ(to_string(verdict_of(9, 1, 0, 10, 0.8)), "9/10 ≥ 80%");
  EXPECT_EQ(to_string(verdict_of(6, 3, 1, 10, 0.8)), "6/10 < 80% (1 error)");
  EXPECT_EQ(to_string(verdict_of(7, 1, 2, 10, 0.8)), "7/10 with 2 errors: undecided at 80%");
  const TaskModelVerdict counts = verdict_of(7, 2, 1, 10, 0.8);
  EXPECT_EQ(counts.samples, 10);
  EXPECT_EQ(counts.passed, 7);
  EXPECT_EQ(counts.judged, 9);
  EXPECT_EQ(counts.errors, 1);
}

TEST(RunStats, ErrorsAreCountedApartAndNotInThePassRate) {
  Fixture f;
  RunStats s;
  s.add(f.run(f.task_a, Verdict::pass, 10));
  s.add(f.run(f.task_a, Verdict::fail, 20));
  s.add(f.run(f.task_a, Verdict::error, 999));
  EXPECT_EQ(s.runs, 3);
  EXPECT_EQ(s.errors, 1);
  EXPECT_DOUBLE_EQ(*s.pass_rate(), 0.5);
  EXPECT_DOUBLE_EQ(*s.e2e_s.mean(), 15);  // the error's timing is excluded
  EXPECT_DOUBLE_EQ(*s.time_to_correct_s(), 30);  // 15 s / 0.5
}

TEST(RunStats, TimeToCorrectIsInfiniteWhenNothingPassed) {
  Fixture f;
  RunStats s;
  s.add(f.run(f.task_a, Verdict::fail, 3));
  EXPECT_TRUE(std::isinf(*s.time_to_correct_s()));
  RunStats only_errors;
  only_errors.add(f.run(f.task_a, Verdict::error, 3));
  EXPECT_FALSE(only_errors.pass_rate().has_value());
  EXPECT_FALSE(only_errors.time_to_correct_s().has_value());
}

// DESIGN.md's time to a correct answer, L / p, at its edges.
TEST(RunStats, TimeToCorrectIsInfiniteWhenNothingPassedEvenWithoutALatency) {
  Fixture f;
  RunRecord silent = f.run(f.task_a, Verdict::fail, 0);
  silent.completion.metrics.e2e_s.reset();  // failed before any token
  RunStats s;
  s.add(silent);
  ASSERT_TRUE(s.time_to_correct_s().has_value());
  EXPECT_TRUE(std::isinf(*s.time_to_correct_s()));
}

TEST(RunStats, TimeToCorrectAndSecondsPerCorrectAreUnknownWhenRunsPassedButNoneWasTimed) {
  Fixture f;
  RunRecord unmeasured = f.run(f.task_a, Verdict::pass, 0);
  unmeasured.completion.metrics.e2e_s.reset();  // and no stream end either
  RunStats s;
  s.add(unmeasured);
  EXPECT_DOUBLE_EQ(*s.pass_rate(), 1.0);
  EXPECT_FALSE(s.time_to_correct_s().has_value());
  EXPECT_FALSE(s.seconds_per_correct().seconds.has_value());
  EXPECT_EQ(s.seconds_per_correct().missing, SecondsPerCorrect::Missing::no_time_measured);
}

// README "Metrics": seconds per correct answer = summed time of the judged runs / passed runs.
TEST(ModelStats, SecondsPerCorrectStaysFiniteWithAnUnsolvedTask) {
  Fixture f;
  TaskSpec task_c;
  task_c.suite = "s";
  task_c.name = "c";
  StatsCollector c;
  c.add(f.run(f.task_a, Verdict::pass, 4));
  c.add(f.run(f.task_a, Verdict::fail, 6));
  c.add(f.run(f.task_b, Verdict::fail, 2));  // b never passes
  c.add(f.run(f.task_b, Verdict::fail, 3));
  c.add(f.run(task_c, Verdict::pass, 5));
  c.add(f.run(task_c, Verdict::error, 100));  // an error is not judged: its time is left out
  const ModelStats& m = c.models().at("m");
  // (4 + 6 + 2 + 3 + 5) s of judged runs / 2 passed = 10 s.
  const SecondsPerCorrect per_correct = m.seconds_per_correct();
  ASSERT_TRUE(per_correct.seconds.has_value());
  EXPECT_DOUBLE_EQ(*per_correct.seconds, 10);
  EXPECT_EQ(per_correct.missing, SecondsPerCorrect::Missing::none);
  EXPECT_EQ(m.tasks_never_passed(), 1);
  const JudgedTime time = m.all.judged_time();
  EXPECT_EQ(time.judged, 5);
  EXPECT_EQ(time.passed, 2);
  EXPECT_EQ(time.timed, 5);
  EXPECT_DOUBLE_EQ(time.total_s, 20);
  EXPECT_NEAR(*m.all.passed_per_minute(), 2 / (20.0 / 60), 1e-12);  // its reciprocal, per minute
  // Per task the time to a correct answer stays mean e2e / pass rate, infinite for b.
  EXPECT_DOUBLE_EQ(*m.per_task.at("s.a").time_to_correct_s(), 10);  // 5 s / 0.5
  EXPECT_TRUE(std::isinf(*m.per_task.at("s.b").time_to_correct_s()));
  // Over a set of tasks (compare's sides): the same sums.
  const JudgedTime ab = judged_time({&m.per_task.at("s.a"), &m.per_task.at("s.b")});
  EXPECT_DOUBLE_EQ(*seconds_per_correct(ab).seconds, 15);  // (4 + 6 + 2 + 3) s / 1 passed
  EXPECT_EQ(tasks_never_passed({&m.per_task.at("s.a"), &m.per_task.at("s.b")}), 1);
}

TEST(ModelStats, SecondsPerCorrectWithNoPassAtAllHasNoValueAndSaysWhy) {
  Fixture f;
  StatsCollector c;
  c.add(f.run(f.task_a, Verdict::fail, 3));
  c.add(f.cut(f.task_b, 2));
  const ModelStats& m = c.models().at("m");
  const SecondsPerCorrect per_correct = m.seconds_per_correct();
  EXPECT_FALSE(per_correct.seconds.has_value());
  EXPECT_EQ(per_correct.missing, SecondsPerCorrect::Missing::no_correct_answer);
  EXPECT_EQ(to_string(per_correct.missing), "no correct answer");
  EXPECT_EQ(m.tasks_never_passed(), 2);
  EXPECT_DOUBLE_EQ(m.all.judged_time().total_s, 5);
  EXPECT_DOUBLE_EQ(*m.all.passed_per_minute(), 0);
}

TEST(ModelStats, SecondsPerCorrectLeavesErrorsOut) {
  Fixture f;
  StatsCollector c;
  c.add(f.run(f.task_a, Verdict::error, 50));
  EXPECT_EQ(c.models().at("m").seconds_per_correct().missing, SecondsPerCorrect::Missing::no_judged_run);
  EXPECT_EQ(c.models().at("m").tasks_never_passed(), 0);  // errors only: no evidence either way
  c.add(f.run(f.task_a, Verdict::pass, 2));
  c.add(f.run(f.task_a, Verdict::error, 70));
  EXPECT_DOUBLE_EQ(*c.models().at("m").seconds_per_correct().seconds, 2);  // 2 s / 1, the errors' 120 s left out
}

// A judged run without an end-to-end time (no token arrived: an empty answer) counts the time
// until its stream ended; one with neither figure adds nothing.
TEST(ModelStats, SecondsPerCorrectCountsARunWithoutE2eByItsStreamEnd) {
  Fixture f;
  RunRecord silent = f.run(f.task_b, Verdict::fail, 0);
  silent.completion.metrics.e2e_s.reset();
  silent.completion.times.end = 1.5;  // the server closed the empty stream after 1.5 s
  StatsCollector c;
  c.add(f.run(f.task_a, Verdict::pass, 4));
  c.add(silent);
  const ModelStats& m = c.models().at("m");
  EXPECT_DOUBLE_EQ(*m.seconds_per_correct().seconds, 5.5);  // (4 + 1.5) s / 1 passed
  EXPECT_EQ(m.all.e2e_s.size(), 1u);                         // the e2e figures stay those measured
  EXPECT_EQ(m.tasks_never_passed(), 1);
  RunRecord unmeasured = silent;
  unmeasured.completion.times.end = 0;  // e.g. a stored run whose file lacks both figures
  c.add(unmeasured);
  EXPECT_DOUBLE_EQ(*c.models().at("m").seconds_per_correct().seconds, 5.5);
  EXPECT_EQ(c.models().at("m").all.judged_time().judged, 3);
  EXPECT_EQ(c.models().at("m").all.judged_time().timed, 2);
}

TEST(RunStats, TruncatedRunsAreCountedApartAndJudgedNotPassed) {
  Fixture f;
  RunStats s;
  s.add(f.run(f.task_a, Verdict::pass, 10));
  s.add(f.cut(f.task_a, 30));
  s.add(f.run(f.task_a, Verdict::error, 999));
  EXPECT_EQ(s.runs, 3);
  EXPECT_EQ(s.passed, 1);
  EXPECT_EQ(s.failed, 0);  // not a wrong answer
  EXPECT_EQ(s.cut_before_answer, 1);
  EXPECT_EQ(s.truncated, 1);  // stop reason `length`
  EXPECT_EQ(s.errors, 1);
  EXPECT_EQ(s.judged(), 2);
  EXPECT_DOUBLE_EQ(*s.pass_rate(), 0.5);
  EXPECT_DOUBLE_EQ(*s.e2e_s.mean(), 20);  // the truncated run's time counts: the model ran
  EXPECT_DOUBLE_EQ(*s.time_to_correct_s(), 40);
}

TEST(ModelStats, ATaskOnlyEverTruncatedNeverPassed) {
  Fixture f;
  StatsCollector c;
  c.add(f.run(f.task_a, Verdict::truncated, 5));
  const ModelStats& m = c.models().at("m");
  EXPECT_EQ(m.tasks_never_passed(), 1);
  EXPECT_EQ(m.seconds_per_correct().missing, SecondsPerCorrect::Missing::no_correct_answer);
}

TEST(RunStats, IntervalsAndPassAtKOverTheJudgedRuns) {
  Fixture f;
  RunStats s;
  for (int i = 0; i < 7; ++i) s.add(f.run(f.task_a, Verdict::pass, 10));
  s.add(f.run(f.task_a, Verdict::fail, 10));
  s.add(f.run(f.task_a, Verdict::error, 10));  // not a sample: excluded from every estimator
  ASSERT_EQ(s.judged(), 8);
  EXPECT_NEAR(s.pass_rate_ci95()->lo, 0.5291, 1e-4);
  EXPECT_NEAR(s.pass_rate_ci95()->hi, 0.9776, 1e-4);
  EXPECT_DOUBLE_EQ(*s.pass_at_k(1), 7.0 / 8);
  EXPECT_DOUBLE_EQ(*s.pass_at_k(2), 1.0);  // one failure cannot fill a draw of 2
  EXPECT_NEAR(*s.pass_hat_k(2), 7.0 * 6 / (8.0 * 7), 1e-12);
  EXPECT_FALSE(s.pass_at_k(9).has_value());  // k > n
  EXPECT_FALSE(s.goodput().has_value());     // no SLO set
  EXPECT_NEAR(*s.passed_per_minute(), 7.0 / (80.0 / 60), 1e-12);
  EXPECT_FALSE(RunStats{}.pass_rate_ci95().has_value());
}

TEST(RunStats, LatencyDistributions) {
  Fixture f;
  RunStats s;
  for (int i = 1; i <= 10; ++i) s.add(f.run(f.task_a, Verdict::pass, i));
  EXPECT_NEAR(*s.e2e_s.percentile(90), 9.1, 1e-12);
  EXPECT_NEAR(*s.e2e_s.percentile(99), 9.91, 1e-12);
  EXPECT_DOUBLE_EQ(*s.e2e_s.mean(), 5.5);
  EXPECT_DOUBLE_EQ(s.e2e_s.sum(), 55);
}

TEST(RunStats, GoodputCountsPassedRunsWithinEveryLimit) {
  Fixture f;
  Slo slo;
  slo.ttft_s = 1.0;
  slo.e2e_s = 20.0;
  StatsCollector c(slo);
  c.add(f.run(f.task_a, Verdict::pass, 10, 0.5));   // good
  c.add(f.run(f.task_a, Verdict::pass, 10, 1.5));   // passed, TTFT over the limit
  c.add(f.run(f.task_a, Verdict::pass, 25, 0.5));   // passed, e2e over the limit
  c.add(f.run(f.task_a, Verdict::fail, 5, 0.1));    // within limits but wrong
  c.add(f.run(f.task_b, Verdict::pass, 20, 1.0));   // good: limits are inclusive
  c.add(f.run(f.task_b, Verdict::error, 1, 0.1));   // not judged
  const ModelStats& m = c.models().at("m");
  EXPECT_EQ(m.all.met_slo, 2);
  EXPECT_EQ(m.all.judged(), 5);
  EXPECT_DOUBLE_EQ(*m.all.goodput(), 0.4);
  EXPECT_DOUBLE_EQ(*m.per_task.at("s.a").goodput(), 0.25);
  EXPECT_DOUBLE_EQ(*m.per_task.at("s.b").goodput(), 1.0);
  EXPECT_NEAR(m.all.goodput_ci95()->lo, wilson_interval(2, 5).lo, 1e-12);
  // 4 passed over (10 + 10 + 25 + 5 + 20) s = 70 s of model time.
  EXPECT_NEAR(*m.all.passed_per_minute(), 4 / (70.0 / 60), 1e-12);
}

TEST(ModelStats, PassAtKIsTheMeanOverTasksForKUpToEveryTasksN) {
  Fixture f;
  StatsCollector c;
  // a: n = 4, c = 1; b: n = 2, c = 2.
  c.add(f.run(f.task_a, Verdict::pass, 1));
  for (int i = 0; i < 3; ++i) c.add(f.run(f.task_a, Verdict::fail, 1));
  c.add(f.run(f.task_b, Verdict::pass, 1));
  c.add(f.run(f.task_b, Verdict::pass, 1));
  const ModelStats& m = c.models().at("m");
  EXPECT_EQ(m.reported_ks(), (std::vector<int>{1, 2}));
  EXPECT_DOUBLE_EQ(*m.pass_at_k(1), (0.25 + 1.0) / 2);
  EXPECT_DOUBLE_EQ(*m.pass_at_k(2), ((1 - 3.0 / 6) + 1.0) / 2);  // a: 1 - C(3,2)/C(4,2)
  EXPECT_DOUBLE_EQ(*m.pass_hat_k(2), (0.0 + 1.0) / 2);
  EXPECT_FALSE(m.pass_at_k(3).has_value());  // b has only 2 samples
  // The pooled pass rate is over all judged runs, not the mean of the tasks' rates.
  EXPECT_DOUBLE_EQ(*m.all.pass_rate(), 3.0 / 6);
}

}  // namespace
}  // namespace goodput
