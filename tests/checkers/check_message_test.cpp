// SPDX-License-Identifier: MIT
// The helpers are private to the checkers library, so they are included by path.
#include "../../checkers/src/check_message.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace goodput::checkers::detail {
namespace {

TEST(CheckMessage, QuoteTruncatesByCodePoints) {
  EXPECT_EQ(quote("abc"), "'abc'");
  EXPECT_EQ(quote(std::string(61, 'a')), "'" + std::string(60, 'a') + "…'");
  std::string japanese;
  for (int n = 0; n < 70; ++n) japanese += "字";
  std::string sixty;
  for (int n = 0; n < 60; ++n) sixty += "字";
  EXPECT_EQ(quote(japanese), "'" + sixty + "…'");
  EXPECT_EQ(quote("abcdef", 3), "'abc…'");
}

TEST(CheckMessage, QuoteShowsControlCharactersAndReplacesInvalidBytes) {
  EXPECT_EQ(quote("a\nb\tc\r"), "'a\\nb\\tc\\r'");
  EXPECT_EQ(quote("a\xff"), "'a\xEF\xBF\xBD'");
  EXPECT_EQ(quote(std::string("a\0b", 3)), "'a\xEF\xBF\xBD" "b'");
}

TEST(CheckMessage, QuoteAroundAddsEllipsesOnlyWhereCut) {
  const std::string text = "0123456789ABCDEFGHIJ";
  EXPECT_EQ(quote_around(text, 10, 11, 3), "'…789ABCD…'");
  EXPECT_EQ(quote_around(text, 1, 2, 3), "'01234…'");
  EXPECT_EQ(quote_around(text, 18, 20, 3), "'…FGHIJ'");
  EXPECT_EQ(quote_around("あいうえお", 6, 9, 1), "'…いうえ…'");
  EXPECT_EQ(quote_around("abc", 99, 100, 1), "'…c'");
}

TEST(CheckMessage, WithCommas) {
  EXPECT_EQ(with_commas(std::int64_t{0}), "0");
  EXPECT_EQ(with_commas(std::int64_t{999}), "999");
  EXPECT_EQ(with_commas(std::int64_t{2871}), "2,871");
  EXPECT_EQ(with_commas(std::int64_t{-1234567}), "-1,234,567");
  EXPECT_EQ(with_commas(std::numeric_limits<std::int64_t>::min()), "-9,223,372,036,854,775,808");
  EXPECT_EQ(with_commas(std::size_t{100000}), "100,000");
}

TEST(CheckMessage, FormatNumber) {
  EXPECT_EQ(format_number(100000), "100000");
  EXPECT_EQ(format_number(0.6), "0.6");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(150000000), "150000000");
  EXPECT_EQ(format_number(1e20), "1e+20");
}

TEST(CheckMessage, FormatSeconds) {
  EXPECT_EQ(format_seconds(12.4), "12.40");
  EXPECT_EQ(format_seconds(0.005), "0.01");
}

TEST(CheckMessage, CodePointIndex) {
  EXPECT_EQ(code_point_index("あいう", 6), 2u);
  EXPECT_EQ(code_point_index("あいう", 100), 3u);
}

}  // namespace
}  // namespace goodput::checkers::detail
