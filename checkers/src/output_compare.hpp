// SPDX-License-Identifier: MIT
// Private: what `python-passes` compares a fixture's output with, by the expected file's
// extension: CSV tables (csv_compare.hpp), JSON values (equal as values: key order, spacing
// and 1 vs 1.0 do not matter), or text (line endings and one final newline aside, exact).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "csv_compare.hpp"

namespace goodput::checkers::detail {

enum class OutputFormat { csv, json, text };

// "csv" and "json" by name; any other extension is text.
OutputFormat output_format_of(std::string_view extension);

struct ExpectedOutput {
  OutputFormat format = OutputFormat::text;
  CsvTable csv;
  nlohmann::json json;
  std::string text;
};

// Reads an expected output file's text; throws std::invalid_argument saying why it is unusable
// (CSV or JSON that does not parse).
ExpectedOutput read_expected_output(OutputFormat format, const std::string& text);

struct OutputVerdict {
  bool matches = false;
  std::string message;  // "matches (3 rows, \n)", or the first difference
};

OutputVerdict compare_output(const ExpectedOutput& expected, const std::string& produced);

}  // namespace goodput::checkers::detail
