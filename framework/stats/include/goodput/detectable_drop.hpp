// SPDX-License-Identifier: MIT
// What the comparison gate can see: the smallest drop in pass rate that its tests detect with
// 80% power at the sample counts at hand (`goodput compare` prints it, and the gate can be made
// inconclusive when it is too large; see compare.hpp and the README, "How many samples the gate
// needs").
//
// Exact, not a normal approximation: the power is the probability, summed over every outcome of
// both sides (binomial pass counts, independent runs), that the gate's own test function
// (fisher_exact / mcnemar_exact in compare.hpp) rejects at alpha. With the few runs a local
// evaluation has, the normal approximation overstates what Fisher's test sees (from 0.90 with
// 5 vs 5 runs it promises a 71-point drop, Fisher's test needs 84; 25 vs 25: 30 and 34).
// Above k_exact_fisher_max_runs a side, where finding the rejection region exactly costs
// seconds to minutes (each Fisher p-value sums a tail), the region comes from the normal
// approximation with continuity correction instead; at 1,000 vs 1,000 runs both give the same
// smallest drop (tested), and the gap only narrows as runs grow.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace goodput {

inline constexpr double k_detection_power = 0.8;
// The baseline pass rate assumed when the observed one is 1: no finite sample shows a rate of
// exactly 1, and assuming it would make any failure of the candidate a detectable drop.
inline constexpr double k_reference_pass_rate = 0.9;

inline constexpr int k_exact_fisher_max_runs = 1000;

// Exact power of the one-sided Fisher test "did the pass rate drop?" at `alpha` (rejects when
// fisher_exact(xb, nb - xb, xc, nc - xc).greater < alpha), with xb ~ Binomial(nb, pb) baseline
// passes and xc ~ Binomial(nc, pc) candidate passes. The rejection region depends only on the
// run counts and alpha: it is found once, and the power at each pair of rates costs O(runs).
class FisherDropPower {
 public:
  FisherDropPower(int nb, int nc, double alpha);
  double operator()(double pb, double pc) const;
  // The largest candidate pass count rejected at with xb baseline passes; -1 when none.
  int threshold(int xb) const { return m_threshold[static_cast<std::size_t>(xb)]; }

 private:
  int m_nb;
  int m_nc;
  std::vector<int> m_threshold;
};

double fisher_drop_power(int nb, int nc, double pb, double pc, double alpha);

// Exact power of the gate's overall test with one sample per task on each side (`tasks` pairs,
// each task passing with pb in the baseline and pc in the candidate, independently): the pooled
// one-sided Fisher test OR McNemar's one-sided exact test, each at `alpha`.
double paired_drop_power(int tasks, double pb, double pc, double alpha);

// The smallest drop d, in whole percentage points, from `from_rate` such that
// power_at(max(0, from_rate - d / 100)) >= `power`; nullopt when not even a drop to 0 reaches it
// (or from_rate is 0: nothing to drop). power_at must not decrease as the candidate's rate falls
// (true of both functions above); the search bisects.
std::optional<int> smallest_detectable_drop(double from_rate, const std::function<double(double)>& power_at,
                                            double power = k_detection_power);

// The rate a drop is measured from: the observed baseline pass rate, or k_reference_pass_rate
// when that is 1.
double drop_reference_rate(double observed_rate);

}  // namespace goodput
