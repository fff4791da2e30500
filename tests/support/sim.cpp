// SPDX-License-Identifier: MIT
#include "support/sim.hpp"

#include "support/files.hpp"

namespace goodput::test {

std::string test_sim_profiles() { return data_path("sim-test-profiles.yaml"); }

std::unique_ptr<sim::SimServer> start_sim(const std::string& profiles, const std::string& api_key) {
  return start_sim(sim::load_sim_profiles(profiles), api_key);
}

std::unique_ptr<sim::SimServer> start_sim(sim::SimConfig config, const std::string& api_key) {
  auto server = std::make_unique<sim::SimServer>(std::move(config), api_key);
  server->start();
  return server;
}

std::string models_yaml(const std::string& base_url, const std::vector<std::string>& ids, const std::string& extra) {
  std::string yaml = "models:\n";
  for (const auto& id : ids) yaml += "  - {name: " + id + ", base_url: '" + base_url + "', model: " + id + extra + "}\n";
  return yaml;
}

}  // namespace goodput::test
