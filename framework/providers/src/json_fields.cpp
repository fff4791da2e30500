// SPDX-License-Identifier: MIT
#include "json_fields.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace goodput::detail {

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

std::string quote_start(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

std::string_view string_member(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

std::optional<double> non_negative_member(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  const double value = it->get<double>();
  if (!std::isfinite(value) || value < 0) return std::nullopt;
  return value;
}

std::string text_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return {};
  const auto& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return {};
}

std::optional<std::int64_t> integer_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return std::nullopt;
  const auto& v = j[key];
  if (v.is_number_integer() || v.is_number_unsigned()) return v.get<std::int64_t>();
  if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
  if (v.is_string()) {
    char* end = nullptr;
    const long long n = std::strtoll(v.get_ref<const std::string&>().c_str(), &end, 10);
    if (end && *end == '\0' && !v.get_ref<const std::string&>().empty()) return n;
  }
  return std::nullopt;
}

const nlohmann::json* find_entry(const nlohmann::json& list, const std::string& id,
                                 std::initializer_list<const char*> keys) {
  if (!list.is_array()) return nullptr;
  for (const auto& entry : list)
    for (const char* key : keys)
      if (text_at(entry, key) == id) return &entry;
  return list.size() == 1 ? &list.front() : nullptr;
}

}  // namespace goodput::detail
