// SPDX-License-Identifier: MIT
#include "goodput/checkers/number_finder.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace goodput::checkers {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<double> values(std::string_view text) {
  std::vector<double> out;
  for (const FoundNumber& number : find_numbers(text)) out.push_back(number.value);
  return out;
}

std::vector<std::string> texts(std::string_view text) {
  std::vector<std::string> out;
  for (const FoundNumber& number : find_numbers(text)) out.push_back(number.text);
  return out;
}

// Each example is exactly one number with this value: nothing more, nothing less.
struct Single {
  const char* text;
  double value;
};

TEST(NumberFinder, ReadsEachFormAsExactlyOneNumber) {
  const Single examples[] = {
      {"100000", 100000},          {"100,000", 100000},        {"1,000,000", 1000000},
      {"100,000,000", 100000000},  {"10万", 100000},           {"10万人", 100000},
      {"１０万", 100000},          {"１００，０００", 100000}, {"1.5億", 150000000},
      {"1万5000", 15000},          {"1万5千", 15000},          {"3千", 3000},
      {"100万人", 1000000},        {"2億3000万", 230000000},   {"1億2345万6789", 123456789},
      {"十万", 100000},            {"二十", 20},               {"三千五百", 3500},
      {"二千二十五", 2025},        {"二〇二五年", 2025},       {"百人", 100},
      {"一千万", 10000000},        {"1,000万", 10000000},      {"0.6", 0.6},
      {"2.5", 2.5},                {"-3", -3},                 {"−3度", -3},
      {"+7", 7},                   {"1.5 million", 1500000},   {"2 billion", 2e9},
      {"100k", 100000},            {"1e5", 100000},            {"3.2e-3", 0.0032},
      {"R0 = 2.5", 2.5},           {"５０００円", 5000},       {"No.1", 1},
      {"5km", 5},                  {"3D", 3},                  {"気温は-3度", -3},
  };
  for (const Single& example : examples) {
    EXPECT_THAT(values(example.text), ElementsAre(DoubleEq(example.value))) << example.text;
  }
}

TEST(NumberFinder, PercentIsReadBothWays) {
  for (const char* text : {"60%", "60 %", "60％", "６０％", "60パーセント", "60 percent"}) {
    const auto found = find_numbers(text);
    ASSERT_EQ(found.size(), 1u) << text;
    EXPECT_EQ(found[0].value, 60) << text;
    EXPECT_THAT(found[0].interpretations, ElementsAre(DoubleEq(60), DoubleEq(0.6))) << text;
    EXPECT_EQ(found[0].text, text);
  }
}

TEST(NumberFinder, WariIsTenths) {
  const auto found = find_numbers("6割の人");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_THAT(found[0].interpretations, ElementsAre(DoubleEq(6), DoubleEq(60), DoubleEq(0.6)));
}

TEST(NumberFinder, KeepsOffsetsAndTextOfTheOriginal) {
  const std::string text = "追加で１０万人、つまり60%";
  const auto found = find_numbers(text);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].text, "１０万");
  EXPECT_EQ(text.substr(found[0].begin, found[0].end - found[0].begin), "１０万");
  EXPECT_EQ(found[0].begin, std::string("追加で").size());
  EXPECT_EQ(found[1].text, "60%");
  EXPECT_EQ(found[1].end, text.size());
}

TEST(NumberFinder, IdentifiersAreNotNumbers) {
  for (const char* text : {"R0", "H2O", "mp3", "v2", "COVID-19", "GPT-4o-mini", "Python3.11", "x_1", "Ｒ０",
                           "0x1F", "v1.2.3", "192.168.0.1", "1.2.3"}) {
    EXPECT_THAT(values(text), IsEmpty()) << text;
  }
  EXPECT_THAT(values("COVID-19の基本再生産数R0は2.5"), ElementsAre(DoubleEq(2.5)));
}

TEST(NumberFinder, NeverYieldsPartOfALargerNumber) {
  EXPECT_THAT(values("1,000,000人"), ElementsAre(DoubleEq(1000000)));
  EXPECT_THAT(values("100,000"), ElementsAre(DoubleEq(100000)));
  EXPECT_THAT(values("10万"), ElementsAre(DoubleEq(100000)));
  EXPECT_THAT(values("3.5 は"), ElementsAre(DoubleEq(3.5)));
  EXPECT_THAT(values("100,000,000"), ElementsAre(DoubleEq(100000000)));
}

TEST(NumberFinder, ThousandsGroupsMustHaveThreeDigits) {
  EXPECT_THAT(values("1,50"), ElementsAre(DoubleEq(1), DoubleEq(50)));
  EXPECT_THAT(values("1,2,3"), ElementsAre(DoubleEq(1), DoubleEq(2), DoubleEq(3)));
  EXPECT_THAT(values("1234,567"), ElementsAre(DoubleEq(1234), DoubleEq(567)));
  EXPECT_THAT(values("1,5000"), ElementsAre(DoubleEq(1), DoubleEq(5000)));
}

