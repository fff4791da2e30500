// SPDX-License-Identifier: MIT
// The statistics behind every report, each defined once (DESIGN.md "Metrics", wire-formats.md
// §I and §E): the Wilson score interval for a pass rate, the unbiased pass@k estimator and
// its all-k-pass counterpart pass^k, both in product form, linear-interpolated percentiles,
// and latency limits (SLO) for goodput. stats.hpp aggregates runs with these.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goodput/completion.hpp"

namespace goodput {

// The normal quantile at 1 - 0.05/2: a 95% interval.
inline constexpr double k_z95 = 1.959964;

struct Interval {
  double lo = 0;
  double hi = 1;
};

// Wilson score interval for x successes out of n independent trials (statsmodels
// proportion_confint(method="wilson")). Always within [0, 1], with non-zero width at x = 0
// and x = n. n = 0 gives [0, 1] (no evidence).
Interval wilson_interval(int x, int n, double z = k_z95);

// Unbiased pass@k for one problem with n samples of which c passed (Chen et al. 2021):
// 1 - C(n-c, k) / C(n, k) = 1 - prod_{i=n-c+1}^{n} (1 - k/i): the chance that at least one
// of k samples drawn without replacement from the n passes. 0 when c = 0, 1 when n - c < k.
// Requires 1 <= k <= n and 0 <= c <= n (std::invalid_argument otherwise).
double pass_at_k(int n, int c, int k);

// pass^k, the reliability counterpart: the chance that all of k samples drawn without
// replacement from the n pass, C(c, k) / C(n, k) = prod_{i=0}^{k-1} (c-i) / (n-i), the
// unbiased estimator of p^k. 0 when c < k, 1 when c = n. Same requirements as pass_at_k.
double pass_hat_k(int n, int c, int k);

// The k reported for n samples: {1, 2, 5, 10, 20, 50, 100} up to n.
inline constexpr std::array<int, 7> k_reported_ks{1, 2, 5, 10, 20, 50, 100};
std::vector<int> reported_ks(int n);

// Percentile p in [0, 100] with linear interpolation between closest ranks (numpy's
// default): rank = p/100 * (size - 1). nullopt for an empty set.
std::optional<double> percentile(std::vector<double> values, double p);

// Latency limits for goodput (`--slo ttft=2s,e2e=60s`). A run meets them when every limit
// set is met (value <= limit); a limit whose figure the run lacks is not met.
struct Slo {
  std::optional<double> ttft_s;
  std::optional<double> e2e_s;
  std::optional<double> first_answer_s;  // time to first answer token
  bool empty() const { return !ttft_s && !e2e_s && !first_answer_s; }
  bool operator==(const Slo&) const = default;
};

// "ttft=2s,e2e=60s,first_answer=800ms": keys ttft, e2e, first_answer; units s or ms (a unit
// is required). Throws std::invalid_argument with a message for the user.
Slo parse_slo(const std::string& text);
std::string to_string(const Slo& slo);  // "ttft=2s,e2e=60s"
bool meets_slo(const Slo& slo, const Metrics& metrics);

// The time spent on judged runs (pass, fail, cut before the answer; errors are left out): the
// one total behind seconds per correct answer and passed runs per minute. Each judged run
// counts its end-to-end time (request -> last token chunk); a judged run without one (no
// token arrived: an empty answer) counts the time until its stream ended, which the user
// waited all the same; a run with neither (a stored run from a file that lacks both) adds
// nothing and is not `timed`.
struct JudgedTime {
  int judged = 0;
  int passed = 0;
  int timed = 0;       // judged runs that had a time
  double total_s = 0;  // summed over the timed runs
  JudgedTime& operator+=(const JudgedTime& other);
};

// README "Metrics": seconds per correct answer, the headline per model over a suite (and per
// side of `goodput compare` over the compared tasks): JudgedTime::total_s / passed, the wall
// time a user spends per correct answer running the suite. Finite whenever anything passed;
// else no value and the reason.
struct SecondsPerCorrect {
  enum class Missing { none, no_judged_run, no_correct_answer, no_time_measured };
  std::optional<double> seconds;
  Missing missing = Missing::no_judged_run;
};
SecondsPerCorrect seconds_per_correct(const JudgedTime& time);
// "no judged run", "no correct answer", "no time measured"; "" for Missing::none.
std::string_view to_string(SecondsPerCorrect::Missing missing);

// Passed runs per minute of model time, the reciprocal view: passed / (total_s / 60).
// nullopt when no time was measured.
std::optional<double> passed_per_minute(const JudgedTime& time);

}  // namespace goodput
