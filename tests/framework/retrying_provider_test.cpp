// The retrying decorator: which failures it retries (connection errors, 429, 503, never after
// a token), how many times, within which back-off budget, and what it records.
#include <deque>

#include <gtest/gtest.h>

#include "goodput/retrying_provider.hpp"

namespace goodput::detail {
namespace {

Completion failure(ErrorKind kind, long status = 0) {
  Completion c;
  c.error = {kind, "simulated failure", status};
  return c;
}

Completion success() {
  Completion c;
  c.answer = "ok";
  c.times.token_chunks = 1;
  c.times.end = 0.25;
  return c;
}

class ScriptedProvider final : public Provider {
 public:
  explicit ScriptedProvider(std::deque<Completion> script, int* calls) : m_script(std::move(script)), m_calls(calls) {}
  Completion complete(const CompletionRequest&, const std::atomic<bool>*) override {
    ++*m_calls;
    Completion c = m_script.front();
    if (m_script.size() > 1) m_script.pop_front();
    return c;
  }
  nlohmann::json request_body(const CompletionRequest&) const override { return {{"inner", true}}; }

 private:
  std::deque<Completion> m_script;
  int* m_calls;
};

struct Harness {
  int calls = 0;
  std::vector<double> sleeps;
  std::unique_ptr<Provider> make(std::deque<Completion> script, RetryPolicy policy) {
    return make_retrying_provider(std::make_unique<ScriptedProvider>(std::move(script), &calls), policy,
                                  [this](double s, const std::atomic<bool>*) {
                                    sleeps.push_back(s);
                                    return true;
                                  });
  }
};

TEST(RetryingProvider, RetriesConnectErrorsThenSucceeds) {
  Harness h;
  auto p = h.make({failure(ErrorKind::connect), failure(ErrorKind::connect), success()}, {3, 30, 0.5});
  const Completion c = p->complete({}, nullptr);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(h.calls, 3);
  ASSERT_EQ(c.retries.size(), 2u);
  EXPECT_DOUBLE_EQ(c.retries[0].after_s, 0.5);
  EXPECT_DOUBLE_EQ(c.retries[1].after_s, 1.0);
  EXPECT_NE(c.retries[0].error.find("connect"), std::string::npos);
  EXPECT_EQ(h.sleeps, (std::vector<double>{0.5, 1.0}));
  EXPECT_DOUBLE_EQ(c.times.end, 0.25);  // the last attempt's own clock
}

TEST(RetryingProvider, RetriesHttp429And503ButNotOtherStatuses) {
  Harness h;
  auto p = h.make({failure(ErrorKind::http_status, 429), failure(ErrorKind::http_status, 503), success()}, {5, 30, 0.5});
  EXPECT_TRUE(p->complete({}, nullptr).ok());
  EXPECT_EQ(h.calls, 3);

  Harness h2;
  auto p2 = h2.make({failure(ErrorKind::http_status, 400), success()}, {5, 30, 0.5});
  const Completion c = p2->complete({}, nullptr);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(h2.calls, 1);
  EXPECT_TRUE(c.retries.empty());
}

TEST(RetryingProvider, AttemptCountIsBounded) {
  Harness h;
  auto p = h.make({failure(ErrorKind::connect)}, {2, 30, 0.5});
  const Completion c = p->complete({}, nullptr);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(h.calls, 3);  // the first attempt and 2 retries
  EXPECT_EQ(c.retries.size(), 2u);
}

TEST(RetryingProvider, TotalWaitStaysWithinTheBudget) {
  Harness h;
  auto p = h.make({failure(ErrorKind::connect)}, {10, 2.0, 0.5});
  const Completion c = p->complete({}, nullptr);
  EXPECT_FALSE(c.ok());
  double total = 0;
  for (double s : h.sleeps) total += s;
  EXPECT_DOUBLE_EQ(total, 2.0);  // 0.5 + 1 + 0.5 (capped by what was left)
  EXPECT_EQ(h.sleeps, (std::vector<double>{0.5, 1.0, 0.5}));
  EXPECT_EQ(h.calls, 4);
}

TEST(RetryingProvider, NeverRetriesOnceATokenArrived) {
  Completion cut = failure(ErrorKind::connect);
  cut.times.token_chunks = 1;
  cut.answer = "partial";
  Harness h;
  auto p = h.make({cut, success()}, {3, 30, 0.5});
  const Completion c = p->complete({}, nullptr);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(h.calls, 1);
  EXPECT_TRUE(c.retries.empty());

  Completion reasoning_only = failure(ErrorKind::http_status, 503);
  reasoning_only.reasoning = "thinking";
  EXPECT_FALSE(is_retryable(reasoning_only));
}

TEST(RetryingProvider, ZeroAttemptsNeverRetries) {
  Harness h;
  auto p = h.make({failure(ErrorKind::connect), success()}, {0, 30, 0.5});
  EXPECT_FALSE(p->complete({}, nullptr).ok());
  EXPECT_EQ(h.calls, 1);
}

TEST(RetryingProvider, CancelledBackOffEndsWithTheLastFailure) {
  int calls = 0;
  auto p = make_retrying_provider(std::make_unique<ScriptedProvider>(std::deque<Completion>{failure(ErrorKind::connect), success()}, &calls),
                                  {3, 30, 0.5}, [](double, const std::atomic<bool>*) { return false; });
  const Completion c = p->complete({}, nullptr);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(c.retries.size(), 1u);
}

TEST(RetryingProvider, RequestBodyIsTheInnerProviders) {
  Harness h;
  auto p = h.make({success()}, {});
  EXPECT_EQ(p->request_body({}), (nlohmann::json{{"inner", true}}));
}

}  // namespace
}  // namespace goodput::detail
