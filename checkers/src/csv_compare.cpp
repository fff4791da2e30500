// SPDX-License-Identifier: MIT
#include "csv_compare.hpp"

#include <algorithm>
#include <utility>

#include "check_message.hpp"

namespace goodput::checkers::detail {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

std::string normalise_breaks(std::string_view cell) {
  std::string out;
  out.reserve(cell.size());
  for (std::size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] == '\r' && i + 1 < cell.size() && cell[i + 1] == '\n') continue;
    out += cell[i];
  }
  return out;
}

// 'a', 'b', 'c' for a header or row shown whole; cut when long.
std::string show_row(const CsvRow& row) {
  if (row.empty()) return "(a blank line)";
  std::string out;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += ", ";
    if (i == 8) {
      out += "… (" + std::to_string(row.size()) + " cells)";
      break;
    }
    out += quote(row[i], 30);
  }
  return out;
}

std::string count_of(std::size_t n, std::string_view what) {
  return std::to_string(n) + " " + std::string(what) + (n == 1 ? "" : "s");
}

std::string column_name(const CsvRow& header, std::size_t index) {
  if (index < header.size() && !header[index].empty()) return header[index];
  return "column " + std::to_string(index + 1);
}

}  // namespace

CsvParse parse_csv(std::string_view text) {
  CsvParse out;
  CsvTable& table = out.table;
  if (text.substr(0, k_bom.size()) == k_bom) {
    table.had_bom = true;
    text.remove_prefix(k_bom.size());
  }
  // One terminator after the last record is optional: drop it, then every line break left
  // (outside quotes) separates two records.
  std::string_view body = text;
  bool saw_crlf = false, saw_lf = false, saw_cr = false;

  std::size_t line = 1;
  CsvRow row;
  std::string field;
  bool field_started = false;  // a line with no characters at all is a blank line: no cells
  std::size_t i = 0;
  const auto end_row = [&] {
    if (field_started || !row.empty()) row.push_back(std::move(field));
    table.rows.push_back(std::move(row));
    row = CsvRow{};
    field.clear();
    field_started = false;
  };
  const auto line_break_at = [&](std::size_t pos) -> std::size_t {
    if (body[pos] == '\r') {
      if (pos + 1 < body.size() && body[pos + 1] == '\n') {
        saw_crlf = true;
        return 2;
      }
      saw_cr = true;
      return 1;
    }
    if (body[pos] == '\n') {
      saw_lf = true;
      return 1;
    }
    return 0;
  };

  while (i < body.size()) {
    const char c = body[i];
    if (c == '"' && !field_started) {
      // Quoted field.
      field_started = true;
      const std::size_t start_line = line;
      ++i;
      bool closed = false;
      while (i < body.size()) {
        if (body[i] == '"') {
          if (i + 1 < body.size() && body[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (body[i] == '\n' || (body[i] == '\r' && (i + 1 >= body.size() || body[i + 1] != '\n'))) ++line;
        field += body[i];
        ++i;
      }
      if (!closed) {
        out.error = CsvParseError{start_line, "a quoted field opened on line " +
                                                  std::to_string(start_line) +
                                                  " is never closed"};
        table.rows.clear();
        return out;
      }
      continue;  // what follows (a comma, a line end, stray characters) is handled below
    }
    if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      ++i;
      continue;
    }
    if (const std::size_t n = line_break_at(i); n > 0) {
      i += n;
      ++line;
      if (i >= body.size()) {
        // The optional terminator of the last record.
        end_row();
        break;
      }
      end_row();
      continue;
    }
    field += c;
    field_started = true;
    ++i;
  }
  // Text that does not end with a line break: its last record is still open.
  if (field_started || !row.empty()) end_row();
  // A single blank line is a header with no columns: what csv.DictWriter writes for an empty
  // list of fields. It reads as an empty table.
  if (table.rows.size() == 1 && table.rows.front().empty()) table.rows.clear();

  const int kinds = int{saw_crlf} + int{saw_lf} + int{saw_cr};
  table.line_ending = kinds > 1 ? "mixed" : saw_crlf ? "\r\n" : saw_lf ? "\n" : saw_cr ? "\r" : "";
  return out;
}

std::optional<CsvDifference> compare_csv(const CsvTable& expected, const CsvTable& produced) {
  const auto& want = expected.rows;
  const auto& got = produced.rows;
  if (want.empty()) {
    if (got.empty()) return std::nullopt;
    return CsvDifference{0, "", "expected an empty CSV (no header, no rows), got " +
                                    count_of(got.size(), "line") + ", starting with " +
                                    show_row(got.front())};
  }
  if (got.empty()) {
    return CsvDifference{0, "", "expected the header " + show_row(want.front()) +
                                    ", but the CSV is empty"};
  }

  const CsvRow& header = want.front();
  for (std::size_t r = 0; r < std::max(want.size(), got.size()); ++r) {
    const std::string row_label = r == 0 ? "header" : "row " + std::to_string(r);
    if (r >= got.size()) {
      const std::size_t missing = want.size() - got.size();
      return CsvDifference{r, "", row_label + ": expected " + show_row(want[r]) +
                                      ", but the CSV ends there (" +
                                      count_of(missing, "row") + " missing)"};
    }
    if (r >= want.size()) {
      if (got[r].empty()) {
        return CsvDifference{r, "", row_label + ": expected the end of the CSV, got an extra "
                                                "blank line" +
                                        std::string(r + 1 == got.size() ? " at the end" : "")};
      }
      return CsvDifference{r, "", row_label + ": expected the end of the CSV, got an extra row " +
                                      show_row(got[r])};
    }
    const CsvRow& a = want[r];
    const CsvRow& b = got[r];
    if (r == 0) {
      for (std::size_t c = 0; c < std::min(a.size(), b.size()); ++c) {
        if (a[c] != b[c]) {
          return CsvDifference{0, column_name(header, c),
                               "header, column " + std::to_string(c + 1) + ": expected " +
                                   quote(a[c]) + " got " + quote(b[c]) + " (expected header " +
                                   show_row(a) + "; got " + show_row(b) + ")"};
        }
      }
      if (a.size() != b.size()) {
        return CsvDifference{0, "", "header: expected " + count_of(a.size(), "column") + " (" +
                                        show_row(a) + ") got " + std::to_string(b.size()) +
                                        " (" + show_row(b) + ")"};
      }
      continue;
    }
    for (std::size_t c = 0; c < std::min(a.size(), b.size()); ++c) {
      if (normalise_breaks(a[c]) != normalise_breaks(b[c])) {
        const std::string column = column_name(header, c);
        return CsvDifference{r, column, row_label + ", column " + column + ": expected " +
                                            quote(a[c]) + " got " + quote(b[c])};
      }
    }
    if (a.size() != b.size()) {
      std::string message = row_label + ": expected " + count_of(a.size(), "cell") + " got ";
      if (b.empty()) {
        message += "a blank line";
      } else {
        message += std::to_string(b.size());
        if (b.size() > a.size()) {
          message += " (extra " + quote(b[a.size()]) + ")";
        } else {
          message += " (column " + column_name(header, b.size()) + " missing)";
        }
      }
      return CsvDifference{r, "", std::move(message)};
    }
  }
  return std::nullopt;
}

}  // namespace goodput::checkers::detail
