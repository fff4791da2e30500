// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using testing::param_error_field;
using testing::params;
using testing::run;

TEST(Number, AcceptsEveryWayOfWritingTheExpectedValue) {
  for (const char* text : {"追加で100,000人", "追加で100000人", "追加で10万人", "追加で１０万人",
                           "an additional 100 thousand people", "additional 100k doses"}) {
    EXPECT_EQ(run("number", params({{"expected", std::int64_t{100000}}}), text).outcome, Outcome::pass) << text;
  }
}

TEST(Number, DoesNotConfuseNearbyMagnitudes) {
  for (const char* text : {"100,000,000人", "1,000,000人", "10人", "100人", "1万人"}) {
    EXPECT_EQ(run("number", params({{"expected", std::int64_t{100000}}}), text).outcome, Outcome::fail) << text;
  }
}

TEST(Number, PercentMatchesAsAFractionOrAsPercent) {
  EXPECT_EQ(run("number", params({{"expected", 0.6}}), "閾値は60%").outcome, Outcome::pass);
  EXPECT_EQ(run("number", params({{"expected", std::int64_t{60}}}), "閾値は60%").outcome, Outcome::pass);
  const CheckResult result = run("number", params({{"expected", 0.07}}), "7%");
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("found '7%' read as 0.07 at character 1"));
}

TEST(Number, FailureListsTheNumbersNearTheKeyword) {
  const CheckResult result = run("number", params({{"expected", std::int64_t{100000}}, {"near", "追加"s}}),
                                 "集団免疫には60%が必要で、追加で50000人が必要です。");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message,
            "number: expected 100000 (±0) near '追加'; numbers found near it: 60%, 50000 — none within tolerance");
}

TEST(Number, OnlyNumbersNearTheKeywordCount) {
  const std::string text = "人口は100000人。" + std::string(100, 'x') + " 追加で必要なのは50000人";
  const CheckResult result = run("number", params({{"expected", std::int64_t{100000}}, {"near", "追加"s}}), text);
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("numbers found near it: 50000 —"));
  // Widening the window brings the first number in.
  EXPECT_EQ(run("number", params({{"expected", std::int64_t{100000}}, {"near", "追加"s}, {"window", std::int64_t{200}}}),
                text).outcome,
            Outcome::pass);
}

TEST(Number, WindowIsCountedInCharactersEitherSide) {
  // 10 characters of Japanese between the keyword and the number: 30 bytes.
  const std::string after = "追加" + std::string("あいうえおかきくけこ") + "10万";
  const std::string before = std::string("10万") + "あいうえおかきくけこ" + "追加";
  for (const std::string& text : {after, before}) {
    EXPECT_EQ(run("number", params({{"expected", std::int64_t{100000}}, {"near", "追加"s}, {"window", std::int64_t{10}}}),
                  text).outcome,
              Outcome::pass)
        << text;
    EXPECT_EQ(run("number", params({{"expected", std::int64_t{100000}}, {"near", "追加"s}, {"window", std::int64_t{9}}}),
                  text).outcome,
              Outcome::fail)
        << text;
  }
}

TEST(Number, KeywordMissingOrNoNumbersNearIt) {
  const CheckResult missing =
      run("number", params({{"expected", std::int64_t{100000}}, {"near", "追加"s}}), "全部で10万人");
  EXPECT_EQ(missing.outcome, Outcome::fail);
  EXPECT_THAT(missing.message, HasSubstr("'追加' does not appear in the answer; numbers elsewhere: 10万 (=100000)"));

  const std::string far = "追加" + std::string(50, '.') + "10万";
  const CheckResult none = run("number", params({{"expected", std::int64_t{100000}}, {"near", "追加"s}}), far);
  EXPECT_EQ(none.outcome, Outcome::fail);
  EXPECT_THAT(none.message, HasSubstr("no numbers within 40 characters of it ('追加' appears once)"));
}

TEST(Number, KeywordIgnoresCaseAndWidth) {
  EXPECT_EQ(run("number", params({{"expected", 2.5}, {"near", "R0"s}}), "Ｒ０＝２．５").outcome, Outcome::pass);
}

TEST(Number, Tolerances) {
  EXPECT_EQ(run("number", params({{"expected", std::int64_t{100}}, {"tolerance", 2.0}}), "約98").outcome, Outcome::pass);
  EXPECT_EQ(run("number", params({{"expected", std::int64_t{100}}, {"tolerance", 1.5}}), "約98").outcome, Outcome::fail);
  EXPECT_EQ(run("number", params({{"expected", std::int64_t{1000}}, {"relative_tolerance", 0.05}}), "1,049").outcome,
            Outcome::pass);
  const CheckResult result =
      run("number", params({{"expected", std::int64_t{1000}}, {"relative_tolerance", 0.05}}), "1,051");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("expected 1000 (±5%)"));
  EXPECT_THAT(run("number", params({{"expected", std::int64_t{1000}}, {"tolerance", 10.0}, {"relative_tolerance", 0.05}}), "9")
                  .message,
              HasSubstr("(±max(10, 5%))"));
}

TEST(Number, NoNumbersAtAll) {
  const CheckResult result = run("number", params({{"expected", std::int64_t{3}}}), "たくさん");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message, "number: expected 3 (±0); the answer contains no numbers");
}

TEST(Number, LongListsOfNumbersAreShortened) {
  std::string text;
  for (int n = 1; n <= 30; ++n) text += std::to_string(n) + " ";
  const CheckResult result = run("number", params({{"expected", std::int64_t{100}}}), text);
  EXPECT_THAT(result.message, HasSubstr("1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … (20 more) — none within tolerance"));
}

TEST(Number, RejectsUnusableParams) {
  EXPECT_EQ(param_error_field("number", params({})), "expected");
  EXPECT_EQ(param_error_field("number", params({{"expected", 1.0}, {"tolerance", -1.0}})), "tolerance");
  EXPECT_EQ(param_error_field("number", params({{"expected", 1.0}, {"relative_tolerance", -0.1}})),
            "relative_tolerance");
  EXPECT_EQ(param_error_field("number", params({{"expected", 1.0}, {"near", ""s}})), "near");
  EXPECT_EQ(param_error_field("number", params({{"expected", 1.0}, {"window", std::int64_t{10}}})), "window");
  EXPECT_EQ(param_error_field("number", params({{"expected", 1.0}, {"near", "x"s}, {"window", std::int64_t{-1}}})),
            "window");
  EXPECT_EQ(param_error_field("number", params({{"expected", std::numeric_limits<double>::quiet_NaN()}})), "expected");
}

TEST(Number, Describes) {
  EXPECT_EQ(testing::make_checker("number", params({{"expected", std::int64_t{100000}}, {"near", "追加"s}}))->describe(),
            "the number 100000 (±0) within 40 characters of '追加'");
}

}  // namespace
}  // namespace goodput::checkers
