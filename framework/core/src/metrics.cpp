// SPDX-License-Identifier: MIT
// The one definition of goodput's client-side metrics (DESIGN.md "Metrics").
#include "goodput/completion.hpp"

namespace goodput {

Metrics compute_metrics(const StreamTimes& times, const TokenCounts& tokens) {
  Metrics m;
  m.ttft_s = times.first_token;
  m.time_to_first_answer_s = times.first_answer_token;
  m.e2e_s = times.last_token;
  // The first token's time is TTFT's; decode covers the tokens after it, so one token or
  // one chunk gives no rate.
  if (times.first_token && times.last_token && tokens.completion && *tokens.completion > 1) {
    const double span = *times.last_token - *times.first_token;
    if (span > 0) m.decode_tps = static_cast<double>(*tokens.completion - 1) / span;
  }
  return m;
}

}  // namespace goodput
