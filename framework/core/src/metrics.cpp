// SPDX-License-Identifier: MIT
// The one definition of goodput's client-side metrics (DESIGN.md "Metrics").
#include "goodput/completion.hpp"

namespace goodput {

namespace {

// Longer than a token is: more text per arrival than this means several tokens arrived at once.
constexpr double k_bytes_of_one_token = 16;
// More tokens per arrival than speculative decoding or a late read put together.
constexpr double k_tokens_of_a_block = 4;

}  // namespace

std::string_view to_string(Delivery delivery) {
  switch (delivery) {
    case Delivery::token_stream: return "token_stream";
    case Delivery::block_stream: return "block_stream";
    case Delivery::single_body: return "single_body";
    case Delivery::unknown: break;
  }
  return "unknown";
}

std::string_view describe(Delivery delivery) {
  switch (delivery) {
    case Delivery::token_stream: return "token stream";
    case Delivery::block_stream: return "block stream";
    case Delivery::single_body: return "single body";
    case Delivery::unknown: break;
  }
  return "unknown";
}

Delivery classify_delivery(const StreamTimes& times, const TokenCounts& tokens) {
  if (times.token_chunks <= 0) return Delivery::unknown;
  const bool bytes_known = times.text_bytes > 0;
  const bool counted = tokens.completion && !tokens.completion_estimated;
  if (!bytes_known && !counted) return Delivery::token_stream;  // nothing says otherwise
  const auto arrivals = static_cast<double>(times.text_arrivals > 0 ? times.text_arrivals : times.token_chunks);
  const double bytes_per_arrival = static_cast<double>(times.text_bytes) / arrivals;
  if (arrivals == 1) {
    const bool more_than_a_token = bytes_known ? bytes_per_arrival > k_bytes_of_one_token : *tokens.completion > 1;
    return more_than_a_token ? Delivery::single_body : Delivery::token_stream;
  }
  const bool many_bytes = !bytes_known || bytes_per_arrival > k_bytes_of_one_token;
  const bool many_tokens = !counted || static_cast<double>(*tokens.completion) / arrivals > k_tokens_of_a_block;
  return many_bytes && many_tokens ? Delivery::block_stream : Delivery::token_stream;
}

Metrics compute_metrics(const StreamTimes& times, const TokenCounts& tokens) {
  Metrics m;
  m.ttft_s = times.first_token;
  m.time_to_first_answer_s = times.first_answer_token;
  m.e2e_s = times.last_token;
  m.delivery = classify_delivery(times, tokens);
  if (m.delivery == Delivery::block_stream || m.delivery == Delivery::single_body) {
    // Tokens did not arrive one by one, so there is no per-token rate to time: the rate the
    // user saw is the whole answer over the whole wait.
    if (times.last_token && *times.last_token > 0 && tokens.completion && *tokens.completion > 0)
      m.effective_tps = static_cast<double>(*tokens.completion) / *times.last_token;
    return m;
  }
  // The first token's time is TTFT's; decode covers the tokens after it, so one token or
  // one chunk gives no rate.
  if (times.first_token && times.last_token && tokens.completion && *tokens.completion > 1) {
    const double span = *times.last_token - *times.first_token;
    if (span > 0) m.decode_tps = static_cast<double>(*tokens.completion - 1) / span;
  }
  return m;
}

}  // namespace goodput
