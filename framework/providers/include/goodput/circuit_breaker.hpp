// SPDX-License-Identifier: MIT
// A circuit breaker for one server (scheme, host and port): after k_breaker_threshold
// connection failures in a row, from any run of any model on that server, requests to it are
// not sent but end at once as connection errors, so that a suite against a dead server reports
// so in seconds rather than retrying every run. A reply of any kind (even an HTTP error: the
// server is there) closes it; while open, one request is let through now and then to find out
// whether the server came back. Thread-safe: the workers of every model on the server share
// one. Private to framework/; the runner makes one per server for each run.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace goodput::detail {

// Enough to ride out a server that drops a connection or two while it restarts or loads a
// model; with the default retry policy (3 retries) one run's attempts and the next run's first.
inline constexpr int k_breaker_threshold = 5;
// While open, a request is let through at most this often, seconds.
inline constexpr double k_breaker_trial_interval_s = 10;

class CircuitBreaker {
 public:
  // Seconds on a monotonic clock; replaced in tests.
  using Clock = std::function<double()>;

  explicit CircuitBreaker(std::string server, int threshold = k_breaker_threshold,
                          double trial_interval_s = k_breaker_trial_interval_s, Clock clock = {});

  // Empty when a request may be sent; else why not, a message for the run's error. While
  // open, the first call after each trial interval is let through (the trial).
  std::optional<std::string> refuse();
  // The request could not reach the server (connect kind); `message` says how.
  void connection_failed(const std::string& message);
  // The server replied, whatever it said.
  void replied();

 private:
  const std::string m_server;
  const int m_threshold;
  const double m_trial_interval_s;
  const Clock m_clock;
  std::mutex m_mutex;
  int m_failures = 0;  // in a row
  std::string m_last_failure;
  bool m_open = false;
  double m_next_trial = 0;  // while open: when the next request may go out
};

}  // namespace goodput::detail
