// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "../../checkers/src/output_compare.hpp"

namespace goodput::checkers::detail {
namespace {

using ::testing::HasSubstr;

OutputVerdict compare(OutputFormat format, const std::string& expected, const std::string& produced) {
  return compare_output(read_expected_output(format, expected), produced);
}

TEST(OutputCompare, FormatsByExtension) {
  EXPECT_EQ(output_format_of("csv"), OutputFormat::csv);
  EXPECT_EQ(output_format_of("json"), OutputFormat::json);
  EXPECT_EQ(output_format_of("out"), OutputFormat::text);
  EXPECT_EQ(output_format_of("txt"), OutputFormat::text);
}

TEST(OutputCompare, JsonIsComparedAsValues) {
  EXPECT_TRUE(compare(OutputFormat::json, R"({"a": 1, "b": [1, 2]})", R"({"b":[1,2.0],"a":1})").matches);
  EXPECT_EQ(compare(OutputFormat::json, R"({"a": {"b": [1, 2]}})", R"({"a": {"b": [1, 3]}})").message,
            "the JSON differs at /a/b/1: expected 2, got 3");
  EXPECT_EQ(compare(OutputFormat::json, R"({"a": 1})", R"({"a": 1, "c": 2})").message,
            "the JSON differs at /: unexpected key 'c'");
  EXPECT_EQ(compare(OutputFormat::json, R"({"a": 1, "c": 2})", R"({"a": 1})").message, "the JSON differs at /: missing key 'c'");
  EXPECT_EQ(compare(OutputFormat::json, "[1, 2]", "[1]").message, "the JSON differs at /: expected 2 items, got 1");
  EXPECT_THAT(compare(OutputFormat::json, R"({"a": "1"})", R"({"a": 1})").message,
              HasSubstr("at /a: expected string '\"1\"', got number '1'"));
  EXPECT_THAT(compare(OutputFormat::json, "{}", "{'a': 1}").message, HasSubstr("the output is not JSON"));
  EXPECT_THAT(compare(OutputFormat::json, "[]", std::string(10000, '[') + std::string(10000, ']')).message,
              HasSubstr("nests deeper than 64 levels"));
  EXPECT_THROW(read_expected_output(OutputFormat::json, "{oops"), std::invalid_argument);
}

TEST(OutputCompare, TextIsExactExceptLineEndingsAndOneFinalNewline) {
  EXPECT_TRUE(compare(OutputFormat::text, "6\n", "6").matches);
  EXPECT_TRUE(compare(OutputFormat::text, "a\nb\n", "a\r\nb\r\n").matches);
  EXPECT_EQ(compare(OutputFormat::text, "a\nb\n", "a\nc\n").message, "line 2: expected 'b', got 'c'");
  EXPECT_EQ(compare(OutputFormat::text, "a\n", "a\n\n").message, "expected 1 line, got 2 lines (the first extra: '')");
  EXPECT_EQ(compare(OutputFormat::text, "a\nb\n", "a\n").message, "expected 2 lines, got 1 line");
  EXPECT_EQ(compare(OutputFormat::text, "a \n", "a\n").message, "line 1: expected 'a ', got 'a'");
  EXPECT_TRUE(compare(OutputFormat::text, "", "").matches);
}

TEST(OutputCompare, CsvKeepsItsRules) {
  EXPECT_EQ(compare(OutputFormat::csv, "a,b\r\n1,2\r\n", "a,b\n1,2\n").message, "matches (1 row, \\n)");
  EXPECT_FALSE(compare(OutputFormat::csv, "a,b\n1,2\n", "b,a\n2,1\n").matches);
  EXPECT_THROW(read_expected_output(OutputFormat::csv, "\"open"), std::invalid_argument);
}

}  // namespace
}  // namespace goodput::checkers::detail
