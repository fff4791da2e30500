// SPDX-License-Identifier: MIT
#include <algorithm>

#include "builtin_types.hpp"
#include "goodput/checkers/checker.hpp"

namespace goodput::checkers {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::pass: return "pass";
    case Outcome::fail: return "fail";
    case Outcome::error: return "error";
  }
  return "error";
}

const std::vector<CheckerType>& checker_types() {
  // Built on first use rather than at static initialisation, so that a loader running from
  // another static initialiser still finds every type.
  static const std::vector<CheckerType> k_types{
      detail::contains_type(),    detail::not_contains_type(), detail::icontains_type(),
      detail::regex_type(),       detail::equals_type(),       detail::length_type(),
      detail::list_count_type(),  detail::number_type(),       detail::stop_reason_type(),
      detail::max_latency_type(),  detail::json_type(),
      detail::python_compiles_type(),
      detail::python_passes_type(),
      detail::python_judge_type(),
      detail::model_graded_type(),
  };
  return k_types;
}

const CheckerType* find_checker_type(std::string_view name) {
  const auto& types = checker_types();
  const auto it = std::find_if(types.begin(), types.end(),
                               [&](const CheckerType& type) { return type.name == name; });
  return it == types.end() ? nullptr : &*it;
}

}  // namespace goodput::checkers
