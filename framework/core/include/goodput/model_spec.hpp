// SPDX-License-Identifier: MIT
// A model as the models file describes it: endpoint, dialect, model id, request settings,
// timeouts and retries. Plain data in goodput::core, so that providers, which need only this,
// never see the specs or the checkers; reading it from YAML is spec's (load_models_file,
// goodput/spec.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/error.hpp"

namespace goodput {

struct TimeoutSettings {
  double connect_s = 10;
  double request_s = 900;  // whole request, first byte to last
  double stall_s = 120;    // no bytes at all for this long (local servers can prefill slowly)
};

// The answer cap (`max_answer_mb`): answer and reasoning text of one reply, in MB of 2^20 bytes.
inline constexpr std::size_t k_default_max_answer_mb = 16;
inline constexpr std::size_t k_bytes_per_mb = std::size_t{1} << 20;

struct ModelSpec {
  std::string name;      // the user's name for this model + settings
  std::string base_url;  // e.g. http://127.0.0.1:8080/v1
  std::string dialect = "openai";  // a name in the dialect table (goodput/dialect.hpp)
  std::string model;     // the id the server expects
  nlohmann::json params = nlohmann::json::object();      // request parameters, override the task's
  nlohmann::json extra_body = nlohmann::json::object();  // passed through unchanged
  std::string api_key_env;  // name of the environment variable holding the key; never the key
  int concurrency = 1;      // requests in flight at once for this model
  TimeoutSettings timeouts;
  bool simulated = false;   // the endpoint is `goodput sim`; labelled wherever results appear
  // low | medium | high | none (empty: the server's default); each dialect translates it into
  // its own switch (OpenAI reasoning_effort, Ollama think, llama.cpp chat_template_kwargs...).
  std::string reasoning_effort;
  std::string system_role = "system";  // "developer" for gpt-oss on Bedrock
  bool warmup = false;                 // one unmeasured request first; its time is the load time
  // prompt_cache: cold (default) asks the server not to reuse its prompt cache where it has a
  // switch for it (llama.cpp cache_prompt: false); as-is sends nothing. Either way each run is
  // classified cold / warm / unknown from what the server reports (PromptCacheClass).
  bool prompt_cache_cold = true;
  // A replayed model: whether the recording's requests carried cache_prompt: false (its server
  // took the switch); the replay's request bodies say the same. Never read from a models file.
  bool replay_cache_prompt_off = false;
  int retry_attempts = 3;              // on connection errors, 429 and 503
  double retry_max_wait_s = 30;        // total backoff budget per request
  // A reply bringing more (answer, reasoning and unfinished stream data) ends the run as an
  // error and is read no further (StreamDecoder::set_max_bytes).
  std::size_t max_answer_mb = k_default_max_answer_mb;
  SourceLocation where;
  // Where later checks point: the model's place in its file ("models[1]"; empty when it
  // does not come from a file) and the line of its api_key_env.
  std::string field;
  SourceLocation api_key_env_where;
};

// The server behind a model's base_url: scheme, host and port ("http://127.0.0.1:8080").
// Dialects put different paths on one server (/v1, /api, /api/v0); it is the server that
// must not be measured concurrently by two models.
std::string server_endpoint(const ModelSpec& model);

}  // namespace goodput
