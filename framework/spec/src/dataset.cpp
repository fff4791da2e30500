// SPDX-License-Identifier: MIT
// Reading datasets (goodput/dataset.hpp): JSONL through nlohmann/json, CSV by RFC 4180.
#include "goodput/dataset.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace goodput {

namespace {

bool dataset_is_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

std::string read_whole_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ConfigError({path, 0, 0}, "dataset",
                      std::filesystem::exists(path, ec) ? "is not a regular file" : "no such file (relative paths start at the task file's folder)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path, 0, 0}, "dataset", std::string("cannot be read: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  std::string out = std::move(text).str();
  if (out.rfind("\xEF\xBB\xBF", 0) == 0) out.erase(0, 3);  // a spreadsheet's UTF-8 byte order mark
  return out;
}

// A row with where each field started, for errors about one field.
struct ParsedRow {
  DataRow row;
  std::vector<int> columns;
};

// A JSON value as the text a {{name}} becomes: strings as they are, numbers and booleans as
// JSON writes them, null as nothing.
std::string scalar_text(const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::vector<ParsedRow> parse_jsonl(const FileName& path, const std::string& text) {
  std::vector<ParsedRow> rows;
  std::size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    ++line_no;
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    nlohmann::ordered_json object;
    try {
      object = nlohmann::ordered_json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      const int column = e.byte > 0 ? static_cast<int>(e.byte) : 1;
      std::string why = e.what();
      if (const auto at = why.find("syntax error"); at != std::string::npos) why = why.substr(at);
      throw ConfigError({path, line_no, column}, "dataset", "not a JSON object on one line: " + why);
    }
    if (!object.is_object())
      throw ConfigError({path, line_no, 1}, "dataset", "expected a JSON object ({\"name\": value, ...}) on each line, got a " +
                                                          std::string(object.type_name()));
    ParsedRow parsed;
    parsed.row.where = {path, line_no, 0};
    for (const auto& [key, value] : object.items()) {
      const auto key_at = line.find('"' + key + '"');
      const int column = key_at == std::string_view::npos ? 1 : static_cast<int>(key_at) + 1;
      if (value.is_object() || value.is_array())
        throw ConfigError({path, line_no, column}, "dataset." + key,
                          "is " + std::string(value.is_object() ? "an object" : "an array") +
                              "; a field must be a string, number, boolean or null (it becomes the text of {{" + key + "}})");
      parsed.row.fields.emplace_back(key, scalar_text(value));
      parsed.columns.push_back(column);
    }
    rows.push_back(std::move(parsed));
  }
  return rows;
}

// RFC 4180: fields separated by commas, records by CRLF or LF; a field in double quotes may
// hold commas, line breaks and "" for a quote. Blank lines are skipped.
class CsvReader {
 public:
  CsvReader(const std::string& path, const std::string& text) : m_path(path), m_text(text) {}

  // The next record's fields and their columns; false at the end.
  bool next(std::vector<std::string>& fields, std::vector<int>& columns, int& line) {
    fields.clear();
    columns.clear();
    while (m_pos < m_text.size() && (m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) advance_line_break();
    if (m_pos >= m_text.size()) return false;
    line = m_line;
    for (;;) {
      columns.push_back(column());
      fields.push_back(read_field());
      if (m_pos >= m_text.size()) return true;
      if (m_text[m_pos] == ',') {
        ++m_pos;
        continue;
      }
      advance_line_break();
      return true;
    }
  }

 private:
  int column() const { return static_cast<int>(m_pos - m_line_start) + 1; }

  void advance_line_break() {
    if (m_text[m_pos] == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n') ++m_pos;
    ++m_pos;
    ++m_line;
    m_line_start = m_pos;
  }

  std::string read_field() {
    std::string out;
    if (m_pos < m_text.size() && m_text[m_pos] == '"') {
      const int open_line = m_line, open_column = column();
      ++m_pos;
      for (;;) {
        if (m_pos >= m_text.size())
          throw ConfigError({m_path, open_line, open_column}, "dataset", "this quoted field is never closed: end it with \"");
        const char c = m_text[m_pos];
        if (c == '"') {
          if (m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '"') {
            out += '"';
            m_pos += 2;
            continue;
          }
          ++m_pos;
          break;
        }
        if (c == '\n') {
          out += c;
          ++m_pos;
          ++m_line;
          m_line_start = m_pos;
          continue;
        }
        out += c;
        ++m_pos;
      }
      if (m_pos < m_text.size() && m_text[m_pos] != ',' && m_text[m_pos] != '\n' && m_text[m_pos] != '\r')
        throw ConfigError({m_path, m_line, column()}, "dataset",
                          "unexpected text after a closing quote: a quote inside a quoted field is written \"\"");
      return out;
    }
    while (m_pos < m_text.size() && m_text[m_pos] != ',' && m_text[m_pos] != '\n' && m_text[m_pos] != '\r') out += m_text[m_pos++];
    return out;
  }

  const std::string& m_path;
  const std::string& m_text;
  std::size_t m_pos = 0;
  std::size_t m_line_start = 0;
  int m_line = 1;
};

std::vector<ParsedRow> parse_csv(const FileName& path, const std::string& text) {
  CsvReader reader(path, text);
  std::vector<std::string> header, fields;
  std::vector<int> columns;
  int line = 0;
  if (!reader.next(header, columns, line)) return {};
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty())
      throw ConfigError({path, line, columns[i]}, "dataset", "column " + std::to_string(i + 1) + " of the header row has no name");
    if (const auto [it, inserted] = seen.emplace(header[i], columns[i]); !inserted)
      throw ConfigError({path, line, columns[i]}, "dataset",
                        "the header names column '" + header[i] + "' twice (first at column " + std::to_string(it->second) + ")");
  }
  std::vector<ParsedRow> rows;
  while (reader.next(fields, columns, line)) {
    if (fields.size() != header.size())
      throw ConfigError({path, line, columns.back()}, "dataset",
                        "this row has " + std::to_string(fields.size()) + " fields, the header " + std::to_string(header.size()) +
                            " (a field holding a comma must be quoted: \"a, b\")");
    ParsedRow parsed;
    parsed.row.where = {path, line, 0};
    parsed.columns = columns;
    parsed.row.fields.reserve(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) parsed.row.fields.emplace_back(header[i], std::move(fields[i]));
    rows.push_back(std::move(parsed));
  }
  return rows;
}

}  // namespace

