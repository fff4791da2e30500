// SPDX-License-Identifier: MIT
// Server-reported figures outside physical bounds are not numbers to average: a server that
// sends `completion_tokens: -7`, 9.2e18 tokens, a negative prompt time or 1.8e20 tok/s would
// otherwise move every mean and median it enters. Each such figure is removed from the
// Completion (a token count then falls back to the client's estimate) and noted in
// Completion::ignored_server_figures, which the journal keeps and the summary counts.
#pragma once

#include <cstdint>

#include "goodput/completion.hpp"

namespace goodput {

inline constexpr double k_max_plausible_tokens_per_s = 1e6;
inline constexpr std::int64_t k_max_plausible_tokens = 100'000'000;

// The bounds, for a completion whose text is `text_bytes` long and whose request took
// `request_s` on the client's clock (times.end):
//   counts     >= 0 and <= 10^8; completion tokens <= 4 x text bytes + 1024 (special and hidden
//              channel tokens leave no text, hence the generous margin); reasoning tokens <=
//              completion tokens; cached tokens <= prompt tokens
//   durations  finite, >= 0 and <= 1.1 x request_s + 0.5 s (no part of the request can outlast it)
//   rates      finite, >= 0 and <= 10^6 tokens/s
// Called by the stream decoders once the stream has ended, before tokens are estimated.
void drop_implausible_server_figures(Completion& c);

}  // namespace goodput
