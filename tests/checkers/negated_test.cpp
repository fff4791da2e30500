// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using testing::params;

// A checker whose outcome is fixed, to see what negation does with each.
class Fixed final : public Checker {
 public:
  explicit Fixed(Outcome outcome) : m_outcome(outcome) {}
  CheckResult check(const Completion&) const override {
    CheckResult result{m_outcome, "fixed: " + std::string(to_string(m_outcome))};
    result.parts.push_back({"part", m_outcome, "p"});
    return result;
  }
  std::string describe() const override { return "fixed"; }

 private:
  Outcome m_outcome;
};

TEST(Negated, TurnsPassAndFailAroundAndKeepsErrors) {
  EXPECT_EQ(negated(std::make_unique<Fixed>(Outcome::pass))->check({}).outcome, Outcome::fail);
  EXPECT_EQ(negated(std::make_unique<Fixed>(Outcome::fail))->check({}).outcome, Outcome::pass);
  const CheckResult error = negated(std::make_unique<Fixed>(Outcome::error))->check({});
  EXPECT_EQ(error.outcome, Outcome::error);
  EXPECT_EQ(error.message, "fixed: error");
  EXPECT_EQ(negated(std::make_unique<Fixed>(Outcome::fail))->check({}).parts.at(0).outcome, Outcome::pass);
}

TEST(Negated, KeepsWhatTheCheckerFound) {
  const auto checker = negated(testing::make_checker("contains", params({{"value", std::string("London")}})));
  const CheckResult result = checker->check(testing::answer("Paris, not London"));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message, "not contains: found 'London' at character 12");
  EXPECT_EQ(checker->describe(), "not: contains 'London'");
  EXPECT_EQ(checker->check(testing::answer("Paris")).outcome, Outcome::pass);
}

TEST(Negated, OnlyTextAssertionsAreNegatable) {
  for (const char* name : {"contains", "icontains", "equals", "regex", "number", "list-count", "length", "json"}) {
    EXPECT_TRUE(find_checker_type(name)->negatable) << name;
  }
  for (const char* name : {"max-latency", "stop-reason", "python-compiles", "python-passes", "python", "not-contains"}) {
    EXPECT_FALSE(find_checker_type(name)->negatable) << name;
  }
}

}  // namespace
}  // namespace goodput::checkers
