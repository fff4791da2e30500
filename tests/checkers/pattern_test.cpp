// SPDX-License-Identifier: MIT
// goodput/pattern.hpp: the engine under the `regex` assertion and the simulator's answers.
#include "goodput/pattern.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace goodput {
namespace {

using ::testing::HasSubstr;

std::string matched(const Pattern& pattern, std::string_view text) {
  const auto match = pattern.find(text);
  return match ? std::string(text.substr(match->begin, match->end - match->begin)) : "(none)";
}

TEST(Pattern, EachPatternAndOptionsIsCompiledOnceAndShared) {
  const auto first = Pattern::get(R"(^第\d+章)");
  EXPECT_EQ(Pattern::get(R"(^第\d+章)").get(), first.get());
  EXPECT_NE(Pattern::get(R"(^第\d+章)", {.ignore_case = true}).get(), first.get());
  EXPECT_NE(Pattern::get(R"(^第\d+章)", {.dotall = true}).get(), first.get());
  EXPECT_EQ(Pattern::get(R"(^第\d+章)", {.ignore_case = true}).get(),
            Pattern::get(R"(^第\d+章)", {.ignore_case = true}).get());
}

TEST(Pattern, SharedAcrossThreadsEachWithItsOwnMatchState) {
  // The cache keeps a pattern while a task holds it, as loaded tasks do; without this
  // reference a thread that finished early would let the next one compile it anew.
  const auto held = Pattern::get(R"(\p{Han}+)");
  std::vector<std::thread> threads;
  std::vector<std::size_t> counts(8);
  std::vector<const Pattern*> seen(8);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    threads.emplace_back([&, i] {
      const auto pattern = Pattern::get(R"(\p{Han}+)");
      seen[i] = pattern.get();
      std::string text;
      for (int n = 0; n < 1000; ++n) text += "東京と大阪 ";
      for (int round = 0; round < 20; ++round) counts[i] = pattern->count(text);
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    EXPECT_EQ(counts[i], 2000u);
    EXPECT_EQ(seen[i], held.get());
  }
}

TEST(Pattern, MatchesAreByteOffsetsOfWholeCharacters) {
  const auto pattern = Pattern::get("い.");
  const auto match = pattern->find("あいう");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->begin, 3u);
  EXPECT_EQ(match->end, 9u);
}

TEST(Pattern, CountIsNonOverlappingAndEmptyMatchesMoveOnOneCharacter) {
  EXPECT_EQ(Pattern::get("aa")->count("aaaaa"), 2u);
  EXPECT_EQ(Pattern::get("x*")->count("あxい"), 4u);  // "" "x" "" "" as in Perl
  EXPECT_EQ(Pattern::get("^")->count("一\n二\n三"), 3u);
  EXPECT_EQ(Pattern::get("z")->count(""), 0u);
}

TEST(Pattern, StartOfPatternItemsStayFirst) {
  EXPECT_EQ(matched(*Pattern::get("(*UCP)(*LIMIT_MATCH=1000)a+"), "baaa"), "aaa");
}

TEST(Pattern, TrailingCommentAndUnendedQuoteStillCompile) {
  EXPECT_EQ(matched(*Pattern::get("(?x) a b # the letters a and b"), "xaby"), "ab");
  EXPECT_EQ(matched(*Pattern::get(R"(\Q(*)?)"), "x(*)?y"), "(*)?");
  // The pattern's own callouts are left alone.
  EXPECT_EQ(matched(*Pattern::get("a(?C1)b"), "xaby"), "ab");
}

TEST(Pattern, ErrorNamesTheReasonAndPointsAtIt) {
  try {
    Pattern::get("ab(?<name");
    FAIL() << "compiled";
  } catch (const PatternError& error) {
    EXPECT_THAT(error.what(), HasSubstr("at character"));
    EXPECT_EQ(error.pointer("  "), "  ab(?<name\n" + std::string(2 + error.offset(), ' ') + "^");
  }
  try {
    Pattern::get("(?x)\nab\n[あ\n\n");
    FAIL() << "compiled";
  } catch (const PatternError& error) {
    // The line of a multi-line pattern that holds the error.
    EXPECT_EQ(error.pointer(""), "[あ\n   ^");
  }
  try {
    Pattern::get(std::string(100, 'a') + "(" + std::string(100, 'b'));
    FAIL() << "compiled";
  } catch (const PatternError& error) {
    // A long pattern is cut to 30 characters either side of the error.
    EXPECT_EQ(error.pointer(""), "…" + std::string(30, 'b') + "\n" + std::string(31, ' ') + "^");
  }
}

// Each start position stays under the match limit here, but there are a million of them:
// only the time limit of the whole search ends it.
TEST(Pattern, BoundedBacktrackingFromEveryPositionHitsTheTimeLimit) {
  const std::string text = std::string(1'000'000, 'a') + "!";
  try {
    Pattern::get("(?:a|aa){1,22}$")->count(text, std::chrono::milliseconds(100));
    FAIL() << "finished";
  } catch (const PatternLimitError& error) {
    EXPECT_STREQ(error.what(), "hit the time limit (100 ms for one search)");
  }
}

TEST(Pattern, NestedQuantifiersHitTheMatchLimit) {
  try {
    Pattern::get("(a+)+$")->find(std::string(10'000, 'a') + "!");
    FAIL() << "finished";
  } catch (const PatternLimitError& error) {
    EXPECT_STREQ(error.what(), "hit the match limit (10,000,000 backtracking steps from one position)");
  }
}

}  // namespace
}  // namespace goodput
