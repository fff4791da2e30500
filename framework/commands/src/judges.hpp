// SPDX-License-Identifier: MIT
// The judges of `model-graded` assertions (README "Model-graded assertions"), checked before
// any request.
#pragma once

#include <vector>

#include "goodput/model_spec.hpp"
#include "goodput/spec.hpp"

namespace goodput::detail {

// Every model-graded assertion of `tasks` names a judge in `judges` (or, without `judge:`, there
// is one to default to). Throws ConfigError at the assertion otherwise.
void check_judges(const std::vector<TaskSpec>& tasks, const std::vector<ModelSpec>& judges);

}  // namespace goodput::detail
