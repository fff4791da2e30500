// SPDX-License-Identifier: MIT
// The statistics and verdicts of `goodput compare` (see goodput/compare.hpp for the
// definitions): Fisher's exact test per task, a sign test (McNemar exact) over tasks, a
// percentile bootstrap for the change of latency medians, and the gate. It computes only;
// reporters/comparison_report.cpp renders the outcome.
#include "goodput/compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>

#include "goodput/statistics.hpp"
#include "goodput/json_text.hpp"

namespace goodput {

namespace {

double log_choose(int n, int k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

// P(X <= k) and P(X >= k) for X ~ Binomial(n, 1/2).
double binomial_half_cdf(int n, int k) {
  if (k < 0) return 0;
  if (k >= n) return 1;
  double sum = 0;
  for (int i = 0; i <= k; ++i) sum += std::exp(log_choose(n, i) - n * std::log(2.0));
  return std::min(1.0, sum);
}
double binomial_half_sf(int n, int k) { return k <= 0 ? 1.0 : binomial_half_cdf(n, n - k); }  // symmetric

}  // namespace

// ---- statistics ----

FisherResult fisher_exact(int a, int b, int c, int d) {
  if (a < 0 || b < 0 || c < 0 || d < 0) throw std::invalid_argument("fisher_exact: negative count");
  const int r1 = a + b, r2 = c + d, c1 = a + c, n = r1 + r2;
  const int lo = std::max(0, c1 - r2), hi = std::min(r1, c1);
  const double log_total = log_choose(n, c1);
  const auto log_p = [&](int x) { return log_choose(r1, x) + log_choose(r2, c1 - x) - log_total; };
  const double p_obs = std::exp(log_p(a));
  FisherResult r{0, 0, 0};
  for (int x = lo; x <= hi; ++x) {
    const double p = std::exp(log_p(x));
    if (p <= p_obs * (1 + 1e-7)) r.two_sided += p;  // scipy's relative tolerance
    if (x >= a) r.greater += p;
    if (x <= a) r.less += p;
  }
  r.two_sided = std::min(1.0, r.two_sided);
  r.greater = std::min(1.0, r.greater);
  r.less = std::min(1.0, r.less);
  return r;
}

McNemarResult mcnemar_exact(int b, int c) {
  if (b < 0 || c < 0) throw std::invalid_argument("mcnemar_exact: negative count");
  const int n = b + c;
  McNemarResult r;
  if (n == 0) return r;
  r.two_sided = std::min(1.0, 2 * binomial_half_cdf(n, std::min(b, c)));
  r.drop = binomial_half_sf(n, b);
  r.rise = binomial_half_sf(n, c);
  return r;
}

std::optional<double> median_of(std::vector<double> values) {
  return percentile(std::move(values), 50);
}

std::optional<BootstrapInterval> bootstrap_median_difference(const std::vector<double>& baseline, const std::vector<double>& candidate,
                                                             std::uint64_t seed, int resamples, double confidence) {
  if (baseline.empty() || candidate.empty() || resamples <= 0) return std::nullopt;
  BootstrapInterval out;
  out.estimate = *median_of(candidate) - *median_of(baseline);
  std::mt19937_64 rng(seed);
  const auto resample_median = [&rng](const std::vector<double>& v) {
    std::vector<double> r(v.size());
    for (auto& x : r) x = v[static_cast<std::size_t>(rng() % v.size())];
    return *median_of(std::move(r));
  };
  std::vector<double> diffs;
  diffs.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    const double b = resample_median(baseline);
    diffs.push_back(resample_median(candidate) - b);
  }
  out.low = *percentile(diffs, 100 * (1 - confidence) / 2);
  out.high = *percentile(std::move(diffs), 100 * (1 - (1 - confidence) / 2));
  return out;
}

// ---- the comparison ----

std::string_view to_string(TaskVerdict verdict) {
  switch (verdict) {
    case TaskVerdict::regressed: return "regressed";
    case TaskVerdict::improved: return "improved";
    case TaskVerdict::unchanged: return "unchanged";
    case TaskVerdict::flaky: return "flaky";
    case TaskVerdict::not_comparable: return "not_comparable";
  }
  return "unknown";
}

std::optional<double> LatencyChange::relative() const {
  if (!baseline_p50_s || !candidate_p50_s || *baseline_p50_s <= 0) return std::nullopt;
  return *candidate_p50_s / *baseline_p50_s - 1;
}

int Comparison::count(TaskVerdict verdict) const {
  return static_cast<int>(std::count_if(tasks.begin(), tasks.end(), [&](const TaskComparison& t) { return t.verdict == verdict; }));
}

namespace {

using Json = nlohmann::json;

// The union of both runs' task ids. Throws std::invalid_argument when they share none.
std::set<std::string> task_ids(const RunSet& baseline, const RunSet& candidate) {
  std::set<std::string> ids;
  bool shared = false;
  for (const auto& [id, text] : baseline.tasks) ids.insert(id);
  for (const auto& [id, text] : candidate.tasks) {
    shared = shared || baseline.tasks.count(id) > 0;
    ids.insert(id);
  }
  if (!shared) throw std::invalid_argument("the two runs share no task; there is nothing to compare");
  return ids;
}

// The keys, of either object, whose values differ between `a` and `b` (a missing key is null).
std::vector<std::string> keys_that_differ(const Json& a, const Json& b) {
  const auto at = [](const Json& object, const std::string& key) { return object.is_object() ? object.value(key, Json()) : Json(); };
  std::set<std::string> keys;
  for (const Json* object : {&a, &b})
    if (object->is_object())
      for (const auto& [key, value] : object->items()) keys.insert(key);
  std::vector<std::string> differ;
  for (const auto& key : keys)
    if (at(a, key) != at(b, key)) differ.push_back(key);
  return differ;
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

// Fingerprint differences are what a model swap is about: a warning, never a refusal.
std::optional<std::string> fingerprint_warning(const RunSet& baseline, const RunSet& candidate) {
  static const std::set<std::string> k_ignored = {"endpoint", "base_url", "goodput_version", "simulated"};
  std::vector<std::string> diffs;
  for (const auto& key : keys_that_differ(baseline.fingerprint, candidate.fingerprint)) {
    if (k_ignored.count(key)) continue;
    const Json a = baseline.fingerprint.is_object() ? baseline.fingerprint.value(key, Json()) : Json();
    const Json b = candidate.fingerprint.is_object() ? candidate.fingerprint.value(key, Json()) : Json();
    diffs.push_back(key + " " + detail::json_text(a) + " -> " + detail::json_text(b));
  }
  if (diffs.empty()) return std::nullopt;
  return "the runs' fingerprints differ (expected when swapping models): " + joined(diffs, "; ");
}

// Each task's runs of one side, as `goodput run`'s summary counts them.
std::map<std::string, RunStats> stats_by_task(const RunSet& set) {
  std::map<std::string, RunStats> out;
  for (const auto& run : set.runs) out[run.key.task].add(run.figures());
  return out;
}

const RunStats& stats_of(const std::map<std::string, RunStats>& by_task, const std::string& id) {
  static const RunStats k_none;
  const auto it = by_task.find(id);
  return it == by_task.end() ? k_none : it->second;
}

// Tasks that cannot be compared, for the warnings.
struct Incomparable {
  std::vector<std::string> only_in_baseline, only_in_candidate, text_changed;
};

// One task, both sides: not comparable (in one run only, changed text, errors only), or
// Fisher's test on its runs. Regressed / improved are decided later, over all tasks (Holm).
TaskComparison compare_task(const std::string& id, const RunSet& baseline, const RunSet& candidate, const RunStats& b,
                            const RunStats& c, Incomparable& incomparable) {
  TaskComparison t;
  t.id = id;
  t.baseline = b;
  t.candidate = c;
  t.verdict = TaskVerdict::not_comparable;
  const auto bt = baseline.tasks.find(id);
  const auto ct = candidate.tasks.find(id);
  if (bt == baseline.tasks.end() || ct == candidate.tasks.end()) {
    const bool in_candidate_only = bt == baseline.tasks.end();
    t.reason = in_candidate_only ? "only in the candidate run" : "only in the baseline run";
    (in_candidate_only ? incomparable.only_in_candidate : incomparable.only_in_baseline).push_back(id);
    return t;
  }
  if (bt->second != ct->second) {
    // A changed prompt is not a model regression: never gated.
    const std::string fields = joined(keys_that_differ(bt->second, ct->second), ", ");
    t.reason = "task text differs (" + (fields.empty() ? std::string("text") : fields) + ")";
    incomparable.text_changed.push_back(id);
    return t;
  }
  if (b.judged() == 0 || c.judged() == 0) {
    t.reason = std::string("no judged run in the ") + (b.judged() == 0 ? "baseline" : "candidate") + " (errors only)";
    return t;
  }
  t.difference = *c.pass_rate() - *b.pass_rate();
  t.fisher = fisher_exact(b.passed, b.not_passed(), c.passed, c.not_passed());
  t.verdict = b.flaky() || c.flaky() ? TaskVerdict::flaky : TaskVerdict::unchanged;
  if (t.verdict == TaskVerdict::flaky)
    t.reason = std::string("passes and fails within the ") +
               (b.flaky() && c.flaky() ? "baseline and the candidate" : b.flaky() ? "baseline" : "candidate");
  return t;
}

void warn_incomparable(const Incomparable& incomparable, std::vector<std::string>& warnings) {
  if (!incomparable.text_changed.empty())
    warnings.push_back("task text differs (not comparable, never gated): " + joined(incomparable.text_changed, ", "));
  if (!incomparable.only_in_baseline.empty())
    warnings.push_back("tasks only in the baseline: " + joined(incomparable.only_in_baseline, ", "));
  if (!incomparable.only_in_candidate.empty())
    warnings.push_back("tasks only in the candidate: " + joined(incomparable.only_in_candidate, ", "));
}

// Holm's step-down adjustment of each compared task's one-sided p-values (drop and rise
// separately), then the verdicts: a task regressed (improved) when its adjusted p is below
// alpha. Tasks that are not comparable take no part.
void holm_adjust(std::vector<TaskComparison>& tasks, double alpha) {
  std::vector<TaskComparison*> compared;
  for (auto& t : tasks)
    if (t.verdict != TaskVerdict::not_comparable) compared.push_back(&t);
  const auto adjust = [&](double FisherResult::*side, double TaskComparison::*adjusted) {
    std::vector<TaskComparison*> order = compared;
    std::stable_sort(order.begin(), order.end(), [&](const TaskComparison* a, const TaskComparison* b) {
      return a->fisher.*side < b->fisher.*side;
    });
    const double m = static_cast<double>(order.size());
    double running = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      running = std::max(running, std::min(1.0, (m - static_cast<double>(i)) * (order[i]->fisher.*side)));
      order[i]->*adjusted = running;
    }
  };
  adjust(&FisherResult::greater, &TaskComparison::holm_drop);
  adjust(&FisherResult::less, &TaskComparison::holm_rise);
  for (auto* t : compared) {
    if (t->holm_drop < alpha) {
      t->verdict = TaskVerdict::regressed;
      t->reason.clear();
    } else if (t->holm_rise < alpha) {
      t->verdict = TaskVerdict::improved;
      t->reason.clear();
    }
  }
}

// Every run of the compared tasks of one side, in task order and then in the file's order
// (the bootstrap resamples by position, so the order is part of the result).
RunStats pooled_stats(const RunSet& set, const std::vector<std::string>& compared) {
  RunStats all;
  for (const auto& id : compared)
    for (const auto& run : set.runs)
      if (run.key.task == id) all.add(run.figures());
  return all;
}

// The overall figures, over the tasks compared on both sides: the sign test over tasks, the
// pooled pass rates and their Fisher test, the latency medians and each side's time to a
// correct answer over the suite.
void summarise_overall(Comparison& out, const RunSet& baseline, const RunSet& candidate) {
  std::vector<std::string> compared;
  std::vector<const RunStats*> base_tasks, cand_tasks;
  bool all_single = true;
  for (const auto& t : out.tasks) {
    if (!t.difference) continue;
    compared.push_back(t.id);
    base_tasks.push_back(&t.baseline);
    cand_tasks.push_back(&t.candidate);
    (*t.difference < 0 ? out.tasks_dropped : *t.difference > 0 ? out.tasks_rose : out.tasks_tied) += 1;
    all_single = all_single && t.baseline.judged() == 1 && t.candidate.judged() == 1;
  }
  out.tasks_compared = static_cast<int>(compared.size());
  out.one_sample_per_task = out.tasks_compared > 0 && all_single;
  out.sign_test = mcnemar_exact(out.tasks_dropped, out.tasks_rose);
  out.baseline_all = pooled_stats(baseline, compared);
  out.candidate_all = pooled_stats(candidate, compared);
  const RunStats& b = out.baseline_all;
  const RunStats& c = out.candidate_all;
  out.e2e = {b.e2e_s.median(), c.e2e_s.median(), bootstrap_median_difference(b.e2e_s.values(), c.e2e_s.values())};
  out.ttft = {b.ttft_s.median(), c.ttft_s.median(), bootstrap_median_difference(b.ttft_s.values(), c.ttft_s.values())};
  out.baseline_time = judged_time(base_tasks);
  out.candidate_time = judged_time(cand_tasks);
  out.baseline_never_solved = tasks_never_passed(base_tasks);
  out.candidate_never_solved = tasks_never_passed(cand_tasks);
  out.pooled = fisher_exact(b.passed, b.not_passed(), c.passed, c.not_passed());
}

// Tasks with one sample each up to which the overall figure counts McNemar's test too (the
// enumeration grows with the cube of the task count); above it, the pooled test alone (a
// figure at most slightly larger than the gate's).
constexpr int k_paired_power_max_tasks = 150;

DetectableDrop detectable_drop(const RunStats& b, const RunStats& c, double alpha, bool paired) {
  DetectableDrop out;
  out.from_rate = drop_reference_rate(b.pass_rate().value_or(0));
  out.reference = b.pass_rate().value_or(0) >= 1;
  out.alpha = alpha;
  out.baseline_runs = b.judged();
  out.candidate_runs = c.judged();
  out.with_mcnemar = paired && out.baseline_runs == out.candidate_runs && out.baseline_runs <= k_paired_power_max_tasks;
  if (out.with_mcnemar) {
    out.points = smallest_detectable_drop(out.from_rate, [&](double to_rate) {
      return paired_drop_power(out.baseline_runs, out.from_rate, to_rate, alpha);
    });
  } else {
    const FisherDropPower power(out.baseline_runs, out.candidate_runs, alpha);
    out.points = smallest_detectable_drop(out.from_rate, [&](double to_rate) { return power(out.from_rate, to_rate); });
  }
  return out;
}

// What the gate can see: per task at Holm's first-step level, overall as the gate tests it; a
// warning when only large drops (or none) are seen.
void detectable_drops(Comparison& out) {
  if (out.tasks_compared == 0) return;
  for (auto& t : out.tasks)
    if (t.difference) t.detectable = detectable_drop(t.baseline, t.candidate, out.gate.alpha / out.tasks_compared, false);
  const DetectableDrop overall = detectable_drop(out.baseline_all, out.candidate_all, out.gate.alpha, out.one_sample_per_task);
  out.overall_detectable = overall;
  if (overall.from_rate <= 0 || (overall.points && *overall.points <= k_detectable_drop_warning_points)) return;
  out.warnings.push_back(
      "with " + std::to_string(overall.baseline_runs) + " vs " + std::to_string(overall.candidate_runs) +
      " judged runs the gate " +
      (overall.points ? "only detects (80% power) a drop in the overall pass rate of " + std::to_string(*overall.points) +
                            " points or more: smaller drops pass unseen"
                      : std::string("detects (80% power) no drop in the overall pass rate, not even to 0%: any drop passes unseen")) +
      "; run more samples per task (--repeat)");
}

// The gate. Overall: every judged run of the compared tasks pooled (Fisher, one-sided); with
// one sample per task the paired McNemar test is the sharper view and counts too.
std::vector<GateFailure> gate_failures(const Comparison& c) {
  const GateOptions& gate = c.gate;
  std::vector<GateFailure> failures;
  for (const auto& t : c.tasks)
    if (t.verdict == TaskVerdict::regressed) failures.push_back({GateFailure::Kind::task_regressed, t.id, 0});
  if (c.regressed_overall) failures.push_back({GateFailure::Kind::overall_dropped, "", 0});
  if (gate.max_latency_increase)
    if (const auto r = c.e2e.relative(); r && *r > *gate.max_latency_increase)
      failures.push_back({GateFailure::Kind::latency_rose, "", *r});
  // A candidate that answers nothing correctly, where the baseline did, rose without bound.
  const SecondsPerCorrect base = seconds_per_correct(c.baseline_time);
  const SecondsPerCorrect cand = seconds_per_correct(c.candidate_time);
  if (gate.max_ttc_increase && base.seconds && *base.seconds > 0) {
    std::optional<double> r;
    if (cand.seconds) r = *cand.seconds / *base.seconds - 1;
    if (cand.missing == SecondsPerCorrect::Missing::no_correct_answer) r = std::numeric_limits<double>::infinity();
    if (r && *r > *gate.max_ttc_increase) failures.push_back({GateFailure::Kind::ttc_rose, "", *r});
  }
  return failures;
}

}  // namespace

Comparison compare_runs(const RunSet& baseline, const RunSet& candidate, const GateOptions& gate) {
  Comparison out;
  out.baseline_label = baseline.label;
  out.candidate_label = candidate.label;
  out.gate = gate;
  const std::set<std::string> ids = task_ids(baseline, candidate);
  if (auto warning = fingerprint_warning(baseline, candidate)) out.warnings.push_back(std::move(*warning));

  const auto base_by_task = stats_by_task(baseline);
  const auto cand_by_task = stats_by_task(candidate);
  Incomparable incomparable;
  for (const auto& id : ids)
    out.tasks.push_back(compare_task(id, baseline, candidate, stats_of(base_by_task, id), stats_of(cand_by_task, id), incomparable));
  warn_incomparable(incomparable, out.warnings);
  holm_adjust(out.tasks, gate.alpha);

  summarise_overall(out, baseline, candidate);
  out.regressed_overall = out.tasks_compared > 0 && (out.pooled.greater < gate.alpha ||
                                                     (out.one_sample_per_task && out.sign_test.drop < gate.alpha));
  detectable_drops(out);
  out.gate_failures = gate_failures(out);
  if (const auto& limit = gate.min_detectable_drop; limit && out.gate_failures.empty()) {
    const auto& seen = out.overall_detectable;
    // A baseline that never passed cannot drop: nothing is missed.
    out.inconclusive = !seen || (seen->from_rate > 0 && (!seen->points || *seen->points > *limit * 100 + 1e-9));
  }
  return out;
}

int gate_exit_code(const Comparison& comparison) {
  if (!comparison.gate.fail_on_regression) return 0;
  if (!comparison.gate_failures.empty()) return 1;
  return comparison.inconclusive ? k_gate_inconclusive_exit : 0;
}

}  // namespace goodput
