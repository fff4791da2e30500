// SPDX-License-Identifier: MIT
// The simulated models of `goodput sim`: fixed timing and scripted answers, read from a
// profiles file (examples/sim/seed-profiles.yaml shows the format).
// Internal to goodput (no stable API).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "goodput/error.hpp"

namespace goodput::sim {

// A scripted failure, so that clients can be tested against the ways real servers break.
struct SimFault {
  // ""         no fault
  // "error"    data: {"error":{...}} then the stream ends without [DONE] (new llama.cpp)
  // "old-error" an `error: {...}` SSE line, then data: [DONE] (old llama.cpp builds)
  // "disconnect" the connection is dropped: no finish chunk, no [DONE], no final HTTP chunk
  // "stall"    nothing is sent for stall_ms, then the stream goes on at the same rate
  // "http-503" 503 {"error":{"code":503,"message":"Loading model",...}} before any streaming
  std::string kind;
  int after_tokens = 0;  // tokens sent before the fault strikes (reasoning included)
  int stall_ms = 0;
};

struct SimAnswer {
  std::string match;  // regular expression (goodput/pattern.hpp) searched in the last user message; empty = any
  std::string reasoning;  // streamed first, as delta.reasoning_content
  std::string text;
  std::string finish = "stop";  // "stop" or "length"
  SimFault fault;
  // When `match` matches, this answer is chosen with this probability, else the next
  // matching answer is considered (for answers that pass only sometimes: benchmarking a
  // gate). Drawn from the profile's random sequence (SimProfile::seed), one draw per request
  // that reaches this answer, so repeated requests are independent samples and a whole
  // session is reproducible. 1 = always.
  double chance = 1;
};

// A stable default seed from a profile id (FNV-1a), so that two profiles without `seed:` do
// not draw the same sequence.
std::uint64_t default_seed(const std::string& id);

// How a profile's text goes out (the delivery shapes of README "Metrics"). The token schedule
// is the same for all; only when text is written differs.
enum class SimDelivery {
  tokens,  // one token per event, each when it is due (an autoregressive model)
  blocks,  // the tokens in SimProfile::blocks blocks of equal count (the last may be shorter),
           // each in one event when its last token is due (a block-diffusion model refining
           // one block at a time)
  once,    // all of it in one event when the last token is due (a diffusion model that
           // refines the whole answer, or a proxy that buffers the stream)
  body,    // one JSON body, as for stream: false, even when the request asked for a stream
           // (a server that ignores `stream`)
};

struct SimProfile {
  std::string id;  // the `model` a request names
  double ttft_ms = 0;  // request body received -> first token written
  double tokens_per_second = 1;  // one token every 1000/tokens_per_second ms after the first
  std::string system_fingerprint = "b0000-goodputsim";
  std::vector<SimAnswer> answers;  // the first whose `match` is found (and whose chance comes up) wins
  std::uint64_t seed = 0;          // seeds the draws of the answers' `chance`; default: default_seed(id)
  // `prompt_cache: true`: like llama.cpp, a prompt (the whole message list) seen before is
  // served from the cache: cached tokens = prompt tokens - 1 in timings.cache_n and
  // usage.prompt_tokens_details.cached_tokens, first token after warm_ttft_ms (default
  // ttft_ms / 10). A request with `cache_prompt: false` is served cold all the same.
  bool prompt_cache = false;
  double warm_ttft_ms = 0;
  SimDelivery delivery = SimDelivery::tokens;  // `delivery: tokens | blocks | once | body`
  int blocks = 8;                              // `blocks: N`, with delivery: blocks
  // `judge: true`: with `goodput run --sim` a judge for model-graded assertions (the models
  // file's `judges:`), not a model to evaluate. The server serves it like any other.
  bool judge = false;
  SourceLocation where;
};

struct SimConfig {
  std::vector<SimProfile> profiles;
};

// Throws ConfigError (file:line:col and field) on unknown keys, wrong types, bad values,
// patterns that do not compile and model ids given twice.
SimConfig load_sim_profiles(const std::string& path);

// Fault kinds load_sim_profiles accepts.
bool is_known_fault_kind(const std::string& kind);

}  // namespace goodput::sim
