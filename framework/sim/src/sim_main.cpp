// SPDX-License-Identifier: MIT
// `goodput sim`: serve simulated models until SIGINT or SIGTERM.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include <pthread.h>

#include "goodput/terminal_text.hpp"
#include "goodput/sim_server.hpp"

namespace goodput::sim {

namespace {

SimConfig load_all(const std::vector<std::string>& files) {
  SimConfig merged;
  for (const std::string& file : files) {
    SimConfig config = load_sim_profiles(file);
    for (SimProfile& profile : config.profiles) {
      for (const SimProfile& earlier : merged.profiles) {
        if (earlier.id == profile.id)
          throw ConfigError(profile.where, "id",
                            "model id '" + profile.id + "' is already defined at " + earlier.where.str());
      }
      merged.profiles.push_back(std::move(profile));
    }
  }
  return merged;
}

}  // namespace

int run_sim_command(const std::string& host, int port, const std::vector<std::string>& profile_files,
                    const std::string& api_key_env) {
  SimConfig config;
  try {
    config = load_all(profile_files);
  } catch (const ConfigError& e) {
    std::cerr << "goodput sim: " << goodput::detail::terminal_text(e.what()) << "\n";
    return 2;
  }
  std::string api_key;
  if (!api_key_env.empty()) {
    const char* value = std::getenv(api_key_env.c_str());
    if (!value || !*value) {
      std::cerr << "goodput sim: the environment variable " << api_key_env << " (the API key) is not set\n";
      return 2;
    }
    api_key = value;
  }

  // Block the signals before any server thread exists, so that every thread inherits the
  // mask and sigwait below is the only place they are delivered.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  const auto restore = [&previous] { pthread_sigmask(SIG_SETMASK, &previous, nullptr); };

  std::string names;
  for (const SimProfile& profile : config.profiles)
    names += (names.empty() ? "" : ", ") + goodput::detail::terminal_text(profile.id);
  try {
    SimServer server(std::move(config), api_key);
    server.start(host, port);
    std::cout << "goodput sim: listening on " << server.base_url() << " — SIMULATED models: " << names
              << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  } catch (const std::exception& e) {
    restore();
    std::cerr << "goodput sim: " << goodput::detail::terminal_text(e.what()) << "\n";
    return 1;
  }
  restore();
  return 0;
}

}  // namespace goodput::sim
