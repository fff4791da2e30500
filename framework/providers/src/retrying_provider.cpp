// SPDX-License-Identifier: MIT
#include "goodput/retrying_provider.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

namespace goodput::detail {

namespace {

bool cancellable_sleep(double seconds, const std::atomic<bool>* cancel) {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < until) {
    if (cancel && cancel->load()) return false;
    const Clock::duration left = until - Clock::now();
    std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::milliseconds(20)));
  }
  return !(cancel && cancel->load());
}

std::string retry_seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

class RetryingProvider final : public Provider {
 public:
  RetryingProvider(std::unique_ptr<Provider> inner, RetryPolicy policy, RetrySleep sleep, std::shared_ptr<CircuitBreaker> breaker)
      : m_inner(std::move(inner)), m_policy(policy), m_sleep(sleep ? std::move(sleep) : RetrySleep(cancellable_sleep)),
        m_breaker(std::move(breaker)) {}

  Completion complete(const CompletionRequest& request, const std::atomic<bool>* cancel) override {
    std::vector<RetryNote> retries;
    double waited = 0;
    double next_wait = m_policy.first_wait_s;
    for (int attempt = 0;; ++attempt) {
      if (std::optional<std::string> refused = m_breaker ? m_breaker->refuse() : std::nullopt) {
        Completion c;
        c.error = {ErrorKind::connect, std::move(*refused), 0};
        c.retries = std::move(retries);
        finalise_metrics(c);
        return c;
      }
      Completion c = m_inner->complete(request, cancel);
      const bool cancelled = cancel && cancel->load();
      if (m_breaker && !cancelled) {
        if (c.error.kind == ErrorKind::connect)
          m_breaker->connection_failed(c.error.message);
        else
          m_breaker->replied();
      }
      const double budget_left = m_policy.max_wait_s - waited;
      bool again = is_retryable(c) && attempt < m_policy.attempts && !cancelled;
      double wait = std::min(next_wait, budget_left);
      if (again && c.retry_after_s) {
        wait = *c.retry_after_s;
        if (wait > budget_left) {  // never sleep longer than the policy allows, nor give up silently
          c.error.message += "; the server asked to be retried after " + retry_seconds_text(wait) +
                             " (Retry-After), more than retry.max_wait (" + retry_seconds_text(m_policy.max_wait_s) +
                             " in all) allows — raise retry.max_wait in the models file, or run again later";
          again = false;
        }
      } else if (budget_left <= 0) {
        again = false;
      }
      if (!again) {
        c.retries = std::move(retries);
        return c;
      }
      retries.push_back({wait, std::string(to_string(c.error.kind)) + ": " + c.error.message});
      waited += wait;
      next_wait *= 2;
      if (!m_sleep(wait, cancel)) {  // interrupted while backing off: the last failure stands
        c.retries = std::move(retries);
        return c;
      }
    }
  }

  nlohmann::json request_body(const CompletionRequest& request) const override { return m_inner->request_body(request); }

 private:
  std::unique_ptr<Provider> m_inner;
  RetryPolicy m_policy;
  RetrySleep m_sleep;
  std::shared_ptr<CircuitBreaker> m_breaker;
};

}  // namespace

bool is_retryable(const Completion& c) {
  if (c.ok()) return false;
  if (c.times.token_chunks > 0 || !c.answer.empty() || !c.reasoning.empty()) return false;
  if (c.error.kind == ErrorKind::connect) return true;
  return c.error.kind == ErrorKind::http_status && (c.error.http_status == 429 || c.error.http_status == 503);
}

std::unique_ptr<Provider> make_retrying_provider(std::unique_ptr<Provider> inner, RetryPolicy policy, RetrySleep sleep,
                                                 std::shared_ptr<CircuitBreaker> breaker) {
  return std::make_unique<RetryingProvider>(std::move(inner), policy, std::move(sleep), std::move(breaker));
}

}  // namespace goodput::detail
