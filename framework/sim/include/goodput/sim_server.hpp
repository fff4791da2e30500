// SPDX-License-Identifier: MIT
// `goodput sim`: a simulated OpenAI-compatible endpoint that imitates llama.cpp's server
// byte for byte (wire-formats.md §B, captures/llama-server), with known timing, scripted
// answers and scripted faults. It is a test double and a demo, on loopback; every figure in
// a profile is a schedule it keeps exactly, so tests can check what clients measure.
//
//   SimServer server(load_sim_profiles("examples/sim/seed-profiles.yaml"));
//   server.start();                  // any free port on 127.0.0.1
//   use(server.base_url());          // http://127.0.0.1:PORT/v1
//   server.stop();
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "goodput/sim_profiles.hpp"
#include "goodput/sim_tokenizer.hpp"

namespace goodput::sim {

// Endpoints: POST /v1/chat/completions (and /chat/completions), GET /v1/models (and
// /models), GET /health (and /v1/health). With an api_key, the chat endpoints want
// `Authorization: Bearer <key>`; /health and the model lists stay open, as in llama.cpp.
// The same profiles, on the same schedule, also speak two other servers' dialects
// (wire-formats.md §C, §D), for the ollama and lmstudio providers; their base_url is the
// server root, http://127.0.0.1:PORT:
//   Ollama:    POST /api/chat (NDJSON; options.num_predict, think:false drops the reasoning;
//              final line with durations in ns, zero fields omitted), GET /api/tags, GET /api/version
//   LM Studio: POST /api/v0/chat/completions (the SSE above without `timings`, plus `stats` in
//              seconds, `model_info` and `runtime` on the last chunk), GET /api/v0/models
class SimServer {
 public:
  explicit SimServer(SimConfig config, std::string api_key = "");
  ~SimServer();  // stops the server
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Binds (port 0 = any free port), serves on background threads and returns the bound
  // port. Throws std::runtime_error when it cannot listen or was already started.
  int start(const std::string& host = "127.0.0.1", int port = 0);
  // Ends streams in flight (they are cut, without [DONE]) and returns once every server
  // thread has finished. Idle keep-alive connections can hold it for up to a second.
  void stop();
  std::string base_url() const;  // http://127.0.0.1:PORT/v1
  int port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

// `goodput sim`: loads the profile files (the CLI passes the demo profiles when none are
// named: builtin_sim_profiles), serves them, prints one line
//   goodput sim: listening on http://127.0.0.1:PORT/v1 — SIMULATED models: a, b, c
// and blocks until SIGINT or SIGTERM. api_key_env names an environment variable holding
// the Bearer key to require (empty: no key). Returns 0 after a signal, 2 on a bad profile
// file or key variable, 1 when it cannot listen.
int run_sim_command(const std::string& host, int port, const std::vector<std::string>& profile_files,
                    const std::string& api_key_env);

}  // namespace goodput::sim
