// SPDX-License-Identifier: MIT
#include "goodput/yaml_util.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <iomanip>
#include <sstream>

#include "goodput/utf8.hpp"
#include <yaml-cpp/eventhandler.h>

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
bool is_digit(char c) { return c >= '0' && c <= '9'; }
std::size_t digits_from(const std::string& s, std::size_t i) {
  while (i < s.size() && is_digit(s[i])) ++i;
  return i;
}

bool parse_int(const std::string& s, std::int64_t& out) {
  const std::size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (s.size() == sign || digits_from(s, sign) != s.size()) return false;
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, within double's range.
bool parse_float(const std::string& s, double& out) {
  std::size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  const std::size_t start = i;
  if (i < s.size() && s[i] == '.') {
    i = digits_from(s, i + 1);
    if (i == start + 1) return false;
  } else {
    i = digits_from(s, i);
    if (i == start) return false;
    if (i < s.size() && s[i] == '.') i = digits_from(s, i + 1);
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t e = i + 1;
    if (e < s.size() && (s[e] == '-' || s[e] == '+')) ++e;
    i = digits_from(s, e);
    if (i == e) return false;
  }
  if (i != s.size()) return false;
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// A quoted scalar is a string even when it reads like a number: say so, and how to fix it.
std::string kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar:
      return is_plain(node) ? "'" + node.Scalar() + "'" : "the string \"" + node.Scalar() + "\"";
    case YAML::NodeType::Null: return "nothing (null)";
    default: return "nothing";
  }
}
std::string unquote_hint(const YAML::Node& node, bool reads_as_value) {
  if (!node.IsScalar() || is_plain(node) || !reads_as_value) return "";
  return "; write " + node.Scalar() + " without quotes";
}

// 15 significant digits: 86400000 stays 86400000, 0.001 stays 0.001.
std::string number_text(double value) {
  std::ostringstream out;
  out << std::setprecision(15) << value;
  return out.str();
}

// The walk of YamlReader::load: what every document must satisfy before it is read. Aliases
// share their anchor's node, so the walk sees a document as expanded; its budgets stop it.
class DocumentCheck {
 public:
  DocumentCheck(const YamlReader& yaml, std::size_t file_bytes)
      : m_yaml(yaml),
        m_nodes_left(file_bytes + YamlReader::k_alias_nodes),
        m_bytes_left(file_bytes + YamlReader::k_alias_bytes) {}

  void check(const YAML::Node& node, const std::string& field, int depth) {
    if (depth > YamlReader::k_max_depth)
      m_yaml.fail(node, field, "nested more than " + std::to_string(YamlReader::k_max_depth) + " levels deep");
    if (m_nodes_left == 0) too_large(node, field, std::to_string(YamlReader::k_alias_nodes) + " values");
    --m_nodes_left;
    switch (node.Type()) {
      case YAML::NodeType::Scalar: scalar(node, field, node.Scalar()); break;
      case YAML::NodeType::Sequence:
        for (std::size_t i = 0; i < node.size(); ++i) check(node[i], index_field(field, i), depth + 1);
        break;
      case YAML::NodeType::Map: mapping(node, field, depth); break;
      default: break;
    }
  }

 private:
  void mapping(const YAML::Node& node, const std::string& field, int depth) {
    std::map<std::string, SourceLocation, std::less<>> seen;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar())
        m_yaml.fail(entry.first, field, "a key must be a plain word, got " + kind_name(entry.first));
      const std::string& key = entry.first.Scalar();
      scalar(entry.first, field, key);
      const std::string sub = join_field(field, key);
      const auto [it, inserted] = seen.emplace(key, m_yaml.where(entry.first));
      if (!inserted)
        m_yaml.fail(entry.first, sub,
                    "duplicate key '" + key + "': also at line " + std::to_string(it->second.line) + ", column " +
                        std::to_string(it->second.column) + "; YAML would keep only one of them, so remove the other");
      check(entry.second, sub, depth + 1);
    }
  }

  void scalar(const YAML::Node& node, const std::string& field, const std::string& text) {
    if (text.size() > m_bytes_left) too_large(node, field, std::to_string(YamlReader::k_alias_bytes >> 20) + " MiB of text");
    m_bytes_left -= text.size();
    for (std::size_t pos = 0, size = 0; pos < text.size(); pos += size) {
      if (utf8::decode(text, pos, size) != U'\uFFFD' || text.compare(pos, size, "\xEF\xBF\xBD") == 0) continue;
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(text[pos])));
      m_yaml.fail(node, field,
                  std::string("is not valid UTF-8 (byte ") + byte + " at byte " + std::to_string(pos) +
                      " of the text); save the file as UTF-8");
    }
  }

  [[noreturn]] void too_large(const YAML::Node& node, const std::string& field, const std::string& what) const {
    m_yaml.fail(node, field,
                "aliases (*name) expand this file by more than " + what +
                    " beyond its own size (an anchor repeated inside repeats: \"billion laughs\"?); write the values "
                    "out instead");
  }

  const YamlReader& m_yaml;
  std::size_t m_nodes_left;
  std::size_t m_bytes_left;
};

}  // namespace

