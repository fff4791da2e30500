// SPDX-License-Identifier: MIT
#include "goodput/circuit_breaker.hpp"

#include <chrono>
#include <utility>

namespace goodput::detail {

namespace {

double breaker_steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

CircuitBreaker::CircuitBreaker(std::string server, int threshold, double trial_interval_s, Clock clock)
    : m_server(std::move(server)), m_threshold(threshold), m_trial_interval_s(trial_interval_s),
      m_clock(clock ? std::move(clock) : Clock(breaker_steady_seconds)) {}

std::optional<std::string> CircuitBreaker::refuse() {
  const std::lock_guard lock(m_mutex);
  if (!m_open) return std::nullopt;
  if (const double now = m_clock(); now >= m_next_trial) {
    m_next_trial = now + m_trial_interval_s;  // one trial per interval, whichever worker asks first
    return std::nullopt;
  }
  return "server " + m_server + " is unreachable: " + std::to_string(m_failures) +
         " consecutive connection failures; the remaining runs were not sent (last: " + m_last_failure + ")";
}

void CircuitBreaker::connection_failed(const std::string& message) {
  const std::lock_guard lock(m_mutex);
  ++m_failures;
  m_last_failure = message;
  if (!m_open && m_failures >= m_threshold) {
    m_open = true;
    m_next_trial = m_clock() + m_trial_interval_s;
  }
}

void CircuitBreaker::replied() {
  const std::lock_guard lock(m_mutex);
  m_failures = 0;
  m_open = false;
}

}  // namespace goodput::detail
