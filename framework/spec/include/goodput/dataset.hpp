// SPDX-License-Identifier: MIT
// Datasets: rows of named values read from a JSONL or CSV file, one task case per row. A YAML
// task with `dataset: FILE` and the C++ GOODPUT_TASK_P / GOODPUT_INSTANTIATE macros
// (goodput/task.hpp) both read them here:
//
//   capitals.jsonl                          capitals.csv
//   {"id": "jp", "country": "Japan"}        id,country,capital
//   {"id": "fr", "country": "France"}       jp,Japan,Tokyo
//                                           fr,"France",Paris
//
// JSONL: one JSON object per line (blank lines are skipped), its values strings, numbers,
// booleans or null (written as their JSON text; null as nothing). CSV (RFC 4180): a header
// row naming the columns, then one row per record; fields may be quoted ("a, b", "say ""hi"""),
// quoted fields may span lines; every row has as many fields as the header. A row's id is
// its `id_column` value (letters, digits and '_'; unique) or, without one, its row number
// (1, 2, ...). Light on purpose: no nlohmann/json here.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goodput/error.hpp"

namespace goodput {

struct DataRow {
  std::string id;       // becomes part of the task id: Suite.Name_<id>
  SourceLocation where;  // the row's first line in the dataset file
  std::vector<std::pair<std::string, std::string>> fields;  // in file order

  // The field's value, or null when the row has no such field.
  const std::string* find(std::string_view name) const;
  // The field's value; throws std::out_of_range naming the field and the row's fields.
  const std::string& at(std::string_view name) const;
};

// Every row of a .jsonl or .csv file (by extension; .ndjson and .tsv are not read). Throws
// ConfigError naming file:line:column: a missing or unreadable file, a line that is not a JSON
// object, a field that is an array or an object, a ragged CSV row, an id column a row lacks,
// an id that is empty, not an identifier or used twice (both lines), and a file with no rows.
std::vector<DataRow> read_dataset(const std::string& path, const std::string& id_column = "");

namespace detail {
// Sets each row's id: its `id_column` field, checked as read_dataset checks it, or its row
// number. `columns[i][k]`, when given, is the column of row i's field k, for the messages.
void assign_row_ids(std::vector<DataRow>& rows, const std::string& id_column,
                    const std::vector<std::vector<int>>& columns = {});
}  // namespace detail

}  // namespace goodput
