// SPDX-License-Identifier: MIT
// The one place the `Authorization: Bearer` header is built from a model's api_key_env (the
// models file names an environment variable, never the key). Internal to goodput (no stable API).
#pragma once

#include <string>
#include <vector>

#include "goodput/model_spec.hpp"

namespace goodput::detail {

// {"Authorization: Bearer <key>"} when the model names an api_key_env that is set; else
// empty. For probes, which go on without a key and say what is missing.
std::vector<std::string> auth_headers(const ModelSpec& model);

// The same for sending requests, where a named variable that is not set is the user's
// mistake: throws ConfigError at the model's api_key_env.
std::vector<std::string> required_auth_headers(const ModelSpec& model);

}  // namespace goodput::detail
