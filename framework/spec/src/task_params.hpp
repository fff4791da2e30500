// SPDX-License-Identifier: MIT
// Private: request parameters of C++ task cases (goodput/task.hpp keeps nlohmann/json out of
// sight) as the JSON a TaskSpec and a request carry.
#pragma once

#include <nlohmann/json.hpp>

#include "goodput/task.hpp"

namespace goodput::detail {

nlohmann::json params_to_json(const ParamMap& params);

}  // namespace goodput::detail
