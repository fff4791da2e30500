// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using ::testing::HasSubstr;
using testing::param_error_field;
using testing::params;
using testing::run;

std::string japanese(std::size_t characters) {
  std::string text;
  for (std::size_t n = 0; n < characters; ++n) text += n % 2 == 0 ? "月" : "の";
  return text;
}

TEST(Length, CountsCharactersNotBytes) {
  const std::string story = japanese(2871);
  ASSERT_EQ(story.size(), 2871u * 3);  // more than 3,000 bytes
  const CheckResult result = run("length", params({{"min", std::int64_t{3000}}}), story);
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message, "length: 2,871 characters, expected at least 3,000");
}

TEST(Length, PassesAtTheBound) {
  const CheckResult result = run("length", params({{"min", std::int64_t{3000}}}), japanese(3000));
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_EQ(result.message, "length: 3,000 characters (at least 3,000)");
}

TEST(Length, MaximumAndRange) {
  EXPECT_EQ(run("length", params({{"max", std::int64_t{5}}}), "あいうえお").outcome, Outcome::pass);
  const CheckResult over = run("length", params({{"max", std::int64_t{4}}}), "あいうえお");
  EXPECT_EQ(over.outcome, Outcome::fail);
  EXPECT_EQ(over.message, "length: 5 characters, expected at most 4");
  const CheckResult range = run("length", params({{"min", std::int64_t{10}}, {"max", std::int64_t{20}}}), "abc");
  EXPECT_EQ(range.message, "length: 3 characters, expected between 10 and 20");
}

TEST(Length, ShortAnswerCutByTheTokenLimitSaysSo) {
  Completion completion = testing::answer(japanese(100));
  completion.stop_reason = StopReason::length;
  const auto checker = testing::make_checker("length", params({{"min", std::int64_t{3000}}}));
  EXPECT_THAT(checker->check(completion).message, HasSubstr("cut by the token limit"));
}

TEST(Length, InvalidUtf8CountsEachBadByteOnce) {
  EXPECT_EQ(run("length", params({{"max", std::int64_t{3}}}), "a\xff\xfe").outcome, Outcome::pass);
  EXPECT_EQ(run("length", params({{"max", std::int64_t{2}}}), "a\xff\xfe").outcome, Outcome::fail);
}

TEST(Length, RejectsUnusableBounds) {
  EXPECT_EQ(param_error_field("length", params({})), "min");
  EXPECT_EQ(param_error_field("length", params({{"min", std::int64_t{-1}}})), "min");
  EXPECT_EQ(param_error_field("length", params({{"max", std::int64_t{-1}}})), "max");
  EXPECT_EQ(param_error_field("length", params({{"min", std::int64_t{10}}, {"max", std::int64_t{5}}})), "max");
  EXPECT_EQ(param_error_field("length", params({{"min", 1.5}})), "min");
}

TEST(Length, Describes) {
  EXPECT_EQ(testing::make_checker("length", params({{"min", std::int64_t{3000}}}))->describe(),
            "at least 3,000 characters");
}

}  // namespace
}  // namespace goodput::checkers
