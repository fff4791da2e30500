// SPDX-License-Identifier: MIT
// A Provider decorator that retries a request that failed before any token arrived: on
// connection errors and on HTTP 429 / 503 (server busy or still loading the model), waiting
// what the server's Retry-After asks when it sends one. With a circuit breaker, requests to a
// server that stopped answering are not sent at all. Private to framework/; make_provider
// wraps every dialect's provider in one.
#pragma once

#include <functional>
#include <memory>

#include "goodput/circuit_breaker.hpp"
#include "goodput/provider.hpp"

namespace goodput::detail {

struct RetryPolicy {
  int attempts = 3;         // retries after the first attempt (0: never retry)
  double max_wait_s = 30;   // total back-off per request: 0.5 s, 1 s, 2 s... capped by what is left
  double first_wait_s = 0.5;
};

// Sleeps `seconds` or until `*cancel` (may be null); returns false when cancelled. Replaced
// in tests so that back-off costs no time.
using RetrySleep = std::function<bool(double seconds, const std::atomic<bool>* cancel)>;

// True when `c` may be retried: it failed with a connection error, 429 or 503, and no token
// (answer or reasoning) arrived, since a retry after tokens would make the timing meaningless.
bool is_retryable(const Completion& c);

// `breaker` (may be null) is told how each attempt went and may refuse to send one.
std::unique_ptr<Provider> make_retrying_provider(std::unique_ptr<Provider> inner, RetryPolicy policy, RetrySleep sleep = {},
                                                 std::shared_ptr<CircuitBreaker> breaker = {});

}  // namespace goodput::detail
