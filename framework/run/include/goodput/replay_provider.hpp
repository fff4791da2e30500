// SPDX-License-Identifier: MIT
// Replay (`goodput run --replay DIR`): answers each (model, task, sample) with the completions
// recorded for it (`--record DIR`; results_json.hpp reads the recording), instead of asking a
// server, so checkers can be changed and gates tested in CI without a model, and an
// expensive evaluation can be re-scored.
// Internal to goodput (no stable API).
#pragma once

#include <memory>

#include "goodput/plan.hpp"
#include "goodput/provider.hpp"
#include "goodput/results_json.hpp"
#include "goodput/spec.hpp"

namespace goodput::detail {

// The provider of one worker of `model`: it builds the request bodies the model's own dialect
// would send (for the runs' fingerprints), and answers no request itself, since only a run
// knows which recorded answer is its (make_replay_run_provider).
std::unique_ptr<Provider> make_replay_provider(std::shared_ptr<const Recording> recording, const ModelSpec& model);

// The provider of one run: answers its requests, in order, with the completions recorded for
// that (model, task, sample). A run the recording lacks, or whose prompt differs from the
// recorded one, gets an error completion saying so.
std::unique_ptr<Provider> make_replay_run_provider(std::shared_ptr<const Recording> recording, const PlannedRun& run);

}  // namespace goodput::detail
