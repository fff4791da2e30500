// SPDX-License-Identifier: MIT
// Exact power of the gate's tests and the smallest drop they detect (goodput/detectable_drop.hpp).
// The rejection regions come from the gate's own test functions, so the figure is about the
// test the gate runs, boundary cases included; only the outcome probabilities are computed here.
#include "goodput/detectable_drop.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "goodput/compare.hpp"

namespace goodput {

namespace {

double log_factorial(int n) { return std::lgamma(n + 1.0); }

// k * log(p), with 0 * log(0) = 0.
double log_power_of(int k, double p) {
  if (k == 0) return 0;
  return p <= 0 ? -std::numeric_limits<double>::infinity() : k * std::log(p);
}

// P(X = k) for k = 0..n, X ~ Binomial(n, p).
std::vector<double> binomial_pmf(int n, double p) {
  std::vector<double> pmf(static_cast<std::size_t>(n) + 1);
  for (int k = 0; k <= n; ++k)
    pmf[static_cast<std::size_t>(k)] = std::exp(log_factorial(n) - log_factorial(k) - log_factorial(n - k) + log_power_of(k, p) +
                                                log_power_of(n - k, 1 - p));
  return pmf;
}

// One-sided p-value of "the candidate's pass rate is lower" by the normal approximation with
// continuity correction; stands in for Fisher's above k_exact_fisher_max_runs (see the header).
double normal_drop_p_value(int xb, int nb, int xc, int nc) {
  const double pooled = static_cast<double>(xb + xc) / (nb + nc);
  const double se = std::sqrt(pooled * (1 - pooled) * (1.0 / nb + 1.0 / nc));
  const double diff = static_cast<double>(xb) / nb - static_cast<double>(xc) / nc - 0.5 * (1.0 / nb + 1.0 / nc);
  if (se <= 0) return diff > 0 ? 0.0 : 1.0;
  return 0.5 * std::erfc(diff / se / std::sqrt(2.0));
}

}  // namespace

// For each baseline pass count xb (0..nb): the largest candidate pass count the one-sided
// test rejects at, -1 when none. The p-value grows with xc and falls with xb, so the threshold
// never decreases with xb: one pass over both ranges.
FisherDropPower::FisherDropPower(int nb, int nc, double alpha) : m_nb(nb), m_nc(nc) {
  if (nb <= 0 || nc <= 0) return;
  const bool exact = nb + nc <= 2 * k_exact_fisher_max_runs;
  const auto rejects = [&](int xb, int xc) {
    return (exact ? fisher_exact(xb, nb - xb, xc, nc - xc).greater : normal_drop_p_value(xb, nb, xc, nc)) < alpha;
  };
  m_threshold.assign(static_cast<std::size_t>(nb) + 1, -1);
  int t = -1;
  for (int xb = 0; xb <= nb; ++xb) {
    while (t + 1 <= nc && rejects(xb, t + 1)) ++t;
    m_threshold[static_cast<std::size_t>(xb)] = t;
  }
}

double FisherDropPower::operator()(double pb, double pc) const {
  if (m_threshold.empty()) return 0;
  const std::vector<double> base = binomial_pmf(m_nb, pb);
  std::vector<double> cand_cdf = binomial_pmf(m_nc, pc);
  for (std::size_t k = 1; k < cand_cdf.size(); ++k) cand_cdf[k] += cand_cdf[k - 1];
  double power = 0;
  for (int xb = 0; xb <= m_nb; ++xb) {
    const int t = m_threshold[static_cast<std::size_t>(xb)];
    if (t >= 0) power += base[static_cast<std::size_t>(xb)] * cand_cdf[static_cast<std::size_t>(t)];
  }
  return std::min(1.0, power);
}

double fisher_drop_power(int nb, int nc, double pb, double pc, double alpha) {
  return FisherDropPower(nb, nc, alpha)(pb, pc);
}

double paired_drop_power(int tasks, double pb, double pc, double alpha) {
  if (tasks <= 0) return 0;
  const int n = tasks;
  const FisherDropPower fisher(n, n, alpha);
  // For each number of discordant pairs t: the fewest "passed in the baseline only" pairs at
  // which McNemar's one-sided test rejects (t + 1: never).
  std::vector<int> mcnemar(static_cast<std::size_t>(n) + 1);
  for (int t = 0; t <= n; ++t) {
    int i = t + 1;
    while (i - 1 >= 0 && mcnemar_exact(i - 1, t - i + 1).drop < alpha) --i;
    mcnemar[static_cast<std::size_t>(t)] = i;
  }
  // Each task: both passed, baseline only, candidate only, neither (multinomial over the tasks).
  const double q_both = pb * pc, q_base = pb * (1 - pc), q_cand = (1 - pb) * pc, q_none = (1 - pb) * (1 - pc);
  double power = 0;
  for (int i = 0; i <= n; ++i)            // passed in the baseline only
    for (int j = 0; i + j <= n; ++j)      // passed in the candidate only
      for (int k = 0; i + j + k <= n; ++k) {  // passed in both
        const int xb = k + i, xc = k + j;
        const bool rejects = xc <= fisher.threshold(xb) || i >= mcnemar[static_cast<std::size_t>(i + j)];
        if (!rejects) continue;
        const int none = n - i - j - k;
        power += std::exp(log_factorial(n) - log_factorial(i) - log_factorial(j) - log_factorial(k) - log_factorial(none) +
                          log_power_of(i, q_base) + log_power_of(j, q_cand) + log_power_of(k, q_both) + log_power_of(none, q_none));
      }
  return std::min(1.0, power);
}

std::optional<int> smallest_detectable_drop(double from_rate, const std::function<double(double)>& power_at, double power) {
  const int most = static_cast<int>(std::ceil(from_rate * 100 - 1e-9));  // a drop to 0
  const auto enough = [&](int d) { return power_at(std::max(0.0, from_rate - d / 100.0)) >= power; };
  if (most <= 0 || !enough(most)) return std::nullopt;
  int lo = 0, hi = most;  // not enough at lo (a drop of 0 is never "detected" at 80%), enough at hi
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    (enough(mid) ? hi : lo) = mid;
  }
  return hi;
}

double drop_reference_rate(double observed_rate) { return observed_rate >= 1 ? k_reference_pass_rate : observed_rate; }

}  // namespace goodput
