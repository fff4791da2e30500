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

TEST(Icontains, IgnoresAsciiCase) {
  const CheckResult result = run("icontains", params({{"value", "herd immunity"s}}), "The Herd Immunity threshold");
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("at character 5 as 'Herd Immunity'"));
}

TEST(Icontains, FoldsFullWidthFormsOnBothSides) {
  EXPECT_EQ(run("icontains", params({{"value", "60%"s}}), "答えは６０％です").outcome, Outcome::pass);
  EXPECT_EQ(run("icontains", params({{"value", "６０％"s}}), "答えは60%です").outcome, Outcome::pass);
  EXPECT_EQ(run("icontains", params({{"value", "ai"s}}), "ＡＩでできること").outcome, Outcome::pass);
}

TEST(Icontains, ReportsThePositionInTheOriginalText) {
  const CheckResult result = run("icontains", params({{"value", "r0"s}}), "基本再生産数Ｒ０は2.5");
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("at character 7 as 'Ｒ０'"));
}

TEST(Icontains, LeavesJapaneseAlone) {
  // Hiragana and katakana are different words here, not case variants.
  EXPECT_EQ(run("icontains", params({{"value", "わくちん"s}}), "ワクチン").outcome, Outcome::fail);
}

TEST(Icontains, FailureSaysWhatWasIgnored) {
  const CheckResult result = run("icontains", params({{"value", "vaccine"s}}), "no match here");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("'vaccine' not found in the answer, even ignoring case and full-width forms"));
}

TEST(Icontains, RejectsAnEmptyValue) {
  EXPECT_EQ(param_error_field("icontains", params({{"value", ""s}})), "value");
}

}  // namespace
}  // namespace goodput::checkers
