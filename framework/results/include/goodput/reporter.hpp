// SPDX-License-Identifier: MIT
// The Reporter interface: the events of one evaluation, in the order they fire. The runner
// fires them; the built-in reporters (goodput/reporters.hpp) and any of a program's own
// receive them. Everything a reporter is given is the results model (goodput/results.hpp) and
// the specs, never the runner's own state.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/results.hpp"
#include "goodput/spec.hpp"

namespace goodput {

// What an evaluation is about to do.
struct Plan {
  const std::vector<ModelSpec>* models = nullptr;
  const std::vector<TaskSpec>* tasks = nullptr;
  int repeat = 1;         // multiplies each task's own `repeat`
  std::size_t total_runs = 0;
  bool simulated = false;  // every model is `goodput sim`
  // Per model name: the fingerprint known before any run (from probing the server once).
  std::map<std::string, nlohmann::json> fingerprints;
};

// Receives events on the thread that called Runner::run, in this order: on_plan once,
// on_warmup per model that warms up, on_run_start / on_run_end per run (runs of different
// models interleave), on_finish once.
// References are valid only during the call. Must not throw.
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void on_plan(const Plan& /*plan*/) {}
  // After on_plan, before that model's first run, for each model with warm-up.
  virtual void on_warmup(const ModelSpec& /*model*/, const WarmupResult& /*warmup*/) {}
  virtual void on_run_start(const ModelSpec& /*model*/, const TaskSpec& /*task*/, int /*sample*/) {}
  virtual void on_run_end(const RunRecord& /*run*/) {}
  // `interrupted`: the run was stopped early; runs in flight were dropped.
  virtual void on_finish(bool /*interrupted*/) {}
};

}  // namespace goodput
