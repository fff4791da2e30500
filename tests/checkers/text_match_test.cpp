// SPDX-License-Identifier: MIT
// The helpers are private to the checkers library, so they are included by path.
#include "../../checkers/src/text_match.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "goodput/utf8.hpp"

namespace goodput::checkers::detail {
namespace {

using ::testing::ElementsAre;

TEST(TextMatch, FoldForMatchLowersAsciiAndFoldsWidth) {
  EXPECT_EQ(fold_for_match("ＡＩとAi"), "aiとai");
  EXPECT_EQ(fold_for_match("ÉCOLE"), "École");  // only ASCII letters change case
}

TEST(TextMatch, FoldingKeepsOneCodePointPerCodePoint) {
  for (const std::string text : {"ＡＩ\u3000と６０％", "\xff\xef\xbc\x91", "\xe3\x80\xef\xbc\xa1", "plain"}) {
    EXPECT_EQ(utf8::length(fold_for_match(text)), utf8::length(text)) << text;
  }
}

TEST(TextMatch, FindAllIsNonOverlappingAndLimited) {
  EXPECT_THAT(find_all("aaaa", "aa"), ElementsAre(0u, 2u));
  EXPECT_THAT(find_all("abcabc", "c", 1), ElementsAre(2u));
  EXPECT_THAT(find_all("abc", ""), ElementsAre());
}

TEST(TextMatch, FindLooseReturnsTheOriginalBytes) {
  const std::string text = "答えは６０％です";
  const auto span = find_loose(text, "60%");
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(text.substr(span->begin, span->end - span->begin), "６０％");
  EXPECT_FALSE(find_loose(text, "70%").has_value());
}

TEST(TextMatch, CodePointIndexMapsBothWays) {
  const CodePointIndex index("aあb");
  EXPECT_EQ(index.size(), 3u);
  EXPECT_EQ(index.index_of(0), 0u);
  EXPECT_EQ(index.index_of(2), 1u);  // inside あ
  EXPECT_EQ(index.index_of(4), 2u);
  EXPECT_EQ(index.index_of(5), 3u);
  EXPECT_EQ(index.byte_of(1), 1u);
  EXPECT_EQ(index.byte_of(2), 4u);
  EXPECT_EQ(index.byte_of(9), 5u);
}

}  // namespace
}  // namespace goodput::checkers::detail
