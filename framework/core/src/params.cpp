// SPDX-License-Identifier: MIT
#include "goodput/params.hpp"

namespace goodput {

std::string_view to_string(ParamType type) {
  switch (type) {
    case ParamType::string: return "string";
    case ParamType::number: return "number";
    case ParamType::integer: return "integer";
    case ParamType::boolean: return "boolean";
    case ParamType::string_list: return "list of strings";
    case ParamType::path: return "path";
    case ParamType::json: return "JSON or YAML value";
  }
  return "string";
}

void Params::set(std::string name, ParamValue value) {
  for (auto& [existing, old] : m_values)
    if (existing == name) {
      old = std::move(value);
      return;
    }
  m_values.emplace_back(std::move(name), std::move(value));
}

const ParamValue* Params::find(std::string_view name) const {
  for (const auto& [existing, value] : m_values)
    if (existing == name) return &value;
  return nullptr;
}

namespace {
[[noreturn]] void missing(std::string_view name) {
  throw ParamError(std::string(name), "required parameter '" + std::string(name) + "' is missing");
}
}  // namespace

std::optional<std::string> Params::optional_string(std::string_view name) const {
  const ParamValue* v = find(name);
  if (!v) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  throw ParamError(std::string(name), "'" + std::string(name) + "' must be a string");
}

std::string Params::string(std::string_view name) const {
  auto v = optional_string(name);
  if (!v) missing(name);
  return *v;
}

std::optional<double> Params::optional_number(std::string_view name) const {
  const ParamValue* v = find(name);
  if (!v) return std::nullopt;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  throw ParamError(std::string(name), "'" + std::string(name) + "' must be a number");
}

double Params::number(std::string_view name) const {
  auto v = optional_number(name);
  if (!v) missing(name);
  return *v;
}

std::optional<std::int64_t> Params::optional_integer(std::string_view name) const {
  const ParamValue* v = find(name);
  if (!v) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  throw ParamError(std::string(name), "'" + std::string(name) + "' must be an integer");
}

std::int64_t Params::integer(std::string_view name) const {
  auto v = optional_integer(name);
  if (!v) missing(name);
  return *v;
}

bool Params::boolean(std::string_view name, bool fallback) const {
  const ParamValue* v = find(name);
  if (!v) return fallback;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  throw ParamError(std::string(name), "'" + std::string(name) + "' must be true or false");
}

std::vector<std::string> Params::string_list(std::string_view name) const {
  const ParamValue* v = find(name);
  if (!v) return {};
  if (const auto* l = std::get_if<std::vector<std::string>>(v)) return *l;
  if (const auto* s = std::get_if<std::string>(v)) return {*s};
  throw ParamError(std::string(name), "'" + std::string(name) + "' must be a list of strings");
}

}  // namespace goodput