TEST(NumberFinder, MinusAfterANumberIsSubtractionNotASign) {
  EXPECT_THAT(values("1 - 1/2.5 = 0.6"), ElementsAre(DoubleEq(1), DoubleEq(1), DoubleEq(2.5), DoubleEq(0.6)));
  EXPECT_THAT(values("60% -10"), ElementsAre(DoubleEq(60), DoubleEq(10)));
  EXPECT_THAT(values("差は -5 です"), ElementsAre(DoubleEq(-5)));
}

TEST(NumberFinder, DatesAreThreePlainNumbers) {
  EXPECT_THAT(values("2025年8月5日"), ElementsAre(DoubleEq(2025), DoubleEq(8), DoubleEq(5)));
  EXPECT_THAT(values("2025-08-05"), ElementsAre(DoubleEq(2025), DoubleEq(8), DoubleEq(5)));
}

TEST(NumberFinder, RangesShareTheirUnit) {
  const auto percent = find_numbers("50〜60%");
  ASSERT_EQ(percent.size(), 2u);
  EXPECT_THAT(percent[0].interpretations, ElementsAre(DoubleEq(50), DoubleEq(0.5)));
  EXPECT_THAT(percent[1].interpretations, ElementsAre(DoubleEq(60), DoubleEq(0.6)));

  const auto man = find_numbers("50～60万人");
  ASSERT_EQ(man.size(), 2u);
  EXPECT_THAT(man[0].interpretations, ElementsAre(DoubleEq(50), DoubleEq(500000)));
  EXPECT_EQ(man[1].value, 600000);

  EXPECT_THAT(values("10-20"), ElementsAre(DoubleEq(10), DoubleEq(20)));
  // No unit after the second number: the first is left as it is.
  EXPECT_THAT(find_numbers("50〜60人")[0].interpretations, ElementsAre(DoubleEq(50)));
}

TEST(NumberFinder, LoneKanjiInWordsAreNotNumbers) {
  for (const char* text : {"一般的に", "十分です", "千葉県", "統一", "万が一", "〇〇さん", "数百万人", "何十回も"}) {
    EXPECT_THAT(values(text), IsEmpty()) << text;
  }
  EXPECT_THAT(values("一人ずつ"), ElementsAre(DoubleEq(1)));
  EXPECT_THAT(values("三つの対策"), ElementsAre(DoubleEq(3)));
}

TEST(NumberFinder, DescendingUnitsOnly) {
  EXPECT_THAT(texts("1万50000"), ElementsAre("1万", "50000"));
  EXPECT_THAT(texts("1万2万"), ElementsAre("1万", "2万"));
}

// "一二三…" repeated: kanji digits read place by place, `count` of them.
std::string kanji_digits(std::size_t count) {
  static constexpr std::string_view k_digits[] = {"一", "二", "三"};
  std::string text;
  for (std::size_t n = 0; n < count; ++n) text += k_digits[n % 3];
  return text;
}

// Found by a large input replayed through fuzz/number_finder.cpp: a long run of kanji digits was read again from each of its
// digits (100 KB took 19 s, 400 KB 9 minutes); now it is read once and, being beyond a double,
// is no number, as a long run of ASCII digits is not.
TEST(NumberFinder, LongRunOfKanjiDigitsIsReadOnce) {
  EXPECT_THAT(values(kanji_digits(300'000)), IsEmpty());
  EXPECT_THAT(values(kanji_digits(400) + "、二〇二五年"), ElementsAre(DoubleEq(2025)));
  EXPECT_THAT(values("〇〇〇〇〇〇一人"), ElementsAre(DoubleEq(1)));
}

TEST(NumberFinder, OddInputNeverThrows) {
  EXPECT_THAT(values(""), IsEmpty());
  EXPECT_THAT(values("\xff\xfe\xe3\x81"), IsEmpty());
  EXPECT_THAT(values("\xff" "12\xfe"), ElementsAre(DoubleEq(12)));
  EXPECT_THAT(values(std::string(400, '9')), IsEmpty());  // beyond a double
  EXPECT_THAT(values(kanji_digits(400)), IsEmpty());        // beyond a double too
  EXPECT_THAT(values("1e999"), IsEmpty());
  EXPECT_THAT(values("-"), IsEmpty());
  EXPECT_THAT(values("%"), IsEmpty());
  const std::string many = [] {
    std::string text;
    for (int n = 0; n < 20000; ++n) text += std::to_string(n) + "万、";
    return text;
  }();
  EXPECT_EQ(find_numbers(many).size(), 20000u);
}

}  // namespace
}  // namespace goodput::checkers