std::string range_text(double min, double max, const std::string& unit) {
  return "from " + number_text(min) + " to " + number_text(max) + (unit.empty() ? "" : " " + unit);
}

namespace {

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

std::string YamlReader::text() const {
  std::error_code ec;
  if (!std::filesystem::exists(file(), ec)) throw ConfigError({m_file, 0, 0}, "", "file not found");
  if (std::filesystem::is_directory(file(), ec)) throw ConfigError({m_file, 0, 0}, "", "is a directory, not a YAML file");
  std::ifstream in(file(), std::ios::binary);
  if (!in) throw ConfigError({m_file, 0, 0}, "", "cannot read the file");
  // Read in chunks up to one byte beyond the limit, so that no file can fill memory.
  std::string text;
  if (const auto size = std::filesystem::file_size(file(), ec); !ec) text.reserve(std::min<std::uintmax_t>(size, k_max_file_bytes + 1));
  char chunk[1 << 16];
  while (text.size() <= k_max_file_bytes && in.read(chunk, sizeof chunk).gcount() > 0)
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw ConfigError({m_file, 0, 0}, "", "cannot read the file");
  if (text.size() > k_max_file_bytes)
    throw ConfigError({m_file, 0, 0}, "", "is larger than " + std::to_string(k_max_file_bytes >> 20) + " MiB; split it into several files");
  return text;
}

namespace {

// YAML::Load, with its errors as ConfigErrors at their place in the file (`yaml`'s).
YAML::Node parse_yaml(const YamlReader& yaml, const std::string& text, int first_line) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError({yaml.file(), first_line + e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ConfigError({yaml.file(), 0, 0}, "", std::string("YAML error: ") + e.what());
  }
}

// What an entry parses to, as a number: each node's kind, tag, text and place in the file, in
// document order (nulls without their place: a null is placed at the token after it, which an
// entry read alone does not have). The scan adds up the parser's events; an entry read alone
// adds up its nodes; equal numbers say it reads alone as it reads in the whole document.
class EntryFingerprint {
 public:
  // `list`: the list read apart, as the document without its entries holds it (no place).
  enum Kind : char { scalar = 'S', null = 'N', sequence = 'Q', map = 'M', end = 'E', list = 'L' };
  void add(Kind kind, const std::string& tag = {}, const std::string& text = {}, int line = 0, int column = 0) {
    mix(&kind, 1);
    if (kind == null || kind == end || kind == list) return;
    mix(tag.data(), tag.size() + 1);  // with the terminating 0, so "ab"+"c" differs from "a"+"bc"
    mix(text.data(), text.size() + 1);
    mix(&line, sizeof line);
    mix(&column, sizeof column);
  }
  // The nodes of `node`, as the events that built it; at the top, the value of `list_key` as a list read apart.
  void add(const YAML::Node& node, int first_line, std::string_view list_key = {}) {
    const YAML::Mark mark = node.Mark();
    switch (node.Type()) {
      case YAML::NodeType::Scalar: add(scalar, node.Tag(), node.Scalar(), first_line + mark.line, mark.column); break;
      case YAML::NodeType::Sequence:
        add(sequence, node.Tag(), {}, first_line + mark.line, mark.column);
        for (const auto& item : node) add(item, first_line);
        add(end);
        break;
      case YAML::NodeType::Map:
        add(map, node.Tag(), {}, first_line + mark.line, mark.column);
        for (const auto& entry : node) {
          add(entry.first, first_line);
          if (!list_key.empty() && entry.first.IsScalar() && entry.first.Scalar() == list_key && entry.second.IsSequence()) {
            add(list);
            add(end);
          } else {
            add(entry.second, first_line);
          }
        }
        add(end);
        break;
      default: add(null); break;
    }
  }
  std::uint64_t value() const { return m_hash; }

