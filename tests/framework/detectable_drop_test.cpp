// SPDX-License-Identifier: MIT
// The exact power of the gate's tests and the smallest drop they detect
// (goodput/detectable_drop.hpp). Reference values are independent of this code: small cases by
// hand (in the comments), the others from a plain-Python enumeration (math.comb only: every
// outcome of both sides, Fisher's one-sided p from the hypergeometric tail, McNemar's from the
// binomial(1/2) tail), and the README's table, which bench/gate_power.cpp computed.
#include "goodput/detectable_drop.hpp"

#include <gtest/gtest.h>

namespace goodput {
namespace {

TEST(FisherDropPowerTest, HandComputedSmallCases) {
  // 1 vs 1 run: the most extreme table [[1, 0], [0, 1]] has one-sided p = 1/2: never rejects.
  EXPECT_EQ(fisher_drop_power(1, 1, 0.9, 0.0, 0.05), 0.0);
  // 3 vs 3: the most extreme table [[3, 0], [0, 3]] has p = 1 / C(6, 3) = 0.05, the next
  // ([[3, 0], [1, 2]]) C(3,3) C(3,1) / C(6,4) = 3/15 = 0.2: at alpha 0.04 nothing rejects ...
  EXPECT_EQ(fisher_drop_power(3, 3, 0.9, 0.1, 0.04), 0.0);
  // ... at alpha 0.06 only that table does: power = 0.9^3 * (1 - 0.1)^3 = 0.531441.
  EXPECT_NEAR(fisher_drop_power(3, 3, 0.9, 0.1, 0.06), 0.531441, 1e-12);
}

TEST(FisherDropPowerTest, MatchesAnIndependentEnumeration) {
  // Python: sum of pmf(30, xb, 0.8) * pmf(30, xc, 0.5) over the tables with p < 0.05.
  EXPECT_NEAR(fisher_drop_power(30, 30, 0.8, 0.5, 0.05), 0.7124010578831776, 1e-9);
  // With no drop the power is the false-alarm rate: at most alpha (Fisher is conservative).
  EXPECT_LE(fisher_drop_power(100, 100, 0.9, 0.9, 0.05), 0.05);
}

TEST(PairedDropPowerTest, MatchesAnIndependentEnumeration) {
  // Python: the multinomial over (both passed, baseline only, candidate only, neither), 10 tasks,
  // rejecting when the pooled Fisher or McNemar's one-sided p is below 0.05.
  EXPECT_NEAR(paired_drop_power(10, 0.9, 0.4, 0.05), 0.6590418869506057, 1e-9);
  // 1 task: neither test can reject (Fisher 1/2, McNemar 1/2).
  EXPECT_EQ(paired_drop_power(1, 1.0, 0.0, 0.05), 0.0);
  // It is at least the pooled test's power: the gate fires when either test does.
  EXPECT_GE(paired_drop_power(12, 0.9, 0.5, 0.05) + 1e-12, fisher_drop_power(12, 12, 0.9, 0.5, 0.05));
}

TEST(SmallestDetectableDropTest, TheReadmeTableFromNinetyPercent) {
  // README "How many samples the gate needs": 5 tasks x 5, 10, 20, 40, 60 samples, pooled
  // test, alpha 0.05, 80% power. 25/50/100 also checked with the Python enumeration.
  const auto pooled = [](int n) {
    return smallest_detectable_drop(0.9, [n](double to) { return fisher_drop_power(n, n, 0.9, to, 0.05); });
  };
  EXPECT_EQ(pooled(25), 34);
  EXPECT_EQ(pooled(50), 22);
  EXPECT_EQ(pooled(100), 14);
  EXPECT_EQ(pooled(200), 10);
  EXPECT_EQ(pooled(300), 8);
}

TEST(SmallestDetectableDropTest, LargeRunCountsUseTheNormalApproximationAndAgreeAtTheSwitch) {
  const auto pooled = [](int n, double from) {
    return smallest_detectable_drop(from, [n, from](double to) { return fisher_drop_power(n, n, from, to, 0.05); });
  };
  static_assert(k_exact_fisher_max_runs == 1000);
  for (const double from : {0.9, 0.75, 0.5}) EXPECT_EQ(pooled(1000, from), pooled(1001, from)) << from;
  // By hand: (z_0.95 + z_0.8) * sqrt(2 * 0.9 * 0.1 / 10000) = 2.487 * 0.00424 = 1.06 points,
  // so the smallest whole drop is 2.
  EXPECT_EQ(pooled(10000, 0.9), 2);
}

TEST(SmallestDetectableDropTest, PerTaskLevelsAndOneSamplePerTask) {
  // Python enumeration.
  const auto fisher = [](int n, double from, double alpha) {
    return smallest_detectable_drop(from, [=](double to) { return fisher_drop_power(n, n, from, to, alpha); });
  };
  EXPECT_EQ(fisher(20, 0.9, 0.01), 49);        // a task of 20 samples, Holm's level over 5 tasks
  EXPECT_EQ(fisher(20, 0.9, 0.05 / 3), 46);    // over 3 tasks
  EXPECT_EQ(fisher(20, 0.75, 0.05), 44);
  EXPECT_EQ(fisher(60, 0.9, 0.05), 19);
  EXPECT_EQ(fisher(5, 0.9, 0.05), 84);
  EXPECT_EQ(fisher(1, 0.9, 0.05), std::nullopt);  // not even 0.9 -> 0
  const auto paired = [](int tasks) {
    return smallest_detectable_drop(0.9, [=](double to) { return paired_drop_power(tasks, 0.9, to, 0.05); });
  };
  EXPECT_EQ(paired(5), 84);
  EXPECT_EQ(paired(12), 51);
  EXPECT_EQ(paired(3), std::nullopt);
}

TEST(SmallestDetectableDropTest, NothingToDropAndTheReferenceRate) {
  EXPECT_EQ(smallest_detectable_drop(0.0, [](double) { return 1.0; }), std::nullopt);
  EXPECT_EQ(smallest_detectable_drop(0.5, [](double to) { return to <= 0.2 ? 0.8 : 0.0; }), 30);
  EXPECT_EQ(drop_reference_rate(1.0), k_reference_pass_rate);
  EXPECT_EQ(drop_reference_rate(0.75), 0.75);
}

}  // namespace
}  // namespace goodput
