// SPDX-License-Identifier: MIT
#include "judges.hpp"

#include <algorithm>
#include <string>

#include "goodput/error.hpp"

namespace goodput::detail {

void check_judges(const std::vector<TaskSpec>& tasks, const std::vector<ModelSpec>& judges) {
  std::string names;
  for (const auto& judge : judges) names += (names.empty() ? "" : ", ") + judge.name;
  for (const auto& task : tasks) {
    for (const auto& assertion : task.assertions) {
      if (assertion.type != "model-graded") continue;
      if (judges.empty())
        throw ConfigError(assertion.where, "type",
                          "model-graded needs a judge model: list one under judges: in the models file (with --sim, a "
                          "simulator profile with judge: true)");
      const std::string name = assertion.params.optional_string("judge").value_or("");
      if (!name.empty() && std::none_of(judges.begin(), judges.end(), [&](const ModelSpec& j) { return j.name == name; }))
        throw ConfigError(assertion.where, "judge", "no judge named '" + name + "' (judges: " + names + ")");
    }
  }
}

}  // namespace goodput::detail