 private:
  void mix(const void* data, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) m_hash = (m_hash ^ static_cast<const unsigned char*>(data)[i]) * 1099511628211ULL;
  }
  std::uint64_t m_hash = 14695981039346656037ULL;  // FNV-1a
};

// Where the entries of a document's top-level block list begin, from yaml-cpp's parse events
// (which build no nodes). `usable` stays true only when each entry can be parsed alone: no
// anchor, alias or explicit tag anywhere (an entry could use another's), one block list under
// the key, and each entry on its dash's line.
class ListEntryScan final : public YAML::EventHandler {
 public:
  explicit ListEntryScan(std::string_view key) : m_key(key) {}

  bool usable() const { return m_usable && m_state == State::after; }
  const std::vector<YAML::Mark>& entries() const { return m_entries; }
  const std::vector<std::uint64_t>& fingerprints() const { return m_fingerprints; }  // one per entry
  std::uint64_t head_fingerprint() const { return m_head.value(); }  // of the document without its entries
  // The first mark after the list (the next top-level key), or none when the list ends the document.
  const std::optional<YAML::Mark>& after() const { return m_after; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    node(mark, "?", anchor);
    fingerprint().add(EntryFingerprint::null);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { m_usable = false; node(mark, "?", 0); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    if (m_depth == 1 && m_root_items % 2 == 0 && value == m_key) {
      if (m_state != State::before) m_usable = false;  // the key twice: load() names the duplicate
      m_state = State::key_seen;
    }
    node(mark, tag, anchor);
    fingerprint().add(EntryFingerprint::scalar, tag, value, mark.line, mark.column);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value style) override {
    const bool is_list = m_depth == 1 && m_state == State::key_seen && m_root_items % 2 == 1;
    if (is_list) {
      if (style == YAML::EmitterStyle::Flow) m_usable = false;
      m_state = State::inside;
    }
    node(mark, tag, anchor);
    if (is_list) {
      m_head.add(EntryFingerprint::list);
    } else {
      fingerprint().add(EntryFingerprint::sequence, tag, {}, mark.line, mark.column);
    }
    ++m_depth;
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    if (m_depth == 0) m_root_is_map = true;
    node(mark, tag, anchor);
    fingerprint().add(EntryFingerprint::map, tag, {}, mark.line, mark.column);
    ++m_depth;
  }
  void OnMapEnd() override { close(); }

 private:
  enum class State { before, key_seen, inside, after };

  void node(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) {
    if (anchor != 0 || (tag != "?" && tag != "!")) m_usable = false;
    if (m_depth == 0 && !m_root_is_map) m_usable = false;
    if (m_depth == 1) {
      if (m_state == State::after && !m_after) m_after = mark;
      // A value other than a list under the key: read whole, and load()'s checks say what is wrong.
      if (m_state == State::key_seen && m_root_items % 2 == 1) m_state = State::before, m_usable = false;
      ++m_root_items;
    }
    if (m_depth == 2 && m_state == State::inside) {
      if (!m_entries.empty()) m_fingerprints.push_back(m_entry.value());
      m_entries.push_back(mark);
      m_entry = {};
    }
  }
  void close() {
    --m_depth;
    fingerprint().add(EntryFingerprint::end);
    if (m_depth == 1 && m_state == State::inside) {
      m_state = State::after;
      if (!m_entries.empty()) m_fingerprints.push_back(m_entry.value());
    }
  }
  // The entry's when inside one, else the document's.
  EntryFingerprint& fingerprint() { return m_state == State::inside && m_depth >= 2 ? m_entry : m_head; }

  std::string_view m_key;
  int m_depth = 0;
  bool m_root_is_map = false;
  std::size_t m_root_items = 0;  // keys and values of the root mapping so far
  State m_state = State::before;
  bool m_usable = true;
  std::vector<YAML::Mark> m_entries;
  std::vector<std::uint64_t> m_fingerprints;
  EntryFingerprint m_entry;  // of the entry being read
  EntryFingerprint m_head;   // of everything else
  std::optional<YAML::Mark> m_after;
};

bool only_spaces(std::string_view text) { return text.find_first_not_of(' ') == std::string_view::npos; }

// `column` bytes before `pos` are the entry's line up to it: spaces, its dash, spaces.
// `text_begin`: where yaml-cpp's positions start (after a byte order mark).
bool dash_line_prefix(const std::string& text, std::size_t text_begin, std::size_t pos, std::size_t column) {
  if (column > pos - text_begin || (pos - column > text_begin && text[pos - column - 1] != '\n')) return false;
  const std::string_view prefix(text.data() + pos - column, column);
  const std::size_t dash = prefix.find('-');
  return dash != std::string_view::npos && dash + 1 < prefix.size() && only_spaces(prefix.substr(0, dash)) &&
         only_spaces(prefix.substr(dash + 1));
}

}  // namespace

YAML::Node YamlReader::load() const {
  const std::string text = this->text();
  YAML::Node root = parse_yaml(*this, text, 0);
  DocumentCheck(*this, text.size()).check(root, "", 0);
  return root;
}

ListedDocument YamlReader::load_listed(std::string_view list_key) const {
  auto text = std::make_shared<const std::string>(this->text());
  ListedDocument out;
  out.list.m_file = m_file;
  out.list.m_field = std::string(list_key);
  out.list.m_text = text;
  // Zero bytes make yaml-cpp read the text as UTF-16 or UTF-32 (or are an error): read whole.
  if (text->find('\0') != std::string::npos) {
    out.root = out.list.read_whole();
    return out;
  }
  // A UTF-8 byte order mark is not counted in yaml-cpp's positions: they start after it. (The
  // text itself is parsed as load() parses it, mark and all: yaml-cpp reads what follows a mark
  // by what it is.)
  const std::size_t bom = text->compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  const auto at = [bom](const YAML::Mark& mark) { return static_cast<std::size_t>(mark.pos) + bom; };
  ListEntryScan scan(list_key);
  {
    std::istringstream in(*text);
    try {
      YAML::Parser parser(in);
      parser.HandleNextDocument(scan);
    } catch (const YAML::ParserException& e) {
      throw ConfigError({m_file, e.mark.line + 1, e.mark.column + 1}, "", "YAML syntax error: " + e.msg);
    } catch (const YAML::Exception& e) {
      throw ConfigError({m_file, 0, 0}, "", std::string("YAML error: ") + e.what());
    }
  }
  const auto& marks = scan.entries();
  bool usable = scan.usable() && !marks.empty();
  for (std::size_t i = 0; usable && i < marks.size(); ++i)
    usable = at(marks[i]) <= text->size() && dash_line_prefix(*text, bom, at(marks[i]), static_cast<std::size_t>(marks[i].column));
  if (!usable) {
    out.root = out.list.read_whole();
    return out;
  }
  const std::size_t list_end = scan.after() ? at(*scan.after()) - static_cast<std::size_t>(scan.after()->column) : text->size();
  if (list_end > text->size()) {
    out.root = out.list.read_whole();
    return out;
  }
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const std::size_t begin = at(marks[i]);
    const std::size_t end = i + 1 < marks.size() ? at(marks[i + 1]) - static_cast<std::size_t>(marks[i + 1].column) : list_end;
    if (end < begin || end > text->size()) {  // positions that do not map onto the text
      out.list.m_parts.clear();
      out.root = out.list.read_whole();
      return out;
    }
    out.list.m_parts.push_back({begin, end, marks[i].line, marks[i].column, scan.fingerprints().at(i)});
  }
  // The document without its entries: an empty list in their place, and their lines kept, so
  // what follows the list keeps its line numbers.
  const std::size_t first_line_begin = at(marks[0]) - static_cast<std::size_t>(marks[0].column);
  std::string head = text->substr(0, first_line_begin);
  head.append(static_cast<std::size_t>(marks[0].column), ' ');
  head += "[]";
  head.append(static_cast<std::size_t>(std::count(text->begin() + static_cast<std::ptrdiff_t>(first_line_begin),
                                                  text->begin() + static_cast<std::ptrdiff_t>(list_end), '\n')),
              '\n');
  head.append(*text, list_end);
  try {
    out.root = YAML::Load(head);
    EntryFingerprint read;
    read.add(out.root, 0, list_key);
    if (read.value() == scan.head_fingerprint()) {
      DocumentCheck(*this, head.size()).check(out.root, "", 0);
      return out;
    }
  } catch (const YAML::Exception&) {
  }
  // The rest reads otherwise without the entries (it cannot, but if it did): read whole.
  out.root = out.list.read_whole();
  return out;
}

