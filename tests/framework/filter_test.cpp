// --filter follows --gtest_filter exactly: these cases are gtest's documented behaviour
// (and that of UnitTestOptions::FilterMatchesTest for the corner cases).
#include <gtest/gtest.h>

#include "goodput/filter.hpp"

namespace goodput {
namespace {

TEST(Filter, DefaultSelectsEverything) {
  const TaskFilter f;
  EXPECT_TRUE(f.matches("seed.json_to_csv"));
  EXPECT_TRUE(f.matches("a.b"));
  EXPECT_TRUE(f.selects_everything());
}

TEST(Filter, ExactIdMatchesOnlyThatId) {
  const TaskFilter f("mini.capital");
  EXPECT_TRUE(f.matches("mini.capital"));
  EXPECT_FALSE(f.matches("mini.capitals"));
  EXPECT_FALSE(f.matches("xmini.capital"));
  EXPECT_FALSE(f.matches("mini.Capital"));  // case-sensitive, as in gtest
}

TEST(Filter, StarMatchesAnyRunIncludingNone) {
  const TaskFilter f("mini.*");
  EXPECT_TRUE(f.matches("mini.capital"));
  EXPECT_TRUE(f.matches("mini."));
  EXPECT_FALSE(f.matches("minis.capital"));
  EXPECT_TRUE(TaskFilter("*capital").matches("mini.capital"));
  EXPECT_TRUE(TaskFilter("*.*").matches("a.b"));
  EXPECT_TRUE(TaskFilter("m*i*l").matches("mini.capital"));
}

TEST(Filter, QuestionMarkMatchesExactlyOneCharacter) {
  const TaskFilter f("mini.c?pital");
  EXPECT_TRUE(f.matches("mini.capital"));
  EXPECT_TRUE(f.matches("mini.c.pital"));  // '?' also matches the dot
  EXPECT_FALSE(f.matches("mini.cpital"));
  EXPECT_FALSE(f.matches("mini.caapital"));
  EXPECT_TRUE(TaskFilter("???").matches("a.b"));
  EXPECT_FALSE(TaskFilter("???").matches("a.bc"));
}

TEST(Filter, DotIsAnOrdinaryCharacter) {
  // Ids with more dots in the name (names are free text in YAML): the pattern is over the
  // whole id, and '.' has no special meaning.
  EXPECT_TRUE(TaskFilter("seed.v1.2.*").matches("seed.v1.2.long_story"));
  EXPECT_FALSE(TaskFilter("seed.v1.2.*").matches("seed.v1x2.long_story"));
  EXPECT_TRUE(TaskFilter("*.2.*").matches("seed.v1.2.long_story"));
}

TEST(Filter, ColonSeparatesPositivePatterns) {
  const TaskFilter f("mini.capital:seed.*:other.x?");
  EXPECT_TRUE(f.matches("mini.capital"));
  EXPECT_TRUE(f.matches("seed.anything"));
  EXPECT_TRUE(f.matches("other.x1"));
  EXPECT_FALSE(f.matches("other.x12"));
  EXPECT_FALSE(f.matches("mini.colors"));
}

TEST(Filter, NegativePatternsRemoveFromThePositiveOnes) {
  const TaskFilter f("mini.*:seed.*-mini.col*:seed.long*");
  EXPECT_TRUE(f.matches("mini.capital"));
  EXPECT_FALSE(f.matches("mini.colors"));
  EXPECT_TRUE(f.matches("seed.json_to_csv"));
  EXPECT_FALSE(f.matches("seed.long_story_en"));
  EXPECT_FALSE(f.matches("other.x"));
}

TEST(Filter, NegativeOnlyMeansEverythingBut) {
  const TaskFilter f("-mini.capital:*.slow*");
  EXPECT_FALSE(f.matches("mini.capital"));
  EXPECT_FALSE(f.matches("seed.slow_story"));
  EXPECT_TRUE(f.matches("mini.colors"));
  EXPECT_TRUE(f.matches("seed.json_to_csv"));
  EXPECT_FALSE(f.selects_everything());
}

TEST(Filter, OnlyTheFirstDashSplits) {
  // gtest keeps later dashes in the negative patterns: "-a-b" excludes the id "a-b".
  const TaskFilter f("*-s.a-b");
  EXPECT_FALSE(f.matches("s.a-b"));
  EXPECT_TRUE(f.matches("s.a"));
  EXPECT_TRUE(f.matches("s.b"));
}

TEST(Filter, EmptyPatternsMatchOnlyTheEmptyId) {
  EXPECT_FALSE(TaskFilter("").matches("a.b"));  // gtest: --gtest_filter= runs nothing
  EXPECT_TRUE(TaskFilter("").matches(""));
  // A trailing ':' adds an empty pattern, harmless.
  EXPECT_TRUE(TaskFilter("a.b:").matches("a.b"));
  EXPECT_FALSE(TaskFilter("a.b:").matches("a.c"));
  // Nothing after the dash: the negative side excludes nothing real.
  EXPECT_TRUE(TaskFilter("a.*-").matches("a.b"));
  // Nothing before the dash: everything.
  EXPECT_TRUE(TaskFilter("-").matches("a.b"));
}

TEST(Filter, TextIsKeptAsGiven) { EXPECT_EQ(TaskFilter("a.*-a.b").text(), "a.*-a.b"); }

TEST(Glob, BacktracksAcrossSeveralStars) {
  EXPECT_TRUE(glob_matches("*a*b*c", "xxaxxbxxc"));
  EXPECT_FALSE(glob_matches("*a*b*c", "xxaxxcxxb"));
  EXPECT_TRUE(glob_matches("a*", "a"));
  EXPECT_TRUE(glob_matches("**", ""));
  EXPECT_FALSE(glob_matches("?", ""));
  EXPECT_TRUE(glob_matches("*?", "x"));
  // Would take exponential time with a naive recursive matcher.
  EXPECT_FALSE(glob_matches("*a*a*a*a*a*a*a*a*a*a*a*a*b", std::string(200, 'a')));
}

}  // namespace
}  // namespace goodput
