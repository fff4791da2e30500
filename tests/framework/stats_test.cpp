// Aggregates against hand-computed values.
#include <cmath>

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
};

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

TEST(ModelStats, SuiteTimeToCorrectSumsTasks) {
  Fixture f;
  StatsCollector c;
  c.on_run_end(f.run(f.task_a, Verdict::pass, 4));
  c.on_run_end(f.run(f.task_a, Verdict::fail, 6));   // a: mean 5 / 0.5 = 10
  c.on_run_end(f.run(f.task_b, Verdict::pass, 2));   // b: 2 / 1 = 2
  const ModelStats& m = c.models().at("m");
  EXPECT_DOUBLE_EQ(*m.suite_time_to_correct_s(), 12);
  EXPECT_EQ(m.tasks_never_passed(), 0);
  c.on_run_end(f.run(f.task_b, Verdict::fail, 2));
  c.on_run_end(f.run(f.task_b, Verdict::fail, 2));  // b: 2 / (1/3) = 6
  EXPECT_DOUBLE_EQ(*c.models().at("m").suite_time_to_correct_s(), 16);
}


TEST(RunStats, TruncatedRunsAreCountedApartAndJudgedNotPassed) {
  Fixture f;
  RunStats s;
  s.add(f.run(f.task_a, Verdict::pass, 10));
  RunRecord cut = f.run(f.task_a, Verdict::truncated, 30);
  cut.completion.stop_reason = StopReason::length;
  s.add(cut);
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
  c.on_run_end(f.run(f.task_a, Verdict::truncated, 5));
  const ModelStats& m = c.models().at("m");
  EXPECT_EQ(m.tasks_never_passed(), 1);
  EXPECT_TRUE(std::isinf(*m.suite_time_to_correct_s()));
}

}  // namespace
}  // namespace goodput
