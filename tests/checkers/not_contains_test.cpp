// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using testing::param_error_field;
using testing::params;
using testing::run;

TEST(NotContains, PassesWhenTheValueIsAbsent) {
  const CheckResult result = run("not-contains", params({{"value", "TODO"s}}), "def f(): return 1");
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("does not appear"));
}

TEST(NotContains, FailsAndShowsTheFirstOccurrenceInContext) {
  const CheckResult result =
      run("not-contains", params({{"value", "申し訳"s}}), "はい。申し訳ありませんが、申し訳ない");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("found '申し訳' 2 times, first at character 4"));
  EXPECT_THAT(result.message, HasSubstr("'はい。申し訳ありませんが"));
}

TEST(NotContains, SaysOnceForASingleOccurrence) {
  const CheckResult result = run("not-contains", params({{"value", "x"s}}), "abcxdef");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("found 'x' once, first at character 4"));
}

TEST(NotContains, IsCaseSensitive) {
  EXPECT_EQ(run("not-contains", params({{"value", "todo"s}}), "TODO").outcome, Outcome::pass);
}

TEST(NotContains, ContextAroundAMatchDeepInALongAnswerIsCut) {
  const std::string text = std::string(300, 'a') + "BAD" + std::string(300, 'b');
  const CheckResult result = run("not-contains", params({{"value", "BAD"s}}), text);
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("'…" + std::string(20, 'a') + "BAD" + std::string(20, 'b') + "…'"));
}

TEST(NotContains, RejectsAnEmptyValue) {
  EXPECT_EQ(param_error_field("not-contains", params({{"value", ""s}})), "value");
}

}  // namespace
}  // namespace goodput::checkers
