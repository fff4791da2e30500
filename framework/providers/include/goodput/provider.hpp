// SPDX-License-Identifier: MIT
// Provider: sends one chat request to a model server and measures the streamed reply. One
// HTTP implementation speaks every dialect of the dialect table (goodput/dialect.hpp,
// goodput::providers), chosen by ModelSpec::dialect; a dialect supplies only what differs (paths,
// request body, stream decoder, hints). Measuring happens here; judging happens in checkers;
// nothing else touches the network. Sees only model_spec.hpp, never the checkers.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/completion.hpp"
#include "goodput/model_spec.hpp"

namespace goodput {

struct ChatMessage {
  std::string role;  // "system", "user", "assistant"
  std::string content;
};

struct CompletionRequest {
  std::vector<ChatMessage> messages;
  nlohmann::json params = nlohmann::json::object();  // merged task + model parameters
  // Ask the server not to reuse its prompt cache: only set for a server known to take the
  // switch (ServerInfo::takes_cache_prompt; the openai dialect sends cache_prompt: false).
  bool no_prompt_cache = false;
};

class Provider {
 public:
  virtual ~Provider() = default;
  // Sends `request` and blocks until the reply ended, failed or timed out. Never throws for
  // transport problems: they come back in Completion::error. One request at a time per
  // instance; an instance keeps its connection open between requests (one per worker).
  // When `*cancel` becomes true the request is abandoned as soon as possible.
  virtual Completion complete(const CompletionRequest& request, const std::atomic<bool>* cancel = nullptr) = 0;
  // The exact request body that would be sent (for the results' record and for tests).
  virtual nlohmann::json request_body(const CompletionRequest& request) const = 0;
};

// Throws ConfigError for an unknown dialect (naming the closest known one), for a base_url
// the dialect cannot use, or when the model's api_key_env names an environment variable
// that is not set.
std::unique_ptr<Provider> make_provider(const ModelSpec& model);

}  // namespace goodput
