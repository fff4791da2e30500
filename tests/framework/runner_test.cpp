// The verdict of a run: error beats fail beats pass, and transport errors skip the checks.
#include <gtest/gtest.h>

#include "goodput/runner.hpp"

namespace goodput {
namespace {

class FixedChecker final : public checkers::Checker {
 public:
  explicit FixedChecker(checkers::Outcome outcome) : m_outcome(outcome) {}
  checkers::CheckResult check(const Completion&) const override { return {m_outcome, "fixed"}; }
  std::string describe() const override { return "fixed"; }

 private:
  checkers::Outcome m_outcome;
};

class ThrowingChecker final : public checkers::Checker {
 public:
  checkers::CheckResult check(const Completion&) const override { throw std::runtime_error("boom"); }
  std::string describe() const override { return "throws"; }
};

TaskSpec task_with(std::vector<std::shared_ptr<const checkers::Checker>> list) {
  TaskSpec task;
  task.suite = "s";
  task.name = "t";
  for (auto& c : list) {
    AssertionSpec a;
    a.type = "fixed";
    a.checker = std::move(c);
    task.assertions.push_back(std::move(a));
  }
  return task;
}

Verdict verdict_of(const TaskSpec& task, ErrorKind error = ErrorKind::none) {
  RunRecord run;
  run.task = &task;
  run.completion.error.kind = error;
  judge(run);
  if (error != ErrorKind::none) {
    EXPECT_TRUE(run.checks.empty());
  }
  return run.verdict;
}

TEST(Judge, AllPassIsPass) {
  const auto task = task_with({std::make_shared<FixedChecker>(checkers::Outcome::pass), std::make_shared<FixedChecker>(checkers::Outcome::pass)});
  EXPECT_EQ(verdict_of(task), Verdict::pass);
}

TEST(Judge, OneFailIsFail) {
  const auto task = task_with({std::make_shared<FixedChecker>(checkers::Outcome::pass), std::make_shared<FixedChecker>(checkers::Outcome::fail)});
  EXPECT_EQ(verdict_of(task), Verdict::fail);
}

TEST(Judge, TransportErrorIsAnErrorAndNoCheckRuns) {
  const auto task = task_with({std::make_shared<ThrowingChecker>()});
  EXPECT_EQ(verdict_of(task, ErrorKind::connect), Verdict::error);
}

TEST(Judge, ACheckerThatCannotJudgeIsAnErrorNotAFailure) {
  const auto task = task_with({std::make_shared<FixedChecker>(checkers::Outcome::fail), std::make_shared<ThrowingChecker>()});
  RunRecord run;
  run.task = &task;
  judge(run);
  EXPECT_EQ(run.verdict, Verdict::error);
  ASSERT_EQ(run.checks.size(), 2u);
  EXPECT_NE(run.checks[1].message.find("boom"), std::string::npos);
}


// Weights 3, 1, 1 with the first failing: 2 of 5 passed.
TaskSpec weighted(std::optional<double> threshold, checkers::Outcome third = checkers::Outcome::pass) {
  TaskSpec task = task_with({std::make_shared<FixedChecker>(checkers::Outcome::fail), std::make_shared<FixedChecker>(checkers::Outcome::pass),
                             std::make_shared<FixedChecker>(third)});
  task.assertions[0].weight = 3;
  task.threshold = threshold;
  return task;
}

RunRecord judged(const TaskSpec& task) {
  RunRecord run;
  run.task = &task;
  judge(run);
  return run;
}

TEST(Judge, ThresholdPassesOnTheWeightedShare) {
  const auto at_40 = weighted(0.4);
  const RunRecord run = judged(at_40);
  EXPECT_EQ(run.verdict, Verdict::pass);
  ASSERT_TRUE(run.score.has_value());
  EXPECT_DOUBLE_EQ(*run.score, 0.4);
  EXPECT_EQ(verdict_of(weighted(0.5)), Verdict::fail);
}

TEST(Judge, WithoutAThresholdEveryAssertionMustPassAndTheScoreIsRecorded) {
  const auto task = weighted(std::nullopt);
  const RunRecord run = judged(task);
  EXPECT_EQ(run.verdict, Verdict::fail);
  ASSERT_TRUE(run.score.has_value());
  EXPECT_DOUBLE_EQ(*run.score, 0.4);
  // An unweighted task records no score: its verdict says it all.
  const auto plain = task_with({std::make_shared<FixedChecker>(checkers::Outcome::pass)});
  EXPECT_FALSE(judged(plain).score.has_value());
}

TEST(Judge, AnErrorStaysAnErrorWhateverTheThreshold) {
  const auto task = weighted(0.1, checkers::Outcome::error);
  const RunRecord run = judged(task);
  EXPECT_EQ(run.verdict, Verdict::error);
  EXPECT_FALSE(run.score.has_value());
}


RunRecord cut_run(const TaskSpec& task, std::string answer, std::string reasoning, goodput::StopReason stop) {
  RunRecord run;
  run.task = &task;
  run.completion.answer = std::move(answer);
  run.completion.reasoning = std::move(reasoning);
  run.completion.stop_reason = stop;
  judge(run);
  return run;
}

TEST(Judge, ReasoningCutByTheLimitIsTruncatedAndNoCheckRuns) {
  auto task = task_with({std::make_shared<ThrowingChecker>()});
  task.params = {{"max_tokens", 256}};
  const RunRecord run = cut_run(task, " \n", "We need to compute", StopReason::length);
  EXPECT_EQ(run.verdict, Verdict::truncated);
  EXPECT_EQ(to_string(run.verdict), "truncated");
  ASSERT_EQ(run.checks.size(), 1u);
  EXPECT_EQ(run.checks[0].outcome, checkers::Outcome::fail);
  EXPECT_EQ(run.checks[0].message, "the token limit (max_tokens=256) cut the reasoning before any answer; raise max_tokens");
}

TEST(Judge, TruncatedNamesTheModelsLimitWhenItOverridesTheTasks) {
  auto task = task_with({std::make_shared<ThrowingChecker>()});
  task.params = {{"max_tokens", 256}};
  ModelSpec model;
  model.params = {{"max_tokens", 1024}};
  RunRecord run;
  run.task = &task;
  run.model = &model;
  run.completion.reasoning = "thinking";
  run.completion.stop_reason = StopReason::length;
  judge(run);
  EXPECT_EQ(run.verdict, Verdict::truncated);
  EXPECT_NE(run.checks[0].message.find("max_tokens=1024"), std::string::npos);
}

TEST(Judge, TruncatedWithoutAKnownLimit) {
  const auto task = task_with({std::make_shared<ThrowingChecker>()});
  const RunRecord run = cut_run(task, "", "thinking", StopReason::length);
  EXPECT_EQ(run.verdict, Verdict::truncated);
  EXPECT_EQ(run.checks[0].message, "the token limit cut the reasoning before any answer; raise max_tokens");
}

TEST(Judge, NotTruncatedWhenThereIsAnAnswerOrNoReasoningOrAnotherStop) {
  const auto task = task_with({std::make_shared<FixedChecker>(checkers::Outcome::fail)});
  // A partial answer cut by the limit is judged like any answer.
  EXPECT_EQ(cut_run(task, "The herd i", "thinking", StopReason::length).verdict, Verdict::fail);
  // No reasoning at all: the model answered nothing; that is for the checkers.
  EXPECT_EQ(cut_run(task, "", "", StopReason::length).verdict, Verdict::fail);
  EXPECT_EQ(cut_run(task, "", "thinking", StopReason::stop).verdict, Verdict::fail);
}

TEST(Judge, TransportErrorBeatsTruncated) {
  const auto task = task_with({std::make_shared<FixedChecker>(checkers::Outcome::pass)});
  RunRecord run;
  run.task = &task;
  run.completion.reasoning = "thinking";
  run.completion.stop_reason = StopReason::length;
  run.completion.error.kind = ErrorKind::timeout;
  judge(run);
  EXPECT_EQ(run.verdict, Verdict::error);
}

TEST(Verdict, ToString) {
  EXPECT_EQ(to_string(Verdict::pass), "pass");
  EXPECT_EQ(to_string(Verdict::fail), "fail");
  EXPECT_EQ(to_string(Verdict::error), "error");
  EXPECT_EQ(to_string(Verdict::truncated), "truncated");
}

}  // namespace
}  // namespace goodput
