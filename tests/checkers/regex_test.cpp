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

// The cases of issue 15, each failed or refused under std::regex on bytes.
TEST(Regex, ClassesDotsAndQuantifiersCountCharacters) {
  EXPECT_EQ(run("regex", params({{"pattern", "^[あいう]{3}$"s}}), "あいう").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", "^.{3}$"s}}), "あいう").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", "^.$"s}}), "あ").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", "^.{3}$"s}}), "あい").outcome, Outcome::fail);
  EXPECT_EQ(run("regex", params({{"pattern", "^[あ-ん]+$"s}}), "ひらがな").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", "^[あ-ん]+$"s}}), "カタカナ").outcome, Outcome::fail);
}

TEST(Regex, UnicodeScriptProperties) {
  const CheckResult hiragana = run("regex", params({{"pattern", R"(\p{Hiragana}+)"s}}), "東京はあつい");
  EXPECT_EQ(hiragana.outcome, Outcome::pass);
  EXPECT_THAT(hiragana.message, HasSubstr("matched 'はあつい' at character 3"));
  const CheckResult han = run("regex", params({{"pattern", R"(\p{Han}{2,})"s}}), "今は東京都へ");
  EXPECT_THAT(han.message, HasSubstr("matched '東京都' at character 3"));
  EXPECT_EQ(run("regex", params({{"pattern", R"(\p{Han}{2,})"s}}), "日はあ").outcome, Outcome::fail);
  EXPECT_EQ(run("regex", params({{"pattern", R"(^\p{Katakana}+$)"s}}), "カタカナ").outcome, Outcome::pass);
}

TEST(Regex, FullWidthDigitsInClassesAndBackslashD) {
  EXPECT_EQ(run("regex", params({{"pattern", "第[１-９][０-９]*章"s}}), "## 第１２章 海").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", "第[１-９][０-９]*章"s}}), "## 第12章 海").outcome, Outcome::fail);
  const CheckResult digits = run("regex", params({{"pattern", R"(\d+\s*％)"s}}), "接種率は６０％です");
  EXPECT_THAT(digits.message, HasSubstr("matched '６０％'"));
}

TEST(Regex, IgnoreCaseFoldsUnicode) {
  EXPECT_EQ(run("regex", params({{"pattern", "Ärger"s}, {"ignore_case", true}}), "kein ärger").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", "ärger"s}, {"ignore_case", true}}), "ÄRGER").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", "Ärger"s}}), "ärger").outcome, Outcome::fail);
  EXPECT_EQ(run("regex", params({{"pattern", "ＡＢＣ"s}, {"ignore_case", true}}), "ａｂｃ").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", "ＡＢＣ"s}}), "ａｂｃ").outcome, Outcome::fail);
}

TEST(Regex, DotallLetsTheDotCrossLines) {
  EXPECT_EQ(run("regex", params({{"pattern", "begin.*end"s}}), "begin\nend").outcome, Outcome::fail);
  EXPECT_EQ(run("regex", params({{"pattern", "begin.*end"s}, {"dotall", true}}), "begin\nend").outcome, Outcome::pass);
  EXPECT_THAT(testing::make_checker("regex", params({{"pattern", "a.b"s}, {"dotall", true}}))->describe(),
              HasSubstr("(dot matches newlines)"));
}

TEST(Regex, PerlSyntaxLookaroundsAndNamedGroups) {
  EXPECT_EQ(run("regex", params({{"pattern", R"((?<=¥)\d+)"s}}), "価格は¥500").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", R"(\d+(?!円))"s}, {"min_count", std::int64_t{0}}, {"max_count", std::int64_t{0}}}),
                "500円")
                .outcome,
            Outcome::fail);  // "50" is followed by "0", not by 円
  EXPECT_EQ(run("regex", params({{"pattern", R"((?<year>\d{4})年\k<year>)"s}}), "2024年2024").outcome, Outcome::pass);
}

TEST(Regex, InvalidUtf8InTheAnswerIsNeitherMatchedNorACrash) {
  const std::string answer = "前\xff\xfe後 ok \xe3\x81";  // a stray byte pair and a cut-off character
  const CheckResult result = run("regex", params({{"pattern", R"(後 \w+)"s}}), answer);
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("matched '後 ok'"));
  EXPECT_EQ(run("regex", params({{"pattern", "前.後"s}}), answer).outcome, Outcome::fail);
  const CheckResult counted = run("regex", params({{"pattern", "."s}, {"min_count", std::int64_t{100}}}), answer);
  EXPECT_EQ(counted.outcome, Outcome::fail);
  EXPECT_THAT(counted.message, HasSubstr("matched 6 times"));  // 前, 後, space, o, k, space
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

