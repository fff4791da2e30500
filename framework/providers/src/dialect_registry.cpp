// SPDX-License-Identifier: MIT
// The dialect table and its one lookup by name (dialect.hpp).
#include <deque>
#include <mutex>
#include <stdexcept>

#include "goodput/yaml_util.hpp"  // closest_match: the "did you mean" of unknown keys
#include "goodput/dialect.hpp"

namespace goodput::detail {

namespace {

struct Table {
  std::mutex mutex;  // probes look rows up from several threads
  // A deque: rows never move, so the references find_dialect hands out stay valid.
  std::deque<Dialect> rows;
};

Table& table() {
  // The built-in dialects, in the order "known:" lists them: one line each.
  static Table k_table{{}, {
      openai_dialect(),
      ollama_dialect(),
      lmstudio_dialect(),
  }};
  return k_table;
}

}  // namespace

const Dialect& find_dialect(std::string_view name, const SourceLocation& where, const std::string& field) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  std::vector<std::string> names;
  for (const Dialect& row : t.rows) {
    if (row.name == name) return row;
    names.push_back(row.name);
  }
  std::string message = "unknown dialect '" + std::string(name) + "'";
  if (const std::string* best = closest_match(name, names)) message += "; did you mean '" + *best + "'?";
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError(where, field, message + " (known: " + known + ")");
}

void register_dialect(Dialect dialect) {
  if (dialect.name.empty()) throw std::invalid_argument("a dialect needs a name");
  if (!dialect.fill_body || !dialect.make_decoder)
    throw std::invalid_argument("dialect '" + dialect.name + "' needs fill_body and make_decoder");
  Table& t = table();
  std::lock_guard lock(t.mutex);
  for (const Dialect& row : t.rows)
    if (row.name == dialect.name) throw std::invalid_argument("dialect '" + dialect.name + "' is registered twice");
  t.rows.push_back(std::move(dialect));
}


}  // namespace goodput::detail
