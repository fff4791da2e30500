// SPDX-License-Identifier: MIT
#include "goodput/yaml_util.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <regex>

namespace goodput::detail {

namespace {

// Plain scalars are typed by the YAML 1.2 core schema; quoted ones are always strings.
bool is_plain(const YAML::Node& node) { return node.Tag() != "!"; }

bool is_null_word(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}
bool parse_bool_word(const std::string& s, bool& out) {
  if (s == "true" || s == "True" || s == "TRUE") { out = true; return true; }
  if (s == "false" || s == "False" || s == "FALSE") { out = false; return true; }
  return false;
}
bool parse_int(const std::string& s, std::int64_t& out) {
  static const std::regex k_int(R"([-+]?[0-9]+)");
  if (!std::regex_match(s, k_int)) return false;
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}
bool parse_float(const std::string& s, double& out) {
  static const std::regex k_float(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (!std::regex_match(s, k_float)) return false;
  try {
    out = std::stod(s);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

std::string kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Null: return "nothing (null)";
    default: return "nothing";
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

const std::string* closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = 3;  // suggest only near misses
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) { best_distance = d; best = &candidate; }
  }
  return best;
}

YAML::Node YamlReader::load() const {
  if (!std::filesystem::exists(m_file)) throw ConfigError({m_file, 0, 0}, "", "file not found");
  try {
    return YAML::LoadFile(m_file);
  } catch (const YAML::ParserException& e) {
    throw ConfigError({m_file, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
  } catch (const YAML::BadFile&) {
    throw ConfigError({m_file, 0, 0}, "", "cannot read the file");
  }
}

SourceLocation YamlReader::where(const YAML::Node& node) const {
  if (!node.IsDefined()) return {m_file, 0, 0};
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {m_file, 0, 0};
  return {m_file, mark.line + 1, mark.column + 1};
}

void YamlReader::fail(const YAML::Node& node, const std::string& field, const std::string& message) const {
  throw ConfigError(where(node), field, message);
}

void YamlReader::expect_map(const YAML::Node& node, const std::string& field) const {
  if (!node.IsMap()) fail(node, field, "expected a mapping (key: value), got " + kind_name(node));
}

void YamlReader::expect_sequence(const YAML::Node& node, const std::string& field) const {
  if (!node.IsSequence()) fail(node, field, "expected a list, got " + kind_name(node));
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& field,
                            std::initializer_list<std::string_view> allowed) const {
  check_keys(map, field, std::vector<std::string>(allowed.begin(), allowed.end()));
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& field,
                            const std::vector<std::string>& allowed) const {
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key '" + key + "'";
    if (const std::string* best = closest_match(key, allowed)) message += "; did you mean '" + *best + "'?";
    std::string known;
    for (const auto& candidate : allowed) known += (known.empty() ? "" : ", ") + candidate;
    message += " (allowed: " + known + ")";
    fail(entry.first, join_field(field, key), message);
  }
}

std::string YamlReader::string(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) fail(node, field, "expected a string, got " + kind_name(node));
  return node.Scalar();
}

double YamlReader::number(const YAML::Node& node, const std::string& field) const {
  double value = 0;
  if (!node.IsScalar() || !is_plain(node) || !parse_float(node.Scalar(), value))
    fail(node, field, "expected a number, got " + kind_name(node));
  return value;
}

std::int64_t YamlReader::integer(const YAML::Node& node, const std::string& field) const {
  std::int64_t value = 0;
  if (!node.IsScalar() || !is_plain(node) || !parse_int(node.Scalar(), value))
    fail(node, field, "expected a whole number, got " + kind_name(node));
  return value;
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& field) const {
  bool value = false;
  if (!node.IsScalar() || !is_plain(node) || !parse_bool_word(node.Scalar(), value))
    fail(node, field, "expected true or false, got " + kind_name(node));
  return value;
}

std::vector<std::string> YamlReader::string_list(const YAML::Node& node, const std::string& field) const {
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) fail(node, field, "expected a string or a list of strings, got " + kind_name(node));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) out.push_back(string(node[i], index_field(field, i)));
  return out;
}

YAML::Node YamlReader::require(const YAML::Node& map, const std::string& key, const std::string& field) const {
  YAML::Node value = map[key];
  if (!value.IsDefined() || value.IsNull()) fail(map, join_field(field, key), "required key '" + key + "' is missing");
  return value;
}

nlohmann::json YamlReader::to_json(const YAML::Node& node, const std::string& field) const {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        out[key] = to_json(entry.second, join_field(field, key));
      }
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (std::size_t i = 0; i < node.size(); ++i) out.push_back(to_json(node[i], index_field(field, i)));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (!is_plain(node)) return s;
      bool b = false;
      std::int64_t i = 0;
      double d = 0;
      if (is_null_word(s)) return nullptr;
      if (parse_bool_word(s, b)) return b;
      if (parse_int(s, i)) return i;
      if (parse_float(s, d)) return d;
      return s;
    }
    default:
      return nullptr;
  }
}

}  // namespace goodput::detail
