// SPDX-License-Identifier: MIT
// Reading CSV text and comparing two tables: the judge behind `python-passes` for CSV output.
// The expected CSV (a fixture file) and the CSV a candidate produced are both parsed here, in
// goodput's own process, so nothing the candidate prints can change the verdict.
//
// Reading rules (RFC 4180, read the way Python's csv.reader reads it, default dialect):
// - an optional UTF-8 byte order mark at the start is skipped;
// - records end at "\r\n", "\n" or a lone "\r"; one line terminator after the last record is
//   optional (so "a,b\r\n" and "a,b" are the same table), but every further one is a record
//   of its own: an extra blank line at the end is a difference (a blank line is a record with
//   no cells, and a blank line in the middle counts the same way), except that a text whose
//   only content is one blank line is an empty table (csv.DictWriter's header for no fields);
// - a field starting with '"' is quoted: it runs to the next lone '"', "" inside it stands for
//   one '"', and commas and line breaks inside it are part of the value; characters after the
//   closing quote, up to the next comma or line end, are appended to the value (as Python does);
// - a '"' inside an unquoted field is an ordinary character (Python and Excel read it so);
// - a quoted field still open at the end of the text makes the CSV malformed.
// Comparing rules: the first record is the header and must match exactly (names and order);
// then records are compared in order, cell by cell, by exact text, except that a line break
// inside a cell may be "\r\n" or "\n". A record with fewer or more cells than expected is a
// difference.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goodput::checkers::detail {

using CsvRow = std::vector<std::string>;

struct CsvTable {
  std::vector<CsvRow> rows;  // rows[0] is the header when there is one
  bool had_bom = false;
  std::string line_ending;   // "\r\n", "\n", "\r", "mixed" or "" (single line)
};

struct CsvParseError {
  std::size_t line = 0;  // 1-based line of the text where the problem starts
  std::string message;
};

struct CsvParse {
  CsvTable table;
  std::optional<CsvParseError> error;
};

CsvParse parse_csv(std::string_view text);

struct CsvDifference {
  // 0: the header; n >= 1: the n-th record after the header (the JSON input's record n - 1).
  std::size_t row = 0;
  std::string column;  // header name, or "column 4" when there is no name; empty for row-level
  std::string message; // "row 2, column note: expected 'a, b' got 'a'"
};

// The first difference between the expected table and the produced one, or nothing when they
// are the same table under the rules above.
std::optional<CsvDifference> compare_csv(const CsvTable& expected, const CsvTable& produced);

}  // namespace goodput::checkers::detail
