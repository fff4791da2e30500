// SPDX-License-Identifier: MIT
// Reading fields of a results.json that may be hand-edited or from another version, without
// throwing: a field of the wrong type reads as empty. Private to the commands.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace goodput::detail {

inline std::string text_of(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : ""; }

inline nlohmann::json field_of(const nlohmann::json& item, const char* field) {
  return item.is_object() ? item.value(field, nlohmann::json()) : nlohmann::json();
}

}  // namespace goodput::detail
