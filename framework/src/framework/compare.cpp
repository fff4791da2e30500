// SPDX-License-Identifier: MIT
// The statistics and verdicts of `goodput compare` (see goodput/compare.hpp for the
// definitions): Fisher's exact test per task, a sign test (McNemar exact) over tasks, a
// percentile bootstrap for the change of latency medians, and the gate.
#include "goodput/compare.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "goodput/statistics.hpp"
#include "reporters/terminal_text.hpp"

namespace goodput {

namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();

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

std::optional<double> mean_of(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

struct Collected {
  SideStats stats;
  std::vector<double> e2e, ttft;
};

void add_run(Collected& c, const CompareRun& run) {
  if (run.outcome == RunOutcome::error) {
    ++c.stats.errors;
    return;
  }
  (run.outcome == RunOutcome::pass ? c.stats.passed : c.stats.failed) += 1;
  if (run.e2e_s && std::isfinite(*run.e2e_s)) c.e2e.push_back(*run.e2e_s);
  if (run.ttft_s && std::isfinite(*run.ttft_s)) c.ttft.push_back(*run.ttft_s);
}

void finish(Collected& c) {
  SideStats& s = c.stats;
  s.flaky = s.passed > 0 && s.failed > 0;
  const Interval wilson = wilson_interval(s.passed, s.judged());
  s.wilson_low = wilson.lo;
  s.wilson_high = wilson.hi;
  s.e2e_p50_s = median_of(c.e2e);
  s.ttft_p50_s = median_of(c.ttft);
  s.e2e_mean_s = mean_of(c.e2e);
}

std::string percent(std::optional<double> v) {
  if (!v) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(0) << *v * 100 << "%";
  return s.str();
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

std::string p_value(double p) {
  if (p < 0.001) return "<0.001";
  return fixed(p, 3);
}

std::string seconds(std::optional<double> v) {
  if (!v) return "-";
  if (std::isinf(*v)) return "inf (never passed)";
  return fixed(*v, 3) + " s";
}

std::string signed_fixed(double v, int digits) { return (v >= 0 ? "+" : "") + fixed(v, digits); }

std::string rate_cell(const SideStats& s) {
  std::string out = std::to_string(s.passed) + "/" + std::to_string(s.judged()) + " " + percent(s.pass_rate());
  if (s.errors) out += " (" + std::to_string(s.errors) + " err)";
  return out;
}

std::string rate_with_ci(const SideStats& s) {
  return rate_cell(s) + " [95% CI " + percent(s.wilson_low) + "-" + percent(s.wilson_high) + "]";
}

std::string difference_cell(std::optional<double> d) {
  if (!d) return "-";
  return signed_fixed(*d * 100, 0) + " pp";
}

std::string verdict_word(TaskVerdict v) {
  switch (v) {
    case TaskVerdict::regressed: return "REGRESSED";
    case TaskVerdict::improved: return "improved";
    case TaskVerdict::unchanged: return "unchanged";
    case TaskVerdict::flaky: return "flaky";
    case TaskVerdict::not_comparable: return "not comparable";
  }
  return "?";
}

std::string latency_line(const LatencyChange& l) {
  if (!l.baseline_p50_s || !l.candidate_p50_s) return "-";
  std::string out = seconds(l.baseline_p50_s) + " -> " + seconds(l.candidate_p50_s);
  if (auto r = l.relative()) out += " (" + signed_fixed(*r * 100, 1) + "%)";
  if (l.difference_s)
    out += "; difference " + signed_fixed(l.difference_s->estimate, 3) + " s, 95% CI [" + signed_fixed(l.difference_s->low, 3) +
           ", " + signed_fixed(l.difference_s->high, 3) + "] s";
  return out;
}

std::string overall_line(const Comparison& c) {
  std::ostringstream s;
  s << c.tasks_compared << " task(s) compared: " << c.tasks_dropped << " dropped, " << c.tasks_rose << " rose, " << c.tasks_tied
    << " tied; " << (c.one_sample_per_task ? "McNemar exact" : "sign test") << " p = " << p_value(c.sign_test.two_sided)
    << " (two-sided), " << p_value(c.sign_test.drop) << " (one-sided, drop)";
  return s.str();
}

nlohmann::json opt(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

nlohmann::json side_json(const SideStats& s) {
  const auto ttc = s.time_to_correct_s();
  return {{"passed", s.passed},
          {"failed", s.failed},
          {"errors", s.errors},
          {"judged", s.judged()},
          {"pass_rate", opt(s.pass_rate())},
          {"wilson_95", {s.wilson_low, s.wilson_high}},
          {"flaky", s.flaky},
          {"e2e_p50_s", opt(s.e2e_p50_s)},
          {"ttft_p50_s", opt(s.ttft_p50_s)},
          {"time_to_correct_s", opt(ttc)},
          {"never_passed", ttc.has_value() && std::isinf(*ttc)}};
}

nlohmann::json latency_json(const LatencyChange& l) {
  nlohmann::json out = {{"baseline_p50_s", opt(l.baseline_p50_s)},
                        {"candidate_p50_s", opt(l.candidate_p50_s)},
                        {"relative_change", opt(l.relative())},
                        {"difference_s", nullptr},
                        {"ci95_s", nullptr}};
  if (l.difference_s) {
    out["difference_s"] = l.difference_s->estimate;
    out["ci95_s"] = {l.difference_s->low, l.difference_s->high};
  }
  return out;
}

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

std::optional<double> SideStats::pass_rate() const {
  if (judged() == 0) return std::nullopt;
  return static_cast<double>(passed) / judged();
}

std::optional<double> SideStats::time_to_correct_s() const {
  const auto rate = pass_rate();
  if (!rate) return std::nullopt;
  if (*rate == 0) return k_inf;
  if (!e2e_mean_s) return std::nullopt;
  return *e2e_mean_s / *rate;
}

std::optional<double> LatencyChange::relative() const {
  if (!baseline_p50_s || !candidate_p50_s || *baseline_p50_s <= 0) return std::nullopt;
  return *candidate_p50_s / *baseline_p50_s - 1;
}

int Comparison::count(TaskVerdict verdict) const {
  return static_cast<int>(std::count_if(tasks.begin(), tasks.end(), [&](const TaskComparison& t) { return t.verdict == verdict; }));
}

namespace {

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

}  // namespace

Comparison compare_runs(const RunSet& baseline, const RunSet& candidate, const GateOptions& gate) {
  Comparison out;
  out.baseline_label = baseline.label;
  out.candidate_label = candidate.label;
  out.gate = gate;

  std::set<std::string> ids;
  bool shared = false;
  for (const auto& [id, text] : baseline.tasks) ids.insert(id);
  for (const auto& [id, text] : candidate.tasks) {
    shared = shared || baseline.tasks.count(id) > 0;
    ids.insert(id);
  }
  if (!shared) throw std::invalid_argument("the two runs share no task; there is nothing to compare");

  // Fingerprint differences are what a model swap is about: a warning, never a refusal.
  {
    static const std::set<std::string> k_ignored = {"endpoint", "base_url", "goodput_version", "simulated"};
    std::set<std::string> keys;
    if (baseline.fingerprint.is_object())
      for (const auto& [k, v] : baseline.fingerprint.items()) keys.insert(k);
    if (candidate.fingerprint.is_object())
      for (const auto& [k, v] : candidate.fingerprint.items()) keys.insert(k);
    std::string diffs;
    for (const auto& key : keys) {
      if (k_ignored.count(key)) continue;
      const nlohmann::json a = baseline.fingerprint.is_object() ? baseline.fingerprint.value(key, nlohmann::json()) : nlohmann::json();
      const nlohmann::json b = candidate.fingerprint.is_object() ? candidate.fingerprint.value(key, nlohmann::json()) : nlohmann::json();
      if (a != b) diffs += (diffs.empty() ? "" : "; ") + key + " " + a.dump() + " -> " + b.dump();
    }
    if (!diffs.empty()) out.warnings.push_back("the runs' fingerprints differ (expected when swapping models): " + diffs);
  }

  std::map<std::string, Collected> base_by_task, cand_by_task;
  for (const auto& run : baseline.runs) add_run(base_by_task[run.task], run);
  for (const auto& run : candidate.runs) add_run(cand_by_task[run.task], run);

  Collected base_all, cand_all;
  std::vector<std::string> only_in_base, only_in_cand, text_changed;
  bool all_single = true;
  bool any_inf_base = false, any_inf_cand = false;
  double base_ttc = 0, cand_ttc = 0;
  bool ttc_known = true;

  for (const auto& id : ids) {
    TaskComparison t;
    t.id = id;
    Collected& b = base_by_task[id];
    Collected& c = cand_by_task[id];
    finish(b);
    finish(c);
    t.baseline = b.stats;
    t.candidate = c.stats;
    const auto bt = baseline.tasks.find(id);
    const auto ct = candidate.tasks.find(id);
    if (bt == baseline.tasks.end() || ct == candidate.tasks.end()) {
      t.verdict = TaskVerdict::not_comparable;
      t.reason = bt == baseline.tasks.end() ? "only in the candidate run" : "only in the baseline run";
      (bt == baseline.tasks.end() ? only_in_cand : only_in_base).push_back(id);
      out.tasks.push_back(std::move(t));
      continue;
    }
    if (bt->second != ct->second) {
      // A changed prompt is not a model regression: never gated.
      std::string fields;
      std::set<std::string> keys;
      for (const auto* text : {&bt->second, &ct->second})
        if (text->is_object())
          for (const auto& [k, v] : text->items()) keys.insert(k);
      for (const auto& k : keys) {
        const auto a = bt->second.is_object() ? bt->second.value(k, nlohmann::json()) : nlohmann::json();
        const auto z = ct->second.is_object() ? ct->second.value(k, nlohmann::json()) : nlohmann::json();
        if (a != z) fields += (fields.empty() ? "" : ", ") + k;
      }
      t.verdict = TaskVerdict::not_comparable;
      t.reason = "task text differs (" + (fields.empty() ? std::string("text") : fields) + ")";
      text_changed.push_back(id);
      out.tasks.push_back(std::move(t));
      continue;
    }
    if (b.stats.judged() == 0 || c.stats.judged() == 0) {
      t.verdict = TaskVerdict::not_comparable;
      t.reason = std::string("no judged run in the ") + (b.stats.judged() == 0 ? "baseline" : "candidate") + " (errors only)";
      out.tasks.push_back(std::move(t));
      continue;
    }
    t.difference = *c.stats.pass_rate() - *b.stats.pass_rate();
    t.fisher = fisher_exact(b.stats.passed, b.stats.failed, c.stats.passed, c.stats.failed);
    // regressed / improved are decided after the loop, on Holm-adjusted p-values.
    if (b.stats.flaky || c.stats.flaky) {
      t.verdict = TaskVerdict::flaky;
      t.reason = std::string("passes and fails within the ") +
                 (b.stats.flaky && c.stats.flaky ? "baseline and the candidate" : b.stats.flaky ? "baseline" : "candidate");
    } else {
      t.verdict = TaskVerdict::unchanged;
    }

    ++out.tasks_compared;
    if (*t.difference < 0)
      ++out.tasks_dropped;
    else if (*t.difference > 0)
      ++out.tasks_rose;
    else
      ++out.tasks_tied;
    all_single = all_single && b.stats.judged() == 1 && c.stats.judged() == 1;
    for (const auto& run : baseline.runs)
      if (run.task == id) add_run(base_all, run);
    for (const auto& run : candidate.runs)
      if (run.task == id) add_run(cand_all, run);
    const auto tb = b.stats.time_to_correct_s();
    const auto tc = c.stats.time_to_correct_s();
    if (!tb || !tc) {
      ttc_known = false;
    } else {
      any_inf_base = any_inf_base || std::isinf(*tb);
      any_inf_cand = any_inf_cand || std::isinf(*tc);
      base_ttc += std::isinf(*tb) ? 0 : *tb;
      cand_ttc += std::isinf(*tc) ? 0 : *tc;
    }
    out.tasks.push_back(std::move(t));
  }

  const auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (!text_changed.empty())
    out.warnings.push_back("task text differs (not comparable, never gated): " + list(text_changed));
  if (!only_in_base.empty()) out.warnings.push_back("tasks only in the baseline: " + list(only_in_base));
  if (!only_in_cand.empty()) out.warnings.push_back("tasks only in the candidate: " + list(only_in_cand));

  holm_adjust(out.tasks, gate.alpha);
  out.one_sample_per_task = out.tasks_compared > 0 && all_single;
  out.sign_test = mcnemar_exact(out.tasks_dropped, out.tasks_rose);
  finish(base_all);
  finish(cand_all);
  out.baseline_all = base_all.stats;
  out.candidate_all = cand_all.stats;
  out.e2e = {base_all.stats.e2e_p50_s, cand_all.stats.e2e_p50_s, bootstrap_median_difference(base_all.e2e, cand_all.e2e)};
  out.ttft = {base_all.stats.ttft_p50_s, cand_all.stats.ttft_p50_s, bootstrap_median_difference(base_all.ttft, cand_all.ttft)};
  if (ttc_known && out.tasks_compared > 0) {
    out.baseline_ttc_s = any_inf_base ? k_inf : base_ttc;
    out.candidate_ttc_s = any_inf_cand ? k_inf : cand_ttc;
  }

  // The gate. Overall: every judged run of the compared tasks pooled (Fisher, one-sided); with
  // one sample per task the paired McNemar test is the sharper view and counts too.
  out.pooled = fisher_exact(base_all.stats.passed, base_all.stats.failed, cand_all.stats.passed, cand_all.stats.failed);
  out.regressed_overall = out.tasks_compared > 0 && (out.pooled.greater < gate.alpha ||
                                                     (out.one_sample_per_task && out.sign_test.drop < gate.alpha));
  for (const auto& t : out.tasks)
    if (t.verdict == TaskVerdict::regressed)
      out.gate_failures.push_back("task " + t.id + " regressed: " + rate_cell(t.baseline) + " -> " + rate_cell(t.candidate) +
                                  " (one-sided Fisher p = " + p_value(t.fisher.greater) + ", Holm-adjusted over " +
                                  std::to_string(out.tasks_compared) + " tasks " + p_value(t.holm_drop) + ")");
  if (out.regressed_overall)
    out.gate_failures.push_back("overall pass rate dropped: " + rate_cell(out.baseline_all) + " -> " + rate_cell(out.candidate_all) +
                                " (pooled one-sided Fisher p = " + p_value(out.pooled.greater) + "; " + std::to_string(out.tasks_dropped) +
                                " task(s) dropped, " + std::to_string(out.tasks_rose) + " rose, one-sided " +
                                (out.one_sample_per_task ? "McNemar exact" : "sign test") + " p = " + p_value(out.sign_test.drop) + ")");
  if (gate.max_latency_increase) {
    if (const auto r = out.e2e.relative(); r && *r > *gate.max_latency_increase)
      out.gate_failures.push_back("median end-to-end time rose " + signed_fixed(*r * 100, 1) + "% (limit +" +
                                  fixed(*gate.max_latency_increase * 100, 1) + "%): " + latency_line(out.e2e));
  }
  if (gate.max_ttc_increase && out.baseline_ttc_s && out.candidate_ttc_s && std::isfinite(*out.baseline_ttc_s) &&
      *out.baseline_ttc_s > 0) {
    const double r = *out.candidate_ttc_s / *out.baseline_ttc_s - 1;
    if (r > *gate.max_ttc_increase)
      out.gate_failures.push_back("time to a correct answer rose " + (std::isinf(r) ? std::string("to infinity (a task never passed)") : signed_fixed(r * 100, 1) + "%") +
                                  " (limit +" + fixed(*gate.max_ttc_increase * 100, 1) + "%): " + seconds(out.baseline_ttc_s) + " -> " +
                                  seconds(out.candidate_ttc_s));
  }
  return out;
}

int gate_exit_code(const Comparison& comparison) {
  return comparison.gate.fail_on_regression && !comparison.gate_failures.empty() ? 1 : 0;
}

// ---- outputs ----

// Labels, task ids and the warnings and reasons that quote them come from results files, which
// anyone can edit: escaped (reporters/terminal_text.hpp), so a file cannot print lines of its
// own or send escape sequences to the terminal.
void print_comparison(const Comparison& c, std::ostream& out) {
  using detail::terminal_text;
  out << "goodput compare: baseline " << terminal_text(c.baseline_label) << "  vs  candidate " << terminal_text(c.candidate_label)
      << "\n";
  for (const auto& w : c.warnings) out << "warning: " << terminal_text(w) << "\n";
  std::size_t width = 4;
  for (const auto& t : c.tasks) width = std::max(width, terminal_text(t.id).size());
  const auto row = [&](const std::string& id, const std::string& b, const std::string& cand, const std::string& d, const std::string& p2,
                       const std::string& pd, const std::string& v) {
    out << std::left << std::setw(static_cast<int>(width) + 2) << id << std::setw(18) << b << std::setw(18) << cand << std::setw(10) << d
        << std::setw(10) << p2 << std::setw(10) << pd << v << "\n";
  };
  row("task", "baseline", "candidate", "diff", "p(2-sid)", "p(drop)", "verdict");
  for (const auto& t : c.tasks) {
    const bool tested = t.difference.has_value();
    std::string verdict = verdict_word(t.verdict);
    if (!t.reason.empty()) verdict += ": " + terminal_text(t.reason);
    row(terminal_text(t.id), rate_cell(t.baseline), rate_cell(t.candidate), difference_cell(t.difference), tested ? p_value(t.fisher.two_sided) : "-",
        tested ? p_value(t.fisher.greater) : "-", verdict);
  }
  out << "overall: " << overall_line(c) << "\n";
  out << "pass rate: " << rate_with_ci(c.baseline_all) << " -> " << rate_with_ci(c.candidate_all) << "\n";
  out << "e2e p50: " << latency_line(c.e2e) << "\n";
  out << "ttft p50: " << latency_line(c.ttft) << "\n";
  out << "time to a correct answer (suite): " << seconds(c.baseline_ttc_s) << " -> " << seconds(c.candidate_ttc_s) << "\n";
  out << "verdicts: " << c.count(TaskVerdict::regressed) << " regressed, " << c.count(TaskVerdict::improved) << " improved, "
      << c.count(TaskVerdict::unchanged) << " unchanged, " << c.count(TaskVerdict::flaky) << " flaky, "
      << c.count(TaskVerdict::not_comparable) << " not comparable (alpha " << c.gate.alpha << ")\n";
  if (c.gate_failures.empty()) {
    out << "gate: " << (c.gate.fail_on_regression ? "PASSED" : "passed (not enforced; --fail-on regression to gate)") << "\n";
  } else {
    out << "gate: " << (c.gate.fail_on_regression ? "FAILED" : "would fail (not enforced; --fail-on regression to gate)") << "\n";
    for (const auto& f : c.gate_failures) out << "  - " << terminal_text(f) << "\n";
  }
}

std::string comparison_markdown(const Comparison& c) {
  std::ostringstream out;
  const bool failed = !c.gate_failures.empty();
  out << "## goodput compare: " << (failed ? (c.gate.fail_on_regression ? "❌ regression" : "⚠️ regression (not gated)") : "✅ no regression")
      << "\n\n";
  out << "Baseline `" << c.baseline_label << "` vs candidate `" << c.candidate_label << "`.\n\n";
  for (std::size_t i = 0; i < c.warnings.size(); ++i) out << (i ? ">\n" : "") << "> ⚠️ " << c.warnings[i] << "\n";
  if (!c.warnings.empty()) out << "\n";
  out << "| task | baseline | candidate | diff | p (two-sided) | p (drop) | verdict |\n";
  out << "|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& t : c.tasks) {
    const bool tested = t.difference.has_value();
    std::string verdict = verdict_word(t.verdict);
    if (t.verdict == TaskVerdict::regressed) verdict = "**" + verdict + "**";
    if (!t.reason.empty()) verdict += " (" + t.reason + ")";
    out << "| `" << t.id << "` | " << rate_cell(t.baseline) << " | " << rate_cell(t.candidate) << " | " << difference_cell(t.difference)
        << " | " << (tested ? p_value(t.fisher.two_sided) : "-") << " | " << (tested ? p_value(t.fisher.greater) : "-") << " | "
        << verdict << " |\n";
  }
  out << "\n";
  out << "- **Overall:** " << overall_line(c) << "\n";
  out << "- **Pass rate:** " << rate_with_ci(c.baseline_all) << " → " << rate_with_ci(c.candidate_all) << "\n";
  out << "- **Median end-to-end:** " << latency_line(c.e2e) << "\n";
  out << "- **Median TTFT:** " << latency_line(c.ttft) << "\n";
  out << "- **Time to a correct answer (suite):** " << seconds(c.baseline_ttc_s) << " → " << seconds(c.candidate_ttc_s) << "\n";
  out << "- **Verdicts:** " << c.count(TaskVerdict::regressed) << " regressed, " << c.count(TaskVerdict::improved) << " improved, "
      << c.count(TaskVerdict::unchanged) << " unchanged, " << c.count(TaskVerdict::flaky) << " flaky, "
      << c.count(TaskVerdict::not_comparable) << " not comparable (alpha " << c.gate.alpha << ")\n\n";
  if (failed) {
    out << "**Gate " << (c.gate.fail_on_regression ? "failed" : "would fail (not enforced)") << ":**\n\n";
    for (const auto& f : c.gate_failures) out << "- " << f << "\n";
  } else {
    out << "**Gate passed.**\n";
  }
  return out.str();
}

nlohmann::json comparison_json(const Comparison& c) {
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& t : c.tasks) {
    nlohmann::json entry = {{"id", t.id},
                            {"verdict", std::string(to_string(t.verdict))},
                            {"reason", t.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.reason)},
                            {"baseline", side_json(t.baseline)},
                            {"candidate", side_json(t.candidate)},
                            {"difference", opt(t.difference)},
                            {"fisher", nullptr}};
    if (t.difference)
      entry["fisher"] = {{"two_sided", t.fisher.two_sided}, {"drop", t.fisher.greater}, {"rise", t.fisher.less},
                         {"drop_holm", t.holm_drop}, {"rise_holm", t.holm_rise}};
    tasks.push_back(std::move(entry));
  }
  nlohmann::json verdicts = nlohmann::json::object();
  for (auto v : {TaskVerdict::regressed, TaskVerdict::improved, TaskVerdict::unchanged, TaskVerdict::flaky, TaskVerdict::not_comparable})
    verdicts[std::string(to_string(v))] = c.count(v);
  const auto ttc = [](std::optional<double> v) { return v && std::isinf(*v) ? nlohmann::json("inf") : opt(v); };
  return {
      {"kind", "goodput.comparison"},
      {"schema_version", 1},
      {"baseline", c.baseline_label},
      {"candidate", c.candidate_label},
      {"warnings", c.warnings},
      {"tasks", std::move(tasks)},
      {"verdicts", std::move(verdicts)},
      {"overall",
       {{"tasks_compared", c.tasks_compared},
        {"tasks_dropped", c.tasks_dropped},
        {"tasks_rose", c.tasks_rose},
        {"tasks_tied", c.tasks_tied},
        {"test", c.one_sample_per_task ? "mcnemar_exact" : "sign_test"},
        {"p_two_sided", c.sign_test.two_sided},
        {"p_drop", c.sign_test.drop},
        {"p_rise", c.sign_test.rise},
        {"pooled_fisher", {{"two_sided", c.pooled.two_sided}, {"drop", c.pooled.greater}, {"rise", c.pooled.less}}},
        {"regressed", c.regressed_overall},
        {"baseline", side_json(c.baseline_all)},
        {"candidate", side_json(c.candidate_all)}}},
      {"latency",
       {{"e2e", latency_json(c.e2e)},
        {"ttft", latency_json(c.ttft)},
        {"bootstrap", {{"method", "percentile"}, {"resamples", k_bootstrap_resamples}, {"seed", k_bootstrap_seed}}}}},
      {"time_to_correct_s", {{"baseline", ttc(c.baseline_ttc_s)}, {"candidate", ttc(c.candidate_ttc_s)}}},
      {"gate",
       {{"alpha", c.gate.alpha},
        {"fail_on", c.gate.fail_on_regression ? nlohmann::json("regression") : nlohmann::json(nullptr)},
        {"max_latency_increase", opt(c.gate.max_latency_increase)},
        {"max_ttc_increase", opt(c.gate.max_ttc_increase)},
        {"failed", !c.gate_failures.empty()},
        {"enforced", c.gate.fail_on_regression},
        {"failures", c.gate_failures},
        {"exit_code", gate_exit_code(c)}}},
  };
}

}  // namespace goodput
