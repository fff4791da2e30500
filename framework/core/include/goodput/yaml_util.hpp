// SPDX-License-Identifier: MIT
// Strict reading of YAML nodes: every error names file:line:column and the field, unknown
// keys are errors (a typo must never be silently ignored). Internal to goodput (no stable API).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "goodput/error.hpp"

namespace goodput::detail {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : m_file(std::move(file)) {}

  // Parses the file; syntax errors become ConfigError with yaml-cpp's position.
  YAML::Node load() const;

  SourceLocation where(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& field, const std::string& message) const;

  void expect_map(const YAML::Node& node, const std::string& field) const;
  void expect_sequence(const YAML::Node& node, const std::string& field) const;
  // Rejects keys not in `allowed`, naming the closest allowed key when one is near.
  void check_keys(const YAML::Node& map, const std::string& field, std::initializer_list<std::string_view> allowed) const;
  void check_keys(const YAML::Node& map, const std::string& field, const std::vector<std::string>& allowed) const;

  std::string string(const YAML::Node& node, const std::string& field) const;  // a scalar
  double number(const YAML::Node& node, const std::string& field) const;
  std::int64_t integer(const YAML::Node& node, const std::string& field) const;
  bool boolean(const YAML::Node& node, const std::string& field) const;
  std::vector<std::string> string_list(const YAML::Node& node, const std::string& field) const;  // a scalar or a sequence of scalars

  // Required / optional member of a map.
  YAML::Node require(const YAML::Node& map, const std::string& key, const std::string& field) const;

  // Any YAML value as JSON (scalars typed as YAML 1.2 core schema: int, float, bool, null, string).
  nlohmann::json to_json(const YAML::Node& node, const std::string& field) const;

  const std::string& file() const { return m_file; }

 private:
  std::string m_file;
};

// The candidate a few edits away from `word` (a typo of it), for "did you mean"; else null.
const std::string* closest_match(std::string_view word, const std::vector<std::string>& candidates);

// "tasks[2].assert[0].expected"
inline std::string join_field(const std::string& parent, const std::string& child) {
  return parent.empty() ? child : parent + "." + child;
}
inline std::string index_field(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

}  // namespace goodput::detail
