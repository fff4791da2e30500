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

TEST(Contains, PassesWhenTheValueAppearsAndSaysWhere) {
  const CheckResult result = run("contains", params({{"value", "60%"s}}), "閾値は1-1/R0で60%です");
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("at character 11"));
}

TEST(Contains, IsByteExact) {
  EXPECT_EQ(run("contains", params({{"value", "60%"s}}), "答えは６０％").outcome, Outcome::fail);
  EXPECT_EQ(run("contains", params({{"value", "Paris"s}}), "paris").outcome, Outcome::fail);
}

TEST(Contains, FailureQuotesTheValueAndTheAnswer) {
  const CheckResult result = run("contains", params({{"value", "集団免疫"s}}), "ワクチンの話です");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("contains: '集団免疫' not found"));
  EXPECT_THAT(result.message, HasSubstr("8 characters"));
  EXPECT_THAT(result.message, HasSubstr("'ワクチンの話です'"));
}

TEST(Contains, FailurePointsOutACaseOrWidthNearMiss) {
  const CheckResult result = run("contains", params({{"value", "60%"s}}), "答えは６０％です");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("different case or width at character 4"));
  EXPECT_THAT(result.message, HasSubstr("icontains would match"));
}

TEST(Contains, LongAnswersAreTruncatedInTheMessage) {
  const std::string long_answer(500, 'x');
  const CheckResult result = run("contains", params({{"value", "y"s}}), long_answer);
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("'" + std::string(60, 'x') + "…'"));
  EXPECT_LT(result.message.size(), 200u);
}

TEST(Contains, EmptyAnswerFailsWithAClearMessage) {
  const CheckResult result = run("contains", params({{"value", "x"s}}), "");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("the answer is empty"));
}

TEST(Contains, InvalidUtf8NeitherThrowsNorLeaksIntoTheMessage) {
  const CheckResult result = run("contains", params({{"value", "x"s}}), "\xff\xfe abc \xe3\x81");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("\xEF\xBF\xBD"));  // U+FFFD stands in for bad bytes
  EXPECT_EQ(result.message.find('\xff'), std::string::npos);
}

TEST(Contains, RejectsAnEmptyValue) {
  EXPECT_EQ(param_error_field("contains", params({{"value", ""s}})), "value");
  EXPECT_EQ(param_error_field("contains", params({})), "value");
}

TEST(Contains, DescribesItself) {
  EXPECT_EQ(testing::make_checker("contains", params({{"value", "60%"s}}))->describe(), "contains '60%'");
}

}  // namespace
}  // namespace goodput::checkers
