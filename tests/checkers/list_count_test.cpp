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
  EXPECT_EQ(result.message, "list-count: no list found, expected 100 items");
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

// The R0 task's "three other public health measures", as answers written by real models.
CheckResult three_measures(const std::string& text) {
  return run("list-count", params({{"min", std::int64_t{3}}}), text);
}

TEST(ListCount, CircledNumbersAtLineStarts) {
  const CheckResult result = three_measures(
      "追加で10万人の接種が必要です。\n\n他の対策:\n"
      "①マスクの着用：飛沫による感染を減らします。課題は長時間の着用負担です。\n"
      "② 手洗い・消毒：接触感染を防ぎます。\n"
      "③　検査と隔離：感染者を早く見つけます。課題は検査体制の確保です。\n");
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_THAT(result.message, HasSubstr("3 circled-number items, ①..③ (lines 4-6)"));
}

TEST(ListCount, CircledNumbersOutOfOrderAreNoList) {
  const CheckResult result = three_measures("①マスク\n③手洗い\n④検査\n");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("numbering jumps from 1 to 3 (line 2: '③手洗い')"));
}

TEST(ListCount, InlineListOnOneLine) {
  for (const std::string line : {
           "他の対策としては、1) マスク着用、2) 手洗いの徹底、3) 検査と隔離 が挙げられます。",
           "対策は1)マスク2)換気3)隔離です。",
           "対策: (1) マスク (2) 換気 (3) 検査と隔離",
           "対策：（１）マスク（２）換気（３）検査",
           "①マスク着用 ②手指衛生 ③検査と隔離の三つです。",
           "1) マスク 2) 換気 3) 隔離",
       }) {
    const CheckResult result = three_measures("集団免疫には60%が必要です。\n" + line + "\n");
    EXPECT_EQ(result.outcome, Outcome::pass) << line << ": " << result.message;
    EXPECT_THAT(result.message, HasSubstr("3 items in one line")) << line;
  }
}

TEST(ListCount, ASingleMarkerInProseOrADateIsNoList) {
  const std::string texts[] = {
      "条件1)を満たす場合、追加接種は10万人です。",
      "2024/1) の統計では、接種率は50%でした。2024/2) も同様です。3) 以降は不明です。",
      "バージョン1.1) と v2) を比べました。",
      "詳細は11) と12) を参照してください。",
  };
  for (const std::string& text : texts) {
    const CheckResult result = three_measures(text);
    EXPECT_EQ(result.outcome, Outcome::fail) << text << ": " << result.message;
    EXPECT_THAT(result.message, HasSubstr("no list found")) << text;
  }
}

TEST(ListCount, ALineStartingWithItemOneHoldsSubItemsNotAnInlineList) {
  const CheckResult result = run("list-count", params({{"count", std::int64_t{3}}}),
                                 "1. 換気：(1) 窓を開ける (2) 換気扇を回す\n2. マスク\n3. 検査\n");
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_EQ(result.message, "list-count: 3 numbered items, numbered 1..3");
}

TEST(ListCount, BulletsOfEveryKind) {
  for (const std::string bullet : {"・", "•", "- ", "* ", "●", "+ ", "■ "}) {
    const std::string text = "他の公衆衛生対策:\n" + bullet + "マスクの着用（効果：飛沫を減らす）\n" + bullet +
                             "手洗いの徹底\n" + bullet + "検査と隔離\n\nいずれも組み合わせが大切です。\n";
    const CheckResult result = three_measures(text);
    EXPECT_EQ(result.outcome, Outcome::pass) << bullet << ": " << result.message;
    EXPECT_THAT(result.message, HasSubstr("3 bullet items")) << bullet;
  }
}

TEST(ListCount, BulletRunsEndAtTextAndSubBulletsDoNotCount) {
  // Two lists of two, split by a line of text: neither is a list of three.
  const CheckResult split = three_measures("効果:\n・飛沫を減らす\n・接触を減らす\n課題:\n・負担\n・費用\n");
  EXPECT_EQ(split.outcome, Outcome::fail);
  EXPECT_THAT(split.message, HasSubstr("2 bullet items '・' (lines 2-3), expected at least 3"));
  // Indented bullets under numbered items are their details, not more items.
  const CheckResult nested = run("list-count", params({{"count", std::int64_t{2}}}),
                                 "1. マスク\n   - 効果：飛沫\n   - 課題：負担\n   - 費用\n2. 換気\n   - 効果\n");
  EXPECT_EQ(nested.outcome, Outcome::pass) << nested.message;
  // A rule is no bullet.
  EXPECT_THAT(three_measures("---\n* * *\n- - -\n").message, HasSubstr("no list found"));
}