YAML::Node YamlList::read_whole() const {
  const YamlReader reader(m_file, 0);
  YAML::Node root = parse_yaml(reader, *m_text, 0);
  DocumentCheck(reader, m_text->size()).check(root, "", 0);
  if (root.IsMap())
    if (const YAML::Node list = root[m_field]; list.IsSequence()) m_whole = std::make_shared<const YAML::Node>(list);
  return root;
}

YamlList::Entry YamlList::entry(std::size_t index) const {
  if (!m_whole) {
    const Part& part = m_parts.at(index);
    YamlReader reader(m_file, part.line);
    std::string text(static_cast<std::size_t>(part.column), ' ');
    text.append(*m_text, part.begin, part.end - part.begin);
    try {
      YAML::Node node = YAML::Load(text);
      EntryFingerprint read;
      read.add(node, part.line);
      if (read.value() == part.fingerprint) {
        DocumentCheck(reader, text.size()).check(node, index_field(m_field, index), 2);
        return {std::move(reader), std::move(node)};
      }
    } catch (const YAML::Exception&) {
    }
    // The entry reads otherwise alone than in its document (YAML reads some text by what
    // surrounds it): from here on, the entries come from the document read whole.
    read_whole();
  }
  return {YamlReader(m_file, 0), (*m_whole)[index]};
}

