// SPDX-License-Identifier: MIT
// Helpers shared by the checker tests: build a checker by its YAML type name through the
// registry (as the loader does), and a Completion holding just an answer.
#pragma once

#include <gtest/gtest.h>

#include <memory>
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

}  // namespace goodput::checkers::testing
