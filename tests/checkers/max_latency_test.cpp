// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <optional>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::param_error_field;
using testing::params;

Completion timed(std::optional<double> ttft, std::optional<double> first_answer, std::optional<double> e2e) {
  Completion completion = testing::answer("ok");
  completion.metrics.ttft_s = ttft;
  completion.metrics.time_to_first_answer_s = first_answer;
  completion.metrics.e2e_s = e2e;
  return completion;
}

TEST(MaxLatency, EndToEndOverTheLimitFails) {
  const auto checker = testing::make_checker("max-latency", params({{"e2e", 10.0}}));
  const CheckResult result = checker->check(timed(0.3, 0.3, 12.4));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message, "max-latency: end-to-end 12.40 s > 10.00 s");
}

TEST(MaxLatency, WithinEveryLimitPasses) {
  const auto checker = testing::make_checker("max-latency", params({{"ttft", 1.0}, {"first_answer", 5.0}, {"e2e", 10.0}}));
  const CheckResult result = checker->check(timed(0.25, 4.0, 10.0));
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_EQ(result.message,
            "max-latency: TTFT 0.25 s <= 1.00 s; time to first answer token 4.00 s <= 5.00 s; "
            "end-to-end 10.00 s <= 10.00 s");
}

TEST(MaxLatency, OnlyTheExceededLimitsAreReportedAsFailures) {
  const auto checker = testing::make_checker("max-latency", params({{"ttft", 1.0}, {"first_answer", 5.0}}));
  const CheckResult result = checker->check(timed(0.2, 7.5, 9.0));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("time to first answer token 7.50 s > 5.00 s"));
  EXPECT_THAT(result.message, Not(HasSubstr("TTFT")));
}

TEST(MaxLatency, MissingMetricIsAFailure) {
  const auto ttft = testing::make_checker("max-latency", params({{"ttft", 2.0}}));
  const CheckResult result = ttft->check(timed(std::nullopt, std::nullopt, std::nullopt));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message, "max-latency: no TTFT measured (no token arrived), limit 2.00 s");

  // Reasoning arrived but the answer never started.
  const auto first_answer = testing::make_checker("max-latency", params({{"first_answer", 30.0}}));
  EXPECT_EQ(first_answer->check(timed(0.5, std::nullopt, 60.0)).message,
            "max-latency: no time to first answer token measured (no answer token arrived), limit 30.00 s");
  const auto e2e = testing::make_checker("max-latency", params({{"e2e", 5.0}}));
  EXPECT_THAT(e2e->check(timed(std::nullopt, std::nullopt, std::nullopt)).message,
              HasSubstr("no end-to-end time measured (no token arrived)"));
}

TEST(MaxLatency, RejectsUnusableLimits) {
  EXPECT_EQ(param_error_field("max-latency", params({})), "ttft");
  EXPECT_EQ(param_error_field("max-latency", params({{"e2e", 0.0}})), "e2e");
  EXPECT_EQ(param_error_field("max-latency", params({{"first_answer", -1.0}})), "first_answer");
  EXPECT_EQ(param_error_field("max-latency", params({{"ttft", std::numeric_limits<double>::quiet_NaN()}})), "ttft");
  EXPECT_EQ(param_error_field("max-latency", params({{"e2e", std::int64_t{10}}})), "<no ParamError>");
}

TEST(MaxLatency, Describes) {
  EXPECT_EQ(testing::make_checker("max-latency", params({{"ttft", 2.0}, {"e2e", 30.0}}))->describe(),
            "TTFT <= 2.00 s, end-to-end <= 30.00 s");
}

}  // namespace
}  // namespace goodput::checkers