const std::string* DataRow::find(std::string_view name) const {
  for (const auto& [key, value] : fields)
    if (key == name) return &value;
  return nullptr;
}

const std::string& DataRow::at(std::string_view name) const {
  if (const std::string* value = find(name)) return *value;
  std::string known;
  for (const auto& field : fields) known += (known.empty() ? "" : ", ") + field.first;
  throw std::out_of_range("row " + id + " (" + where.str() + ") has no field '" + std::string(name) + "' (it has: " + known + ")");
}

std::vector<DataRow> read_dataset(const std::string& path, const std::string& id_column) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension != ".jsonl" && extension != ".csv")
    throw ConfigError({path, 0, 0}, "dataset", "unknown dataset format '" + extension + "': name a .jsonl or a .csv file");
  const std::string text = read_whole_file(path);
  const FileName file(path);  // one copy for every row's place
  std::vector<ParsedRow> parsed = extension == ".csv" ? parse_csv(file, text) : parse_jsonl(file, text);
  if (parsed.empty())
    throw ConfigError({path, 0, 0}, "dataset", extension == ".csv" ? "has no rows below its header" : "has no rows (one JSON object per line)");
  std::vector<DataRow> rows;
  std::vector<std::vector<int>> columns;
  rows.reserve(parsed.size());
  columns.reserve(parsed.size());
  for (auto& p : parsed) {
    rows.push_back(std::move(p.row));
    columns.push_back(std::move(p.columns));
  }
  detail::assign_row_ids(rows, id_column, columns);
  return rows;
}

void detail::assign_row_ids(std::vector<DataRow>& rows, const std::string& id_column,
                            const std::vector<std::vector<int>>& columns) {
  std::map<std::string, std::string> seen;  // id -> where
  for (std::size_t i = 0; i < rows.size(); ++i) {
    DataRow& row = rows[i];
    if (id_column.empty()) {
      row.id = std::to_string(i + 1);
      continue;
    }
    std::size_t at = 0;
    while (at < row.fields.size() && row.fields[at].first != id_column) ++at;
    if (at == row.fields.size())
      throw ConfigError(row.where, "dataset", "this row has no '" + id_column + "' field (id_column names the field that gives each row its id)");
    SourceLocation where = row.where;
    if (i < columns.size() && at < columns[i].size()) where.column = columns[i][at];
    const std::string& id = row.fields[at].second;
    bool valid = !id.empty();
    for (const char c : id) valid = valid && dataset_is_id_char(c);
    if (!valid)
      throw ConfigError(where, "dataset." + id_column, "'" + id + "' cannot be part of a task id: use letters, digits and '_' only");
    if (const auto [it, inserted] = seen.emplace(id, row.where.str()); !inserted)
      throw ConfigError(where, "dataset." + id_column, "duplicate id '" + id + "' (first at " + it->second + ")");
    row.id = id;
  }
}

}  // namespace goodput
