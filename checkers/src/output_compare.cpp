// SPDX-License-Identifier: MIT
#include "output_compare.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <vector>

#include "check_message.hpp"
#include "driver_channel.hpp"

namespace goodput::checkers::detail {

namespace {

using nlohmann::json;

constexpr int k_max_output_depth = 64;

std::string csv_shape(const CsvTable& table) {
  std::string out = table.rows.empty() ? std::string("empty")
                                       : with_commas(table.rows.size() - 1) + (table.rows.size() == 2 ? " row" : " rows");
  if (table.had_bom) out += ", BOM";
  if (table.line_ending == "\r\n") out += ", \\r\\n";
  if (table.line_ending == "\n") out += ", \\n";
  if (table.line_ending == "mixed") out += ", mixed line endings";
  return out;
}

std::string json_excerpt(const json& value) { return quote(value.dump(), 40); }

// The first place where `got` differs from `expected`, as "at /a/0: expected 1, got 2".
std::optional<std::string> json_difference(const json& expected, const json& got, const std::string& at) {
  const std::string where = "at " + (at.empty() ? std::string("/") : at) + ": ";
  if (expected.is_number() && got.is_number()) {
    if (expected.get<double>() == got.get<double>()) return std::nullopt;
    return where + "expected " + expected.dump() + ", got " + got.dump();
  }
  if (expected.type() != got.type()) {
    return where + "expected " + expected.type_name() + " " + json_excerpt(expected) + ", got " + got.type_name() + " " +
           json_excerpt(got);
  }
  if (expected.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      const auto found = got.find(key);
      if (found == got.end()) return where + "missing key " + quote(key, 40);
      if (auto difference = json_difference(value, *found, at + "/" + key)) return difference;
    }
    for (const auto& [key, value] : got.items()) {
      if (!expected.contains(key)) return where + "unexpected key " + quote(key, 40);
    }
    return std::nullopt;
  }
  if (expected.is_array()) {
    for (std::size_t i = 0; i < std::min(expected.size(), got.size()); ++i) {
      if (auto difference = json_difference(expected[i], got[i], at + "/" + std::to_string(i))) return difference;
    }
    if (expected.size() != got.size()) {
      return where + "expected " + with_commas(expected.size()) + " items, got " + with_commas(got.size());
    }
    return std::nullopt;
  }
  if (expected == got) return std::nullopt;
  return where + "expected " + json_excerpt(expected) + ", got " + json_excerpt(got);
}

// Lines without their endings; one final newline is no extra line.
std::vector<std::string> text_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (text[i] == '\n') {
      lines.push_back(std::move(line));
      line.clear();
    } else {
      line += text[i];
    }
  }
  if (!line.empty() || text.empty() || text.back() != '\n') lines.push_back(std::move(line));
  if (text.empty()) lines.clear();
  return lines;
}

}  // namespace

OutputFormat output_format_of(std::string_view extension) {
  if (extension == "csv") return OutputFormat::csv;
  if (extension == "json") return OutputFormat::json;
  return OutputFormat::text;
}

ExpectedOutput read_expected_output(OutputFormat format, const std::string& text) {
  ExpectedOutput expected;
  expected.format = format;
  switch (format) {
    case OutputFormat::csv: {
      CsvParse parsed = parse_csv(text);
      if (parsed.error) throw std::invalid_argument("not valid CSV: " + parsed.error->message);
      expected.csv = std::move(parsed.table);
      break;
    }
    case OutputFormat::json:
      expected.json = json::parse(text, nullptr, false);
      if (expected.json.is_discarded()) throw std::invalid_argument("not valid JSON");
      break;
    case OutputFormat::text: expected.text = text; break;
  }
  return expected;
}

OutputVerdict compare_output(const ExpectedOutput& expected, const std::string& produced) {
  switch (expected.format) {
    case OutputFormat::csv: {
      const CsvParse parsed = parse_csv(produced);
      if (parsed.error) {
        return {false, "the CSV is malformed: " + parsed.error->message + " (output " + quote(produced, 80) + ")"};
      }
      if (const auto diff = compare_csv(expected.csv, parsed.table)) return {false, diff->message};
      return {true, "matches (" + csv_shape(parsed.table) + ")"};
    }
    case OutputFormat::json: {
      if (nests_deeper_than(produced, k_max_output_depth)) {
        return {false, "the output nests deeper than " + std::to_string(k_max_output_depth) + " levels"};
      }
      const json got = json::parse(produced, nullptr, false);
      if (got.is_discarded()) return {false, "the output is not JSON: " + quote(produced, 80)};
      if (auto difference = json_difference(expected.json, got, "")) return {false, "the JSON differs " + *difference};
      return {true, "matches (JSON " + std::string(got.type_name()) + ")"};
    }
    case OutputFormat::text: {
      const std::vector<std::string> want = text_lines(expected.text);
      const std::vector<std::string> got = text_lines(produced);
      for (std::size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
        if (want[i] != got[i]) {
          return {false, "line " + with_commas(i + 1) + ": expected " + quote(want[i], 60) + ", got " + quote(got[i], 60)};
        }
      }
      if (want.size() != got.size()) {
        const auto lines = [](std::size_t n) { return with_commas(n) + (n == 1 ? " line" : " lines"); };
        return {false, "expected " + lines(want.size()) + ", got " + lines(got.size()) +
                           (got.size() > want.size() ? " (the first extra: " + quote(got[want.size()], 60) + ")" : "")};
      }
      return {true, "matches (" + with_commas(got.size()) + (got.size() == 1 ? " line)" : " lines)")};
    }
  }
  return {false, "unknown output format"};
}

}  // namespace goodput::checkers::detail
