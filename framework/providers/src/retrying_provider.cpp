// SPDX-License-Identifier: MIT
#include "goodput/retrying_provider.hpp"

#include <algorithm>
#include <chrono>
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

class RetryingProvider final : public Provider {
 public:
  RetryingProvider(std::unique_ptr<Provider> inner, RetryPolicy policy, RetrySleep sleep)
      : m_inner(std::move(inner)), m_policy(policy), m_sleep(sleep ? std::move(sleep) : RetrySleep(cancellable_sleep)) {}

  Completion complete(const CompletionRequest& request, const std::atomic<bool>* cancel) override {
    std::vector<RetryNote> retries;
    double waited = 0;
    double next_wait = m_policy.first_wait_s;
    for (int attempt = 0;; ++attempt) {
      Completion c = m_inner->complete(request, cancel);
      const double budget_left = m_policy.max_wait_s - waited;
      const bool again = is_retryable(c) && attempt < m_policy.attempts && budget_left > 0 && !(cancel && cancel->load());
      if (!again) {
        c.retries = std::move(retries);
        return c;
      }
      const double wait = std::min(next_wait, budget_left);
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
};

}  // namespace

bool is_retryable(const Completion& c) {
  if (c.ok()) return false;
  if (c.times.token_chunks > 0 || !c.answer.empty() || !c.reasoning.empty()) return false;
  if (c.error.kind == ErrorKind::connect) return true;
  return c.error.kind == ErrorKind::http_status && (c.error.http_status == 429 || c.error.http_status == 503);
}

std::unique_ptr<Provider> make_retrying_provider(std::unique_ptr<Provider> inner, RetryPolicy policy, RetrySleep sleep) {
  return std::make_unique<RetryingProvider>(std::move(inner), policy, std::move(sleep));
}

}  // namespace goodput::detail
