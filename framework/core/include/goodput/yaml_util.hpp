// SPDX-License-Identifier: MIT
// Strict reading of YAML nodes: every error names file:line:column and the field, unknown
// keys are errors (a typo must never be silently ignored). Internal to goodput (no stable API).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "goodput/error.hpp"

namespace goodput::detail {

class YamlList;
struct ListedDocument;

class YamlReader {
 public:
  explicit YamlReader(std::string file) : m_file(std::move(file)) {}

  // Parses the file and checks the whole document before anyone reads it, so that what is
  // read later is sound: every scalar (keys too) is valid UTF-8, no mapping names a key twice,
  // keys are scalars, nesting is at most k_max_depth levels, and aliases (*name) do not expand
  // it beyond its own size plus k_alias_nodes values and k_alias_bytes bytes of text (a
  // "billion laughs" file). Every problem is a ConfigError at file:line:column naming the
  // field; nothing else is thrown for any file content.
  YAML::Node load() const;
  // load(), for a file whose top-level `list_key:` may be long (10,000 tasks): the document
  // with that list left empty, and its entries, each parsed (and checked as load() checks a
  // document) only when asked for, so the file never sits in memory as nodes whole. A file
  // whose entries may depend on one another (anchors, aliases, tags) or that writes the list
  // in flow style or an entry on the line after its dash is read whole instead.
  ListedDocument load_listed(std::string_view list_key) const;

  static constexpr std::size_t k_max_file_bytes = 64u << 20;
  static constexpr int k_max_depth = 64;
  static constexpr std::size_t k_alias_nodes = 10000;
  static constexpr std::size_t k_alias_bytes = 1u << 20;

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
  // A number within [min, max]; both the type and the range errors state the range
  // ("expected a number from 0.001 to 86400 (seconds)"); `unit` is added when not empty.
  double number_in(const YAML::Node& node, const std::string& field, double min, double max,
                   const std::string& unit = "") const;
  std::int64_t integer_in(const YAML::Node& node, const std::string& field, std::int64_t min, std::int64_t max) const;
  bool boolean(const YAML::Node& node, const std::string& field) const;
  std::vector<std::string> string_list(const YAML::Node& node, const std::string& field) const;  // a scalar or a sequence of scalars

  // Required / optional member of a map.
  YAML::Node require(const YAML::Node& map, const std::string& key, const std::string& field) const;

  // Any YAML value as JSON (scalars typed as YAML 1.2 core schema: int, float, bool, null, string).
  nlohmann::json to_json(const YAML::Node& node, const std::string& field) const;

  const std::string& file() const { return m_file.str(); }

 private:
  friend class YamlList;
  // A reader of nodes parsed from a part of the file that starts at 0-based line `first_line`.
  YamlReader(FileName file, int first_line) : m_file(std::move(file)), m_first_line(first_line) {}
  std::string text() const;  // the file's content, within k_max_file_bytes

  FileName m_file;  // one copy, shared by every SourceLocation this reader makes
  int m_first_line = 0;
};

// The entries of a list read by YamlReader::load_listed.
class YamlList {
 public:
  struct Entry {
    YamlReader reader;  // reads the entry's nodes: its errors name their place in the file
    YAML::Node node;
  };
  std::size_t size() const { return m_whole ? m_whole->size() : m_parts.size(); }
  // Throws ConfigError when the entry breaks one of load()'s rules.
  Entry entry(std::size_t index) const;
  // Whether the entries come from the document read whole: it has entries that may depend on
  // one another, or one read alone read otherwise than in the document (checked entry by entry).
  bool whole() const { return m_whole != nullptr; }

 private:
  friend class YamlReader;
  struct Part {
    std::size_t begin = 0, end = 0;  // bytes of the file's text
    int line = 0, column = 0;        // where `begin` is, 0-based
    std::uint64_t fingerprint = 0;   // of its nodes as the whole document's parse saw them
  };
  // Parses the whole text as load() does (returning its root; the list, when it is one, becomes
  // the entries' source), for a document or entries that cannot be read apart.
  YAML::Node read_whole() const;
  FileName m_file;
  std::string m_field;  // "tasks"
  std::shared_ptr<const std::string> m_text;  // the file as read
  std::vector<Part> m_parts;
  // The list, when the document was read whole (set on first need: read_whole is const).
  mutable std::shared_ptr<const YAML::Node> m_whole;
};

struct ListedDocument {
  YAML::Node root;  // the document; its list (when present) is empty, or whole when read whole
  YamlList list;    // the list's entries; none when the document has no such list
};

// "from 1 to 100000" / "from 0.001 to 86400 seconds": how range errors state a range.
std::string range_text(double min, double max, const std::string& unit = "");

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
