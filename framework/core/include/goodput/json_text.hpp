// SPDX-License-Identifier: MIT
// JSON text that never throws on a string's bytes. Internal to goodput (no stable API).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace goodput::detail {

// value.dump(indent), with invalid UTF-8 in any string (a server's bytes, an answer cut at a
// size cap, a C++ task's prompt) written as U+FFFD instead of throwing type_error.316.
inline std::string json_text(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace goodput::detail
