// SPDX-License-Identifier: MIT
// Typed parameters of an assertion (or any named, YAML-configured part), validated against a
// declared schema by the YAML loader before anything runs. Keeps yaml-cpp out of checkers.
#pragma once

#include <cstdint>
#include <utility>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace goodput {

// `path`: a string naming a file or directory relative to the task file; the loader resolves it
// to an absolute path and checks that it exists. `json`: any YAML value (a mapping, a list...),
// given to the checker as JSON text (Params::string); in C++, a string of JSON text.
enum class ParamType { string, number, integer, boolean, string_list, path, json };
std::string_view to_string(ParamType type);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::string;
  bool required = false;
  std::string help;  // one line, shown in error messages and `goodput assertions`
};

using ParamValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::string>>;

// Thrown by a factory when a parameter's value is well-typed but unusable (a bad regex, a
// negative tolerance). The loader adds the file, line and column of `field`.
class ParamError : public std::runtime_error {
 public:
  ParamError(std::string field, const std::string& message)
      : std::runtime_error(message), m_field(std::move(field)) {}
  const std::string& field() const { return m_field; }

 private:
  std::string m_field;
};

// Values already checked against their ParamSpec; accessors throw ParamError only when a
// factory asks for a name its own schema does not declare as required.
class Params {
 public:
  void set(std::string name, ParamValue value);
  bool has(std::string_view name) const { return find(name) != nullptr; }

  std::string string(std::string_view name) const;
  std::optional<std::string> optional_string(std::string_view name) const;
  double number(std::string_view name) const;  // integers are accepted as numbers
  std::optional<double> optional_number(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  std::optional<std::int64_t> optional_integer(std::string_view name) const;
  bool boolean(std::string_view name, bool fallback) const;
  std::vector<std::string> string_list(std::string_view name) const;  // absent: empty

 private:
  const ParamValue* find(std::string_view name) const;
  // A handful of names, looked up by a scan: every loaded assertion holds one of these, and a
  // map would cost an allocation per value (10,000 tasks hold 40,000 of them).
  std::vector<std::pair<std::string, ParamValue>> m_values;
};

}  // namespace goodput