TEST(Regex, HugeAnswerDoesNotOverflowTheStack) {
  // std::regex's default matcher recursed per character (this input needed megabytes of
  // stack). PCRE2's JIT backtracks on a stack of its own and its interpreter on the heap. The
  // failing search is quadratic (every x restarts it), which the time limit bounds on longer
  // answers.
  static CheckResult found;
  static CheckResult missing;
  on_small_stack([] {
    const std::string text = std::string(10'000, 'x') + "END";
    found = run("regex", params({{"pattern", "x.*END"s}}), text);
    missing = run("regex", params({{"pattern", "(?:x|y)*NOPE"s}}), text);
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

TEST(Regex, BackReferenceOnAHugeAnswerIsSearched) {
  EXPECT_EQ(run("regex", params({{"pattern", R"((x)\1y)"s}}), std::string(100'000, 'x') + "y").outcome, Outcome::pass);
  EXPECT_EQ(run("regex", params({{"pattern", R"((x)\1y)"s}}), std::string(100'000, 'x')).outcome, Outcome::fail);
}

// Nested quantifiers try every split of the run of a's before failing at '!': the match limit
// ends the search, and the answer is not judged.
TEST(Regex, PathologicalPatternOnA50MegabyteAnswerIsAnErrorOfThePattern) {
  const std::string answer = std::string(50 * 1024 * 1024, 'a') + "!";
  const CheckResult result = run("regex", params({{"pattern", "(a+)+$"s}}), answer);
  EXPECT_EQ(result.outcome, Outcome::error);
  EXPECT_THAT(result.message, HasSubstr("the pattern '(a+)+$' hit the match limit (10,000,000 backtracking steps"));
  EXPECT_THAT(result.message, HasSubstr("on this answer of 52,428,801 characters"));
  const CheckResult counted = run("regex", params({{"pattern", "(a|aa)+$"s}, {"max_count", std::int64_t{0}}}), answer);
  EXPECT_EQ(counted.outcome, Outcome::error);
  EXPECT_THAT(counted.message, HasSubstr("hit the"));
}

TEST(Regex, InvalidPatternShowsWherePcre2StoppedReading) {
  EXPECT_EQ(param_error_field("regex", params({{"pattern", "(unclosed"s}})), "pattern");
  const std::string message = param_error_message("regex", params({{"pattern", "(unclosed"s}}));
  EXPECT_THAT(message, HasSubstr("'(unclosed' is not a valid regular expression: missing closing parenthesis at character 9 of the pattern\n"
                                 "    (unclosed\n"
                                 "             ^"));
  // The caret is under the error in terminal columns: a Japanese character is two wide.
  const std::string japanese = param_error_message("regex", params({{"pattern", "第[１-９章"s}}));
  EXPECT_THAT(japanese, HasSubstr("missing terminating ] for character class at character 6 of the pattern\n"
                                  "    第[１-９章\n"
                                  "              ^"));
  const std::string property = param_error_message("regex", params({{"pattern", R"(\p{Hiragna}+)"s}}));
  EXPECT_THAT(property, HasSubstr("unknown property"));
}

// Found fuzzing the task loader: std::regex compiled recursively, so these overflowed the stack
// while the task file loaded (exit 139). PCRE2 compiles without recursion and bounds nesting.
TEST(Regex, HugeOrDeeplyNestedPatternIsAParamErrorOrCompilesNeverACrash) {
  const std::string long_pattern(200'000, 'a');
  EXPECT_THAT(param_error_message("regex", params({{"pattern", long_pattern}})), HasSubstr("regular expression is too large"));
  const std::string nested = std::string(20'000, '(') + "a" + std::string(20'000, ')');
  EXPECT_EQ(param_error_field("regex", params({{"pattern", nested}})), "pattern");
  EXPECT_THAT(param_error_message("regex", params({{"pattern", nested}})), HasSubstr("parentheses are too deeply nested"));
}

TEST(Regex, EmptyPatternIsRejected) {
  EXPECT_EQ(param_error_field("regex", params({{"pattern", ""s}})), "pattern");
}

}  // namespace
}  // namespace goodput::checkers
