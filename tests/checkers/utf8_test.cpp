// SPDX-License-Identifier: MIT
// goodput::utf8 lives in the core library; its tests sit here because the checkers are its
// main users and this binary links it.
#include "goodput/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace goodput {
namespace {

TEST(Utf8, LengthCountsCodePoints) {
  EXPECT_EQ(utf8::length(""), 0u);
  EXPECT_EQ(utf8::length("abc"), 3u);
  EXPECT_EQ(utf8::length("月面都市"), 4u);
  EXPECT_EQ(std::string("月面都市").size(), 12u);
  EXPECT_EQ(utf8::length("é"), 1u);
  EXPECT_EQ(utf8::length("😀"), 1u);
}

TEST(Utf8, InvalidBytesCountOnceEach) {
  EXPECT_EQ(utf8::length("\xff"), 1u);
  EXPECT_EQ(utf8::length("a\xe3\x81"), 3u);   // a sequence cut short
  EXPECT_EQ(utf8::length("\xc0\xaf"), 2u);    // an overlong '/'
  EXPECT_EQ(utf8::length("\xed\xa0\x80"), 3u);  // a surrogate
}

TEST(Utf8, DecodeReportsSizeAndReplacement) {
  std::size_t size = 0;
  EXPECT_EQ(utf8::decode("あ", 0, size), U'あ');
  EXPECT_EQ(size, 3u);
  EXPECT_EQ(utf8::decode("x😀", 1, size), U'😀');
  EXPECT_EQ(size, 4u);
  EXPECT_EQ(utf8::decode("\xc0\xaf", 0, size), U'\uFFFD');
  EXPECT_EQ(size, 1u);
  EXPECT_EQ(utf8::decode("\xe3\x81", 0, size), U'\uFFFD');
  EXPECT_EQ(size, 1u);
}

TEST(Utf8, AppendRoundTrips) {
  for (const char32_t cp : {U'a', U'é', U'あ', U'😀', U'\u3000'}) {
    std::string text;
    utf8::append(text, cp);
    std::size_t size = 0;
    EXPECT_EQ(utf8::decode(text, 0, size), cp);
    EXPECT_EQ(size, text.size());
  }
}

TEST(Utf8, FoldFullWidth) {
  EXPECT_EQ(utf8::fold_full_width("１０万"), "10万");
  EXPECT_EQ(utf8::fold_full_width("ＡＩ！６０％"), "AI!60%");
  EXPECT_EQ(utf8::fold_full_width("a\u3000b"), "a b");
  EXPECT_EQ(utf8::fold_full_width("ひらがなカタカナ漢字"), "ひらがなカタカナ漢字");
  EXPECT_EQ(utf8::fold_full_width("\xff１"), "\xff" "1");
}

}  // namespace
}  // namespace goodput
