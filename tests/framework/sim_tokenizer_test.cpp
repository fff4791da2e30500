// SPDX-License-Identifier: MIT
#include "goodput/sim_tokenizer.hpp"

#include <numeric>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/utf8.hpp"

namespace goodput::sim {
namespace {

using ::testing::ElementsAre;

std::string join(const std::vector<std::string>& tokens) {
  return std::accumulate(tokens.begin(), tokens.end(), std::string());
}

// A token never ends inside a UTF-8 sequence: every token decodes on its own.
bool whole_code_points(const std::string& token) {
  for (std::size_t pos = 0, size = 0; pos < token.size(); pos += size) {
    if (utf8::decode(token, pos, size) == U'\uFFFD') return false;
  }
  return true;
}

TEST(SimTokenizer, RoundTripsEnglishJapaneseAndEmoji) {
  const std::vector<std::string> texts = {
      "The herd immunity threshold is 1 - 1/2.5 = 60%.\nDone.",
      "集団免疫閾値は60%です。追加で10万人の接種が必要です。",
      "月面都市「トランクィリタス」に十四日間続いた夜が明ける。",
      "Emoji 👍🏽 and flags 🇯🇵🇺🇸, mixed 東京 2024年 text\t tabs  and  double spaces",
      "",
      "   ",
      "\n\n\n",
  };
  for (const std::string& text : texts) {
    const auto tokens = sim_tokenize(text);
    EXPECT_EQ(join(tokens), text);
    for (const std::string& token : tokens) {
      EXPECT_FALSE(token.empty());
      EXPECT_TRUE(whole_code_points(token)) << token;
    }
  }
}

TEST(SimTokenizer, AsciiWordsTakeOneLeadingSpace) {
  EXPECT_THAT(sim_tokenize("Hello, world!"), ElementsAre("Hello", ",", " world", "!"));
  EXPECT_THAT(sim_tokenize("a  b"), ElementsAre("a", " ", " b"));
  EXPECT_THAT(sim_tokenize(" x1 22\n\ny"), ElementsAre(" x1", " 22", "\n", "\n", "y"));
  EXPECT_THAT(sim_tokenize("1. Red"), ElementsAre("1", ".", " Red"));
  EXPECT_THAT(sim_tokenize("100,000"), ElementsAre("100", ",", "000"));
}

TEST(SimTokenizer, NonAsciiRunsAreCutEveryThreeCodePoints) {
  EXPECT_THAT(sim_tokenize("日本語のテキスト"), ElementsAre("日本語", "のテキ", "スト"));
  EXPECT_THAT(sim_tokenize("東京は2024年"), ElementsAre("東京は", "2024", "年"));
  // A space before a non-ASCII character stays on its own.
  EXPECT_THAT(sim_tokenize("x 東京"), ElementsAre("x", " ", "東京"));
  // 👍🏽 is two code points (thumbs up + skin tone), eight bytes.
  EXPECT_THAT(sim_tokenize("👍🏽ok"), ElementsAre("👍🏽", "ok"));
  EXPECT_THAT(sim_tokenize("🇯🇵🇺🇸"), ElementsAre("🇯🇵🇺", "🇸"));
}

TEST(SimTokenizer, InvalidBytesCountAsOneCodePointEach) {
  const std::string text = "a\xff\xfe\xfd\xfc" "b";
  const auto tokens = sim_tokenize(text);
  EXPECT_EQ(join(tokens), text);
  EXPECT_THAT(tokens, ElementsAre("a", "\xff\xfe\xfd", "\xfc", "b"));
}

TEST(SimTokenizer, CountsOnFixedStrings) {
  EXPECT_EQ(sim_tokenize("The capital is Tokyo.").size(), 5U);
  // The reasoning of sim-reasoner in tests/data/sim-test-profiles.yaml is exactly 10 tokens.
  EXPECT_EQ(sim_tokenize("Japan's capital is Tokyo; answer it briefly").size(), 10U);
  EXPECT_EQ(sim_tokenize("17 times 23 is 340 plus 51, so 391").size(), 10U);
  EXPECT_EQ(sim_tokenize("Additive primaries of light are red, green and blue").size(), 10U);
  EXPECT_EQ(sim_tokenize("追加で10万人").size(), 3U);  // 追加で / 10 / 万人
}

}  // namespace
}  // namespace goodput::sim
