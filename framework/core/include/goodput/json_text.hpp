// SPDX-License-Identifier: MIT
// JSON text that never throws on a string's bytes. Internal to goodput (no stable API).
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace goodput::detail {

// value.dump(indent), with invalid UTF-8 in any string (a server's bytes, an answer cut at a
// size cap, a C++ task's prompt) written as U+FFFD instead of throwing type_error.316.
inline std::string json_text(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// json_text(value, 2) written to a stream a piece at a time, for files too large to build as
// one string (results.json, resume.json of many tasks).

// An object or array `depth` containers deep: opened when made, written one member at a time,
// and "{}" or "[]" when closed with none, as json_text(value, 2) lays them out.
class JsonTextContainer {
 public:
  JsonTextContainer(std::ostream& out, int depth, bool object);
  // Starts an object's next member, its key written; returns the depth its value is at.
  int member(const std::string& key);
  // Starts an array's next element; returns the depth it is at.
  int element();
  void close();

 private:
  std::ostream& m_out;
  int m_depth;
  bool m_object;
  std::string m_indent;  // of its members
  bool m_empty = true;
};

// `value` as json_text(value, 2) lays it out `depth` containers deep, its containers written
// member by member, so its text is never whole in memory.
void write_json_text(std::ostream& out, const nlohmann::json& value, int depth = 0);

}  // namespace goodput::detail
