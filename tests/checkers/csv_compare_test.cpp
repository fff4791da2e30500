// SPDX-License-Identifier: MIT
// The helpers are private to the checkers library, so they are included by path.
#include "../../checkers/src/csv_compare.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace goodput::checkers::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

CsvTable table(std::string_view text) {
  CsvParse parsed = parse_csv(text);
  EXPECT_FALSE(parsed.error.has_value()) << parsed.error->message;
  return parsed.table;
}

std::string difference(std::string_view expected, std::string_view produced) {
  const auto diff = compare_csv(table(expected), table(produced));
  return diff ? diff->message : "<same>";
}

TEST(CsvParse, ReadsQuotedFieldsWithCommasQuotesAndLineBreaks) {
  const CsvTable t = table("id,note\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"x\ny\"\r\n");
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_THAT(t.rows[1], ElementsAre("1", "a, b"));
  EXPECT_THAT(t.rows[2], ElementsAre("2", "say \"hi\""));
  EXPECT_THAT(t.rows[3], ElementsAre("3", "x\ny"));
  EXPECT_EQ(t.line_ending, "\r\n");
}

TEST(CsvParse, AcceptsLfCrlfABomAndNoFinalLineBreak) {
  EXPECT_EQ(table("a,b\n1,2\n").rows, table("a,b\r\n1,2\r\n").rows);
  EXPECT_EQ(table("a,b\n1,2").rows, table("a,b\n1,2\n").rows);
  const CsvTable bom = table("\xEF\xBB\xBF" "名前,都市\n山田,東京\n");
  EXPECT_TRUE(bom.had_bom);
  EXPECT_THAT(bom.rows[0], ElementsAre("名前", "都市"));
}

TEST(CsvParse, EmptyCellsAndBlankLines) {
  EXPECT_THAT(table("a,,\n").rows[0], ElementsAre("a", "", ""));
  // A blank line is a record with no cells; "" is one empty cell.
  const CsvTable t = table("v\n\n\"\"\n");
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_TRUE(t.rows[1].empty());
  EXPECT_THAT(t.rows[2], ElementsAre(""));
}

TEST(CsvParse, EmptyTextAndASingleBlankLineAreAnEmptyTable) {
  EXPECT_TRUE(table("").rows.empty());
  EXPECT_TRUE(table("\r\n").rows.empty());  // csv.DictWriter with no fields
  EXPECT_TRUE(table("\xEF\xBB\xBF\r\n").rows.empty());
  EXPECT_EQ(table("\r\n\r\n").rows.size(), 2u);
}

TEST(CsvParse, ReadsStrayQuotesAsPythonDoes) {
  // A quote inside an unquoted field is an ordinary character; text after a closing quote is
  // appended to the value.
  EXPECT_THAT(table("say \"hi\",x\n").rows[0], ElementsAre("say \"hi\"", "x"));
  EXPECT_THAT(table("\"quoted\" start,x\n").rows[0], ElementsAre("quoted start", "x"));
}

TEST(CsvParse, AnUnclosedQuoteIsMalformed) {
  const CsvParse parsed = parse_csv("a,b\n1,\"open\n2,3\n");
  ASSERT_TRUE(parsed.error.has_value());
  EXPECT_EQ(parsed.error->line, 2u);
  EXPECT_THAT(parsed.error->message, HasSubstr("opened on line 2 is never closed"));
}

TEST(CsvCompare, SameTableUnderDifferentSpellings) {
  EXPECT_EQ(difference("id,note\n1,\"a, b\"\n", "\xEF\xBB\xBFid,note\r\n1,\"a, b\"\r\n"), "<same>");
  EXPECT_EQ(difference("id,note\n1,x\n", "\"id\",\"note\"\n\"1\",\"x\""), "<same>");
  // A line break inside a cell may be \r\n or \n.
  EXPECT_EQ(difference("a\n\"x\ny\"\n", "a\r\n\"x\r\ny\"\r\n"), "<same>");
  EXPECT_EQ(difference("", "\r\n"), "<same>");
}

TEST(CsvCompare, ReportsTheFirstDifferingRowAndColumnByName) {
  EXPECT_EQ(difference("id,note\n1,x\n2,\"a, b\"\n", "id,note\n1,x\n2,a, b\n"),
            "row 2, column note: expected 'a, b' got 'a'");
}

TEST(CsvCompare, ReportsHeaderDifferences) {
  EXPECT_THAT(difference("zeta,alpha\nz,a\n", "alpha,zeta\na,z\n"),
              HasSubstr("header, column 1: expected 'zeta' got 'alpha'"));
  EXPECT_THAT(difference("id,name,email\n", "id,name\n"),
              HasSubstr("header: expected 3 columns ('id', 'name', 'email') got 2"));
}

TEST(CsvCompare, AnExtraBlankLineAtTheEndIsADifference) {
  EXPECT_EQ(difference("a\n1\n", "a\r\n1\r\n\r\n"),
            "row 2: expected the end of the CSV, got an extra blank line at the end");
}

TEST(CsvCompare, MissingAndExtraRowsAndCells) {
  EXPECT_THAT(difference("a\n1\n2\n", "a\n1\n"), HasSubstr("row 2: expected '2', but the CSV ends there (1 row missing)"));
  EXPECT_THAT(difference("a\n1\n", "a\n1\n2\n"), HasSubstr("row 2: expected the end of the CSV, got an extra row '2'"));
  EXPECT_EQ(difference("a,b\n1,\n", "a,b\n1\n"), "row 1: expected 2 cells got 1 (column b missing)");
  EXPECT_EQ(difference("v\n\"\"\n", "v\n\n"), "row 1: expected 1 cell got a blank line");
  EXPECT_THAT(difference("", "a\n"), HasSubstr("expected an empty CSV"));
  EXPECT_THAT(difference("a\n", ""), HasSubstr("expected the header 'a', but the CSV is empty"));
}

TEST(CsvCompare, JapaneseCellsAreComparedExactly) {
  EXPECT_EQ(difference("名前\n山田\n", "名前\n\\u5c71\\u7530\n"),
            "row 1, column 名前: expected '山田' got '\\u5c71\\u7530'");
}

}  // namespace
}  // namespace goodput::checkers::detail
