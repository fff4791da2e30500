// SPDX-License-Identifier: MIT
// Helpers shared by the checker tests: build a checker by its YAML type name through the
// registry (as the loader does), and a Completion holding just an answer.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "goodput/checkers/checker.hpp"

namespace goodput::checkers::testing {

inline Params params(std::initializer_list<std::pair<std::string, ParamValue>> values) {
  Params out;
  for (const auto& [name, value] : values) out.set(name, value);
  return out;
}

inline std::unique_ptr<Checker> make_checker(std::string_view type, const Params& values) {
  const CheckerType* entry = find_checker_type(type);
  if (entry == nullptr) throw std::logic_error("no checker type " + std::string(type));
  return entry->make(values);
}

inline Completion answer(std::string text) {
  Completion completion;
  completion.answer = std::move(text);
  completion.stop_reason = StopReason::stop;
  completion.server_stop_reason = "stop";
  return completion;
}

inline CheckResult run(std::string_view type, const Params& values, std::string text) {
  return make_checker(type, values)->check(answer(std::move(text)));
}

// The field a factory's ParamError names, or a marker that no ParamError was thrown.
inline std::string param_error_field(std::string_view type, const Params& values) {
  try {
    make_checker(type, values);
  } catch (const ParamError& error) {
    return error.field();
  }
  return "<no ParamError>";
}

inline std::string param_error_message(std::string_view type, const Params& values) {
  try {
    make_checker(type, values);
  } catch (const ParamError& error) {
    return error.what();
  }
  return "<no ParamError>";
}

// The seed JSON→CSV fixtures and the converters in tests/data/converters, for the Python checks.
inline const std::string k_json_to_csv_fixtures = std::string(GOODPUT_SOURCE_DIR) + "/tasks/seed/fixtures/json_to_csv";
inline const std::string k_seed = k_json_to_csv_fixtures + "/seed";

inline std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string converter(const std::string& name) {
  return read(std::string(GOODPUT_TEST_DATA_DIR) + "/converters/" + name + ".py");
}

// A model's answer carrying `code` in a ```python block.
inline std::string fenced(const std::string& code) {
  return "Here is the function:\n\n```python\n" + code + "```\n\nIt handles every case.\n";
}

}  // namespace goodput::checkers::testing
