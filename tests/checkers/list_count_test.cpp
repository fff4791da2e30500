// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using ::testing::HasSubstr;
using testing::param_error_field;
using testing::params;
using testing::run;

std::string full_width_digits(std::int64_t n) {
  std::string out;
  for (const char c : std::to_string(n)) out += std::string("０１２３４５６７８９").substr(static_cast<std::size_t>(c - '0') * 3, 3);
  return out;
}

// A list of items numbered by `number(n)` for n = 1..count, one per line.
std::string list(std::int64_t count, const std::function<std::string(std::int64_t)>& marker) {
  std::string text = "AIでできること:\n\n";
  for (std::int64_t n = 1; n <= count; ++n) text += marker(n) + " 項目その" + std::to_string(n) + "\n";
  return text + "\n以上です。\n";
}

CheckResult count_items(std::int64_t expected, const std::string& text) {
  return run("list-count", params({{"count", expected}}), text);
}

TEST(ListCount, HundredItemsInEveryMarkerStyle) {
  const std::function<std::string(std::int64_t)> styles[] = {
      [](std::int64_t n) { return std::to_string(n) + "."; },
      [](std::int64_t n) { return std::to_string(n) + ")"; },
      [](std::int64_t n) { return full_width_digits(n) + "．"; },
      [](std::int64_t n) { return full_width_digits(n) + "）"; },
      [](std::int64_t n) { return std::to_string(n) + "、"; },
      [](std::int64_t n) { return "(" + std::to_string(n) + ")"; },
      [](std::int64_t n) { return "**" + std::to_string(n) + ".**"; },
      [](std::int64_t n) { return "- " + std::to_string(n) + "."; },
      [](std::int64_t n) { return "・" + std::to_string(n) + "."; },
      // Right-aligned numbers are one list, not a list with sub-lists.
      [](std::int64_t n) { return std::string(n < 10 ? "  " : n < 100 ? " " : "") + std::to_string(n) + "."; },
  };
  for (const auto& style : styles) {
    const CheckResult result = count_items(100, list(100, style));
    EXPECT_EQ(result.outcome, Outcome::pass) << style(7) << ": " << result.message;
    EXPECT_EQ(result.message, "list-count: 100 numbered items, numbered 1..100");
  }
}

TEST(ListCount, EightySevenOfAHundred) {
  const CheckResult result = count_items(100, list(87, [](std::int64_t n) { return std::to_string(n) + "."; }));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("list-count: 87 numbered items, expected 100"));
  EXPECT_THAT(result.message, HasSubstr("numbered 1..87; the last is line 89: '87. 項目その87'"));
}

TEST(ListCount, CutByTheTokenLimitSaysSo) {
  Completion completion = testing::answer(list(87, [](std::int64_t n) { return std::to_string(n) + "."; }));
  completion.stop_reason = StopReason::length;
  const auto checker = testing::make_checker("list-count", params({{"count", std::int64_t{100}}}));
  EXPECT_THAT(checker->check(completion).message, HasSubstr("cut by the token limit"));
}

TEST(ListCount, GapIsReportedWithItsLine) {
  const CheckResult result = count_items(
      100, list(101, [](std::int64_t n) { return std::to_string(n < 42 ? n : n + 1) + "."; }));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("numbering jumps from 41 to 43"));
  EXPECT_THAT(result.message, HasSubstr("line 44: '43. 項目その42'"));
}

TEST(ListCount, RightCountButBrokenNumberingFails) {
  // 1..50 twice: a hundred lines, but not one list numbered 1..100.
  const CheckResult result =
      count_items(100, list(100, [](std::int64_t n) { return std::to_string((n - 1) % 50 + 1) + "."; }));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("100 numbered items, but numbering restarts at 1 after 50"));
}

TEST(ListCount, DuplicateAndGoingBack) {
  EXPECT_THAT(count_items(4, "1. a\n2. b\n2. c\n3. d\n").message, HasSubstr("duplicate 2"));
  EXPECT_THAT(count_items(4, "1. a\n2. b\n3. c\n2. d\n").message, HasSubstr("goes back from 3 to 2"));
  EXPECT_THAT(count_items(2, "3. a\n4. b\n").message, HasSubstr("numbering starts at 3, not 1"));
}

TEST(ListCount, NumberedLinesInCodeFencesAreIgnored) {
  const std::string text =
      "1. first\n"
      "```python\n"
      "1. not an item\n"
      "2. nor this\n"
      "```\n"
      "2. second\n"
      "~~~\n"
      "3. still code\n"
      "~~~\n"
      "3. third\n";
  const CheckResult result = count_items(3, text);
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
}

TEST(ListCount, DatesDecimalsAndHeadingsAreNotItems) {
  const std::string text =
      "## 1. 概要\n"
      "2025年に調べました。\n"
      "3.5 は小数です。\n"
      "1. 画像認識\n"
      "2. 音声認識\n";
  const CheckResult result = count_items(2, text);
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
}

TEST(ListCount, NestedSubListsAreNotCounted) {
  const std::string text =
      "1. 医療\n"
      "   1. 画像診断\n"
      "   2. 創薬\n"
      "2. 教育\n"
      "    1. 採点\n";
  EXPECT_EQ(count_items(2, text).outcome, Outcome::pass);
}

TEST(ListCount, NoItemsAtAll) {
  const CheckResult result = count_items(100, "AIにはいろいろできます。");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message, "list-count: no numbered items found, expected 100");
}

TEST(ListCount, NumberedHeadingsGetAHint) {
  const CheckResult result = count_items(2, "### 1. 画像認識\n### 2. 音声認識\n");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("2 numbered headings"));
}

TEST(ListCount, MinAndMax) {
  const std::string ten = list(10, [](std::int64_t n) { return std::to_string(n) + "."; });
  EXPECT_EQ(run("list-count", params({{"min", std::int64_t{5}}}), ten).outcome, Outcome::pass);
  EXPECT_EQ(run("list-count", params({{"max", std::int64_t{9}}}), ten).outcome, Outcome::fail);
  EXPECT_THAT(run("list-count", params({{"min", std::int64_t{11}}, {"max", std::int64_t{20}}}), ten).message,
              HasSubstr("10 numbered items, expected between 11 and 20"));
}

TEST(ListCount, WindowsLineEndingsAndOddInput) {
  EXPECT_EQ(count_items(2, "1. a\r\n2. b\r\n").outcome, Outcome::pass);
  EXPECT_EQ(count_items(1, "1.").outcome, Outcome::pass);
  EXPECT_EQ(count_items(0, "").outcome, Outcome::pass);
  EXPECT_EQ(count_items(1, "\xff\xfe\n1. \xe3\x81\n").outcome, Outcome::pass);
  EXPECT_EQ(count_items(0, "99999999. too long to be an item\n").outcome, Outcome::pass);
}

TEST(ListCount, RejectsUnusableParams) {
  EXPECT_EQ(param_error_field("list-count", params({})), "count");
  EXPECT_EQ(param_error_field("list-count", params({{"count", std::int64_t{-1}}})), "count");
  EXPECT_EQ(param_error_field("list-count", params({{"count", std::int64_t{3}}, {"min", std::int64_t{1}}})), "count");
  EXPECT_EQ(param_error_field("list-count", params({{"min", std::int64_t{5}}, {"max", std::int64_t{1}}})), "max");
}

TEST(ListCount, Describes) {
  EXPECT_EQ(testing::make_checker("list-count", params({{"count", std::int64_t{100}}}))->describe(),
            "100 numbered items, numbered 1..100");
}

}  // namespace
}  // namespace goodput::checkers
