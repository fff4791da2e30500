// The circuit breaker of one server: it opens after k_breaker_threshold connection failures in
// a row, refuses requests with one clear message while open, lets a trial through now and then,
// and any reply closes it; the retrying provider consults it before each attempt, so a dead
// server costs a few connection attempts, not every run's.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/circuit_breaker.hpp"
#include "goodput/retrying_provider.hpp"

namespace goodput::detail {
namespace {

using ::testing::HasSubstr;

struct FakeClock {
  double now = 100;
  CircuitBreaker::Clock clock() {
    return [this] { return now; };
  }
};

TEST(CircuitBreaker, OpensAfterTheThresholdOfFailuresInARow) {
  FakeClock t;
  CircuitBreaker breaker("http://127.0.0.1:9", 3, 10, t.clock());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(breaker.refuse(), std::nullopt) << i;
    breaker.connection_failed("cannot connect to http://127.0.0.1:9/v1/chat/completions");
  }
  const auto refused = breaker.refuse();
  ASSERT_TRUE(refused.has_value());
  EXPECT_THAT(*refused, HasSubstr("server http://127.0.0.1:9 is unreachable: 3 consecutive connection failures; "
                                  "the remaining runs were not sent (last: cannot connect to"));
}

TEST(CircuitBreaker, AReplyInBetweenStartsTheCountAgain) {
  FakeClock t;
  CircuitBreaker breaker("s", 3, 10, t.clock());
  breaker.connection_failed("x");
  breaker.connection_failed("x");
  breaker.replied();  // an HTTP 500 is a reply too: the server is there
  breaker.connection_failed("x");
  breaker.connection_failed("x");
  EXPECT_EQ(breaker.refuse(), std::nullopt);
}

TEST(CircuitBreaker, LetsOneTrialThroughPerIntervalAndASuccessClosesIt) {
  FakeClock t;
  CircuitBreaker breaker("s", 2, 10, t.clock());
  breaker.connection_failed("x");
  breaker.connection_failed("x");
  EXPECT_TRUE(breaker.refuse());
  t.now += 9.9;
  EXPECT_TRUE(breaker.refuse());
  t.now += 0.1;
  EXPECT_EQ(breaker.refuse(), std::nullopt);  // the trial
  EXPECT_TRUE(breaker.refuse());              // only one
  breaker.connection_failed("x");             // the trial failed: still open
  EXPECT_TRUE(breaker.refuse());
  t.now += 10;
  EXPECT_EQ(breaker.refuse(), std::nullopt);
  breaker.replied();
  EXPECT_EQ(breaker.refuse(), std::nullopt);
  EXPECT_EQ(breaker.refuse(), std::nullopt);
}

TEST(CircuitBreaker, CountsFailuresFromManyThreads) {
  CircuitBreaker breaker("s", 400);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) breaker.connection_failed("x");
    });
  for (auto& th : threads) th.join();
  EXPECT_TRUE(breaker.refuse());
}

class CountingProvider final : public Provider {
 public:
  explicit CountingProvider(ErrorKind kind, int* calls) : m_kind(kind), m_calls(calls) {}
  Completion complete(const CompletionRequest&, const std::atomic<bool>*) override {
    ++*m_calls;
    Completion c;
    c.error = {m_kind, "cannot connect to http://127.0.0.1:9/v1/chat/completions", 0};
    if (m_kind == ErrorKind::none) c.answer = "ok";
    return c;
  }
  nlohmann::json request_body(const CompletionRequest&) const override { return {}; }

 private:
  ErrorKind m_kind;
  int* m_calls;
};

RetrySleep no_sleep() {
  return [](double, const std::atomic<bool>*) { return true; };
}

TEST(RetryingProviderWithBreaker, ADeadServerCostsThresholdAttemptsNotEveryRuns) {
  auto breaker = std::make_shared<CircuitBreaker>("http://127.0.0.1:9");
  int calls = 0;
  auto p = make_retrying_provider(std::make_unique<CountingProvider>(ErrorKind::connect, &calls), {3, 30, 0.5}, no_sleep(),
                                  breaker);
  std::vector<Completion> runs;
  for (int i = 0; i < 50; ++i) runs.push_back(p->complete({}, nullptr));
  EXPECT_EQ(calls, k_breaker_threshold);
  for (const auto& c : runs) EXPECT_EQ(c.error.kind, ErrorKind::connect);
  // The first run used its retries; the run the breaker opened during stopped retrying.
  EXPECT_EQ(runs[0].retries.size(), 3u);
  EXPECT_THAT(runs[1].error.message, HasSubstr("is unreachable: 5 consecutive connection failures"));
  EXPECT_THAT(runs.back().error.message, HasSubstr("the remaining runs were not sent"));
}

TEST(RetryingProviderWithBreaker, ModelsOnOneServerShareItsBreaker) {
  auto breaker = std::make_shared<CircuitBreaker>("s", 2);
  int dead_calls = 0;
  int other_calls = 0;
  auto a = make_retrying_provider(std::make_unique<CountingProvider>(ErrorKind::connect, &dead_calls), {1, 30, 0.5}, no_sleep(),
                                  breaker);
  auto b = make_retrying_provider(std::make_unique<CountingProvider>(ErrorKind::none, &other_calls), {1, 30, 0.5}, no_sleep(),
                                  breaker);
  EXPECT_FALSE(a->complete({}, nullptr).ok());
  EXPECT_EQ(b->complete({}, nullptr).error.kind, ErrorKind::connect);
  EXPECT_EQ(other_calls, 0);
}

TEST(RetryingProviderWithBreaker, HttpErrorsOfAWorkingServerNeverOpenIt) {
  auto breaker = std::make_shared<CircuitBreaker>("s", 2);
  int calls = 0;
  auto p = make_retrying_provider(std::make_unique<CountingProvider>(ErrorKind::http_status, &calls), {0, 30, 0.5}, no_sleep(),
                                  breaker);
  for (int i = 0; i < 10; ++i) p->complete({}, nullptr);
  EXPECT_EQ(calls, 10);
}

}  // namespace
}  // namespace goodput::detail
