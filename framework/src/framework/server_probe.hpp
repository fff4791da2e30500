// SPDX-License-Identifier: MIT
// What a model server says about itself, asked over plain GETs: its version or build, and
// the model's quantisation and context length. Used best-effort for each run's fingerprint
// and, with every detail, by `goodput models`. Private to framework/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/completion.hpp"
#include "goodput/spec.hpp"

namespace goodput::detail {

// base_url without a trailing "/", "/v1", "/api/v0" or "/api": where /health, /props,
// /api/tags and /api/v0/models live.
std::string server_root(const std::string& base_url);

// "Authorization: Bearer ..." when the model names an api_key_env that is set; else empty.
std::vector<std::string> auth_headers(const ModelSpec& model);

struct ServerInfo {
  std::string version;  // llama.cpp /props build_info, Ollama /api/version
  std::string quantisation;
  std::optional<std::int64_t> context_length;
  std::string arch;
};

// Parses the answers a server gave (any may be null when the GET failed) into ServerInfo for
// the model id `model`. Kept apart from the network so tests can feed it documents.
ServerInfo server_info_from(const std::string& model, const nlohmann::json& v1_models, const nlohmann::json& props,
                            const nlohmann::json& ollama_tags, const nlohmann::json& ollama_version,
                            const nlohmann::json& lmstudio_models);

// True when `model`'s endpoint is `goodput sim` (its /v1/models entries are owned_by
// "goodput-sim"), so that results from a simulator named in a models file are labelled
// SIMULATED like those of `run --sim`. One short GET; false when unsure.
bool endpoint_is_goodput_sim(const ModelSpec& model, double timeout_s);

// Asks the server of `model` (by its dialect) what it is; never throws, never waits longer
// than about `timeout_s` per GET; what it cannot learn stays empty.
ServerInfo probe_server_info(const ModelSpec& model, double timeout_s);

// The flat, stable record of what produced a result: dialect, endpoint, model id, server
// version or build, quantisation, context length, the request parameters (the body minus
// messages) and goodput's version. `completion` (may be null) wins over the probe where it
// says something.
nlohmann::json make_fingerprint(const ModelSpec& model, const ServerInfo& probe, const Completion* completion,
                                const nlohmann::json& request_body);

}  // namespace goodput::detail
