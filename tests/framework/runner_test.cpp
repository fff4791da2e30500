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

}  // namespace
}  // namespace goodput
