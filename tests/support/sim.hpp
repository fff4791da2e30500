// SPDX-License-Identifier: MIT
// `goodput sim` in the test process, on loopback, and models files that point at it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "goodput/sim_server.hpp"

namespace goodput::test {

// tests/data/sim-test-profiles.yaml: sim-fast (right answers), sim-wrong, sim-faulty,
// sim-reasoner...
std::string test_sim_profiles();

// A started simulator serving `profiles` (a profile file or a loaded configuration); with an
// api_key its chat endpoints want that Bearer key. Stopped when destroyed.
std::unique_ptr<sim::SimServer> start_sim(const std::string& profiles = test_sim_profiles(), const std::string& api_key = "");
std::unique_ptr<sim::SimServer> start_sim(sim::SimConfig config, const std::string& api_key = "");

// A models file naming each id as a model of that name at `base_url`; `extra` is appended
// inside each entry's braces (", warmup: true").
std::string models_yaml(const std::string& base_url, const std::vector<std::string>& ids, const std::string& extra = "");

}  // namespace goodput::test
