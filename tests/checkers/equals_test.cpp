// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using testing::params;
using testing::run;

TEST(Equals, TrimsAsciiAndUnicodeWhitespaceByDefault) {
  EXPECT_EQ(run("equals", params({{"value", "100000"s}}), "  100000\n").outcome, Outcome::pass);
  EXPECT_EQ(run("equals", params({{"value", "はい"s}}), "\u3000はい\u3000\r\n").outcome, Outcome::pass);
  EXPECT_EQ(run("equals", params({{"value", "yes"s}}), "\u00A0yes\u2003").outcome, Outcome::pass);
  // YAML block scalars end the expected text with a newline.
  EXPECT_EQ(run("equals", params({{"value", "yes\n"s}}), "yes").outcome, Outcome::pass);
}

TEST(Equals, TrimsOnlyTheEnds) {
  EXPECT_EQ(run("equals", params({{"value", "a b"s}}), "a  b").outcome, Outcome::fail);
}

TEST(Equals, TrimCanBeTurnedOff) {
  const CheckResult result = run("equals", params({{"value", "yes"s}, {"trim", false}}), "yes\n");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("goes on at character 4 after the expected text, with '\\n'"));
}

TEST(Equals, ShowsTheFirstDifferingCharacter) {
  const CheckResult result = run("equals", params({{"value", "東京都の人口"s}}), "東京府の人口");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("first difference at character 3"));
  EXPECT_THAT(result.message, HasSubstr("expected '東京都の人口', got '東京府の人口'"));
  EXPECT_THAT(result.message, HasSubstr("(expected 6 characters, got 6)"));
}

TEST(Equals, DifferenceFarIntoLongTextsIsShownInContext) {
  const std::string prefix(200, 'a');
  const CheckResult result = run("equals", params({{"value", prefix + "XYZ"}}), prefix + "XQZ");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("character 202"));
  EXPECT_THAT(result.message, HasSubstr("'…" + std::string(29, 'a') + "XYZ'"));
  EXPECT_THAT(result.message, HasSubstr("'…" + std::string(29, 'a') + "XQZ'"));
}

TEST(Equals, ShorterAnswerSaysWhatIsMissing) {
  const CheckResult result = run("equals", params({{"value", "abcdef"s}}), "abc");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("stops at character 4 where the expected text continues with 'def'"));
}

TEST(Equals, EmptyAnswer) {
  const CheckResult result = run("equals", params({{"value", "x"s}}), " \n ");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("the answer is empty (after trimming), expected 'x'"));
  EXPECT_EQ(run("equals", params({{"value", ""s}}), "\n").outcome, Outcome::pass);
}

}  // namespace
}  // namespace goodput::checkers
