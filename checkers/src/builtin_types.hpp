// SPDX-License-Identifier: MIT
// One entry point per assertion file; registry.cpp lists them in the order help shows them.
#pragma once

#include "goodput/checkers/checker.hpp"

namespace goodput::checkers::detail {

CheckerType contains_type();
CheckerType not_contains_type();
CheckerType icontains_type();
CheckerType regex_type();
CheckerType equals_type();
CheckerType length_type();
CheckerType list_count_type();
CheckerType number_type();
CheckerType stop_reason_type();
CheckerType max_latency_type();
CheckerType python_compiles_type();
CheckerType python_passes_type();
CheckerType json_type();
CheckerType python_judge_type();
CheckerType model_graded_type();

}  // namespace goodput::checkers::detail
