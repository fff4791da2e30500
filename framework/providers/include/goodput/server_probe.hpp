// SPDX-License-Identifier: MIT
// What a model server says about itself, asked over plain GETs: its version or build, and
// the model's quantisation and context length. Used best-effort for each run's fingerprint
// and, with every detail, by `goodput models`. Which GETs, and how to read the answers, is
// the dialect's (goodput/dialect.hpp); this file sends them. Internal to goodput (no stable API).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "goodput/completion.hpp"
#include "goodput/model_spec.hpp"
#include "goodput/dialect.hpp"  // ServerInfo; what to ask comes from the model's dialect

namespace goodput::detail {

// base_url without a trailing "/", "/v1", "/api/v0" or "/api": where /health, /props,
// /api/tags and /api/v0/models live.
std::string server_root(const std::string& base_url);

// True when `model`'s endpoint is `goodput sim` (its /v1/models entries are owned_by
// "goodput-sim"), so that results from a simulator named in a models file are labelled
// SIMULATED like those of `run --sim`. One short GET; false when unsure.
bool endpoint_is_goodput_sim(const ModelSpec& model, double timeout_s);

// Asks the server of `model` what it is, with the GETs its dialect names (Dialect::
// probe_paths, read_server_info); never throws, never waits longer than about `timeout_s`
// per GET; what it cannot learn stays empty.
ServerInfo probe_server_info(const ModelSpec& model, double timeout_s);

// The flat, stable record of what produced a result: dialect, endpoint, model id, server
// version or build, quantisation, context length, the request parameters (the body minus
// messages) and goodput's version. `completion` (may be null) wins over the probe where it
// says something.
nlohmann::json make_fingerprint(const ModelSpec& model, const ServerInfo& probe, const Completion* completion,
                                const nlohmann::json& request_body);

}  // namespace goodput::detail
