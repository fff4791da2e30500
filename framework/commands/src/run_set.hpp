// SPDX-License-Identifier: MIT
// One model's runs of a results file as compare.hpp's RunSet, for `goodput compare` and the
// HTML report's comparisons. Private to the commands.
#pragma once

#include <string>

#include "goodput/compare.hpp"
#include "goodput/results_json.hpp"

namespace goodput::detail {

// The model of `file` named `model` (or its only one): its fingerprint, the text of each task
// (a changed prompt is not comparable) and its runs. Throws ConfigError naming the file when it
// holds no such model (or several, and none was named: "name the <role> with --<role>-model").
RunSet run_set(const ResultsFile& file, std::string model, const char* role);

}  // namespace goodput::detail