TEST(ListCount, JapaneseOrdinals) {
  const CheckResult dai = three_measures(
      "感染拡大を防ぐ対策は三つあります。\n"
      "第一に、マスクの着用です。飛沫を減らしますが、長時間の着用は負担です。\n"
      "第二に、手洗いと消毒です。\n"
      "第三に、検査と隔離です。課題は検査体制です。\n");
  EXPECT_EQ(dai.outcome, Outcome::pass) << dai.message;
  EXPECT_THAT(dai.message, HasSubstr("3 ordinal items, 第1に..第3に (lines 2-4)"));

  const CheckResult tsu = three_measures(
      "一つ目はマスクの着用です。二つ目は換気、3つ目は検査と隔離です。");
  EXPECT_EQ(tsu.outcome, Outcome::pass) << tsu.message;
  EXPECT_THAT(tsu.message, HasSubstr("3 ordinal items, 1つ目..3つ目 (line 1)"));

  EXPECT_EQ(three_measures("ひとつ目はマスク、ふたつ目は換気、みっつ目は隔離です。").outcome, Outcome::pass);
  // Chapters and "the first wave" are no ordinals.
  EXPECT_EQ(three_measures("第1章、第2章、第3章を読みました。第一波、第二波、第三波がありました。").outcome, Outcome::fail);
}

TEST(ListCount, MazuTsuginiSaigoni) {
  const CheckResult closed = three_measures(
      "まず、マスクの着用で飛沫を減らします。次に、換気を徹底します。\n"
      "最後に、検査と隔離で感染の連鎖を断ちます。\n");
  EXPECT_EQ(closed.outcome, Outcome::pass) << closed.message;
  EXPECT_THAT(closed.message, HasSubstr("3 items, まず .. 最後に (lines 1-2)"));
  // A walk through a calculation that never says 最後に is no enumeration.
  const CheckResult open = three_measures(
      "まず、閾値は1-1/2.5で60%です。次に、追加は10%です。次に、人数は10万人です。\n");
  EXPECT_EQ(open.outcome, Outcome::fail);
  EXPECT_THAT(open.message, HasSubstr("まず … without 最後に"));
}

TEST(ListCount, FullWidthAndParenthesisedNumbers) {
  EXPECT_EQ(three_measures("（１）マスク\n（２）換気\n（３）検査\n").outcome, Outcome::pass);
  EXPECT_EQ(three_measures("(1) マスク\n(2) 換気\n(3) 検査\n").outcome, Outcome::pass);
  EXPECT_EQ(three_measures("１．マスク\n２．換気\n３．検査\n").outcome, Outcome::pass);
}

TEST(ListCount, TheLongestOfSeveralListsIsJudged) {
  // A numbered calculation of two steps, then the measures numbered again from 1.
  const std::string text =
      "1. 閾値: 1-1/2.5 = 60%\n2. 追加: 10万人\n\n対策:\n1. マスク\n2. 換気\n3. 検査\n";
  const CheckResult result = three_measures(text);
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_EQ(result.message, "list-count: 3 numbered items, numbered 1..3 (the longest of 2 lists)");
  EXPECT_EQ(run("list-count", params({{"max", std::int64_t{2}}}), text).outcome, Outcome::fail);
}

TEST(ListCount, NumberedHeadingsCountWhenAsked) {
  const std::string text = "### 1. マスク\n効果…\n### 2. 換気\n効果…\n### 3. 検査\n";
  EXPECT_EQ(three_measures(text).outcome, Outcome::fail);
  const CheckResult result = run("list-count", params({{"min", std::int64_t{3}}, {"headings", true}}), text);
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_THAT(result.message, HasSubstr("3 numbered headings"));
  // Headings numbered after a label, as answers often name their measures.
  const auto headings = params({{"min", std::int64_t{3}}, {"headings", true}});
  EXPECT_EQ(run("list-count", headings, "### 対策1：検査\n- 効果\n### 対策2：マスク\n### 対策3：自粛\n").outcome, Outcome::pass);
  EXPECT_EQ(run("list-count", headings, "### Measure 1: Testing\n### Measure 2: Masks\n### Measure 3: Limits\n").outcome,
            Outcome::pass);
  EXPECT_EQ(run("list-count", headings, "## 2025年の状況\n## 2026年\n## 2027年\n").outcome, Outcome::fail);
}

TEST(ListCount, AHugeOneLineAnswerIsReadInOnePass) {
  // 512 KB of sentences on one line (a quadratic scan would take hours), ending in a sequence.
  std::string text;
  while (text.size() < (512u << 10)) text += "これは文です。";
  text += "まず、マスク。次に、換気。最後に、検査。";
  const CheckResult result = three_measures(text);
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message.substr(0, 200);
}

TEST(ListCount, RejectsUnusableParams) {
  EXPECT_EQ(param_error_field("list-count", params({})), "count");
  EXPECT_EQ(param_error_field("list-count", params({{"count", std::int64_t{-1}}})), "count");
  EXPECT_EQ(param_error_field("list-count", params({{"count", std::int64_t{3}}, {"min", std::int64_t{1}}})), "count");
  EXPECT_EQ(param_error_field("list-count", params({{"min", std::int64_t{5}}, {"max", std::int64_t{1}}})), "max");
}

TEST(ListCount, Describes) {
  EXPECT_EQ(testing::make_checker("list-count", params({{"count", std::int64_t{100}}}))->describe(),
            "a list of 100 items, numbered 1..100 where numbered");
  EXPECT_EQ(testing::make_checker("list-count", params({{"min", std::int64_t{3}}}))->describe(),
            "a list of at least 3 items, numbered from 1 without gaps where numbered");
}

}  // namespace
}  // namespace goodput::checkers
