// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pthread.h>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using testing::param_error_field;
using testing::param_error_message;
using testing::params;
using testing::run;

TEST(Regex, SearchesAnywhereAndQuotesTheMatch) {
  const CheckResult result = run("regex", params({{"pattern", R"(\d+万人)"s}}), "追加で10万人に接種");
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("matched '10万人' at character 4"));
}

TEST(Regex, FailsWithThePatternAndAnExcerpt) {
  const CheckResult result = run("regex", params({{"pattern", R"(def \w+\()"s}}), "print('hi')");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr(R"(no match for 'def \w+\(')"));
  EXPECT_THAT(result.message, HasSubstr("'print('hi')'"));
}

TEST(Regex, IgnoreCaseIsOptIn) {
  EXPECT_EQ(run("regex", params({{"pattern", "herd"s}}), "HERD").outcome, Outcome::fail);
  const CheckResult result = run("regex", params({{"pattern", "herd"s}, {"ignore_case", true}}), "HERD");
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_THAT(testing::make_checker("regex", params({{"pattern", "herd"s}, {"ignore_case", true}}))->describe(),
              HasSubstr("(ignoring case)"));
}

TEST(Regex, CaretMatchesAtEveryLineStart) {
  const std::string story = "intro\n## 第1章 月\ntext\n## 第2章 星\n";
  EXPECT_EQ(run("regex", params({{"pattern", "^## 第"s}}), story).outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", "^text$"s}}), story).outcome, Outcome::pass);
}

TEST(Regex, MinCountCountsNonOverlappingMatches) {
  const std::string story = "## 第1章 月\n本文\n## 第2章 星\n本文\n## 第3章 海\n";
  const CheckResult three = run("regex", params({{"pattern", "^## 第"s}, {"min_count", std::int64_t{3}}}), story);
  EXPECT_EQ(three.outcome, Outcome::pass) << three.message;
  const CheckResult four = run("regex", params({{"pattern", "^## 第"s}, {"min_count", std::int64_t{4}}}), story);
  EXPECT_EQ(four.outcome, Outcome::fail);
  EXPECT_THAT(four.message, HasSubstr("matched 3 times, expected at least 4 times"));
  EXPECT_EQ(run("regex", params({{"pattern", "aa"s}, {"min_count", std::int64_t{2}}}), "aaa").outcome, Outcome::fail);
}

TEST(Regex, MaxCountBoundsMatchesAndZeroForbidsThem) {
  EXPECT_EQ(run("regex", params({{"pattern", "TODO"s}, {"max_count", std::int64_t{0}}}), "done").outcome, Outcome::pass);
  const CheckResult r = run("regex", params({{"pattern", "TODO"s}, {"max_count", std::int64_t{0}}}), "a TODO b");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_THAT(r.message, HasSubstr("'TODO'"));
  EXPECT_EQ(param_error_field("regex", params({{"pattern", "x"s}, {"min_count", std::int64_t{3}}, {"max_count", std::int64_t{2}}})), "max_count");
  EXPECT_EQ(param_error_field("regex", params({{"pattern", "x"s}, {"min_count", std::int64_t{-1}}})), "min_count");
}

TEST(Regex, DotMatchesOneByteNotOneCharacter) {
  // "あ" is three UTF-8 bytes.
  EXPECT_EQ(run("regex", params({{"pattern", "^.$"s}}), "あ").outcome, Outcome::fail);
  EXPECT_EQ(run("regex", params({{"pattern", "^...$"s}}), "あ").outcome, Outcome::pass);
}

TEST(Regex, BackReferencesWork) {
  EXPECT_EQ(run("regex", params({{"pattern", R"((\w)\1)"s}}), "hello").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", R"((\w)\1)"s}}), "helo").outcome, Outcome::fail);
}

// Runs `work` on a thread with a small stack, so that recursion per character of input
// crashes here instead of passing by luck on a big main-thread stack.
void on_small_stack(void (*work)()) {
  pthread_attr_t attributes;
  ASSERT_EQ(pthread_attr_init(&attributes), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attributes, 256 * 1024), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attributes,
                [](void* argument) -> void* {
                  reinterpret_cast<void (*)()>(argument)();
                  return nullptr;
                },
                reinterpret_cast<void*>(work)),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
}

TEST(Regex, HugeAnswerNeitherOverflowsTheStackNorTakesQuadraticTime) {
  // std::regex's default matcher recurses per character (this input needs megabytes of
  // stack) and regex_search retries from every position (10^10 steps when nothing matches).
  static CheckResult found;
  static CheckResult missing;
  on_small_stack([] {
    const std::string text = std::string(100'000, 'x') + "END";
    found = run("regex", params({{"pattern", "x.*END"s}}), text);
    missing = run("regex", params({{"pattern", "x.*NOPE"s}}), text);
  });
  EXPECT_EQ(found.outcome, Outcome::pass);
  EXPECT_EQ(missing.outcome, Outcome::fail);
}

TEST(Regex, ReportsTheLeftmostMatch) {
  const CheckResult result = run("regex", params({{"pattern", R"(foo\d|b+)"s}}), "aa bb foo1 foo2");
  EXPECT_THAT(result.message, HasSubstr("matched 'bb' at character 4"));
  EXPECT_EQ(run("regex", params({{"pattern", "^foo"s}}), "a foo").outcome, Outcome::fail);
  EXPECT_EQ(run("regex", params({{"pattern", "foo$"s}}), "foo a").outcome, Outcome::fail);
  EXPECT_EQ(run("regex", params({{"pattern", "^a foo$"s}}), "a foo").outcome, Outcome::pass);
}

TEST(Regex, BackReferenceOnAHugeAnswerIsAnErrorNotACrash) {
  const CheckResult result = run("regex", params({{"pattern", R"((x)\1y)"s}}), std::string(100'000, 'x'));
  EXPECT_EQ(result.outcome, Outcome::error);
  EXPECT_THAT(result.message, HasSubstr("back-reference"));
}

TEST(Regex, InvalidPatternIsAParamErrorWithTheReason) {
  EXPECT_EQ(param_error_field("regex", params({{"pattern", "(unclosed"s}})), "pattern");
  const std::string message = param_error_message("regex", params({{"pattern", "(unclosed"s}}));
  EXPECT_THAT(message, HasSubstr("'(unclosed' is not a valid ECMAScript regular expression: "));
  EXPECT_GT(message.size(), std::string("'(unclosed' is not a valid ECMAScript regular expression: ").size() + 10);
}

// Found fuzzing the task loader: std::regex compiles recursively, so these overflowed the stack
// while the task file loaded (exit 139).
TEST(Regex, PatternTooLongToCompileSafelyIsAParamErrorNotACrash) {
  const std::string long_pattern(200'000, 'a');
  EXPECT_EQ(param_error_field("regex", params({{"pattern", long_pattern}})), "pattern");
  EXPECT_THAT(param_error_message("regex", params({{"pattern", long_pattern}})),
              HasSubstr("'pattern' is 200,000 bytes long; at most 4,096"));
  const std::string nested = std::string(20'000, '(') + "a" + std::string(20'000, ')');
  EXPECT_EQ(param_error_field("regex", params({{"pattern", nested}})), "pattern");
  // The longest accepted pattern, nested as deep as it can be, compiles.
  const std::string deepest = std::string(2'047, '(') + "a" + std::string(2'047, ')');
  ASSERT_EQ(deepest.size(), 4'095u);
  EXPECT_EQ(run("regex", params({{"pattern", deepest}}), "xay").outcome, Outcome::pass);
}

TEST(Regex, EmptyPatternIsRejected) {
  EXPECT_EQ(param_error_field("regex", params({{"pattern", ""s}})), "pattern");
}

}  // namespace
}  // namespace goodput::checkers