SourceLocation YamlReader::where(const YAML::Node& node) const {
  if (!node.IsDefined()) return {m_file, 0, 0};
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {m_file, 0, 0};
  return {m_file, m_first_line + mark.line + 1, mark.column + 1};
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

namespace {
bool reads_as_number(const YAML::Node& node, double& value) { return node.IsScalar() && parse_float(node.Scalar(), value); }
bool reads_as_integer(const YAML::Node& node, std::int64_t& value) { return node.IsScalar() && parse_int(node.Scalar(), value); }
}  // namespace

double YamlReader::number(const YAML::Node& node, const std::string& field) const {
  double value = 0;
  const bool reads = reads_as_number(node, value);
  if (!reads || !is_plain(node)) fail(node, field, "expected a number, got " + kind_name(node) + unquote_hint(node, reads));
  return value;
}

std::int64_t YamlReader::integer(const YAML::Node& node, const std::string& field) const {
  std::int64_t value = 0;
  const bool reads = reads_as_integer(node, value);
  if (!reads || !is_plain(node)) fail(node, field, "expected a whole number, got " + kind_name(node) + unquote_hint(node, reads));
  return value;
}

double YamlReader::number_in(const YAML::Node& node, const std::string& field, double min, double max,
                             const std::string& unit) const {
  double value = 0;
  const bool reads = reads_as_number(node, value);
  if (!reads || !is_plain(node))
    fail(node, field, "expected a number " + range_text(min, max, unit) + ", got " + kind_name(node) + unquote_hint(node, reads));
  if (!(value >= min && value <= max)) fail(node, field, "must be " + range_text(min, max, unit) + ", got " + node.Scalar());
  return value;
}

std::int64_t YamlReader::integer_in(const YAML::Node& node, const std::string& field, std::int64_t min,
                                    std::int64_t max) const {
  std::int64_t value = 0;
  const bool reads = reads_as_integer(node, value);
  const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  if (!reads || !is_plain(node))
    fail(node, field, "expected a whole number " + range + ", got " + kind_name(node) + unquote_hint(node, reads));
  if (value < min || value > max) fail(node, field, "must be " + range + ", got " + node.Scalar());
  return value;
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& field) const {
  bool value = false;
  const bool reads = node.IsScalar() && parse_bool_word(node.Scalar(), value);
  if (!reads || !is_plain(node)) fail(node, field, "expected true or false, got " + kind_name(node) + unquote_hint(node, reads));
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
