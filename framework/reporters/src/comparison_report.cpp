// SPDX-License-Identifier: MIT
// A comparison (goodput/compare.hpp) for people and programs: the console table, Markdown for
// a pull-request comment, and JSON. compare.cpp computes; this file only words and lays out.
#include <cmath>
#include <iomanip>
#include <sstream>
#include <vector>

#include "goodput/reporters.hpp"
#include "goodput/stats_json.hpp"  // with_seconds_per_correct
#include "goodput/terminal_text.hpp"
#include "decimal_text.hpp"

namespace goodput {

namespace {

std::string percent(std::optional<double> v) {
  if (!v) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(0) << *v * 100 << "%";
  return s.str();
}

using detail::fixed;

std::string p_value(double p) {
  if (p < 0.001) return "<0.001";
  return fixed(p, 3);
}

std::string seconds(std::optional<double> v) {
  if (!v) return "-";
  return fixed(*v, 3) + " s";
}

// "2.113 s (1 task never solved)", "- (no correct answer; 2 tasks never solved)".
std::string per_correct_cell(const JudgedTime& time, int never_solved) {
  const SecondsPerCorrect per_correct = seconds_per_correct(time);
  return detail::per_correct_text(per_correct, never_solved, seconds(per_correct.seconds), "-");
}

std::string signed_fixed(double v, int digits) { return (v >= 0 ? "+" : "") + fixed(v, digits); }

// "8/10 80% (1 err)": passed of judged (errors left out, and counted apart).
std::string rate_cell(const RunStats& s) {
  std::string out = std::to_string(s.passed) + "/" + std::to_string(s.judged()) + " " + percent(s.pass_rate());
  if (s.errors) out += " (" + std::to_string(s.errors) + " err)";
  return out;
}

// Wilson 95% interval; [0, 1] with no judged run (no evidence).
Interval wilson_of(const RunStats& s) { return wilson_interval(s.passed, s.judged()); }

std::string rate_with_ci(const RunStats& s) {
  const Interval ci = wilson_of(s);
  return rate_cell(s) + " [95% CI " + percent(ci.lo) + "-" + percent(ci.hi) + "]";
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

std::string sign_test_name(const Comparison& c) { return c.one_sample_per_task ? "McNemar exact" : "sign test"; }

std::string overall_line(const Comparison& c) {
  std::ostringstream s;
  s << c.tasks_compared << " task(s) compared: " << c.tasks_dropped << " dropped, " << c.tasks_rose << " rose, " << c.tasks_tied
    << " tied; " << sign_test_name(c) << " p = " << p_value(c.sign_test.two_sided) << " (two-sided), " << p_value(c.sign_test.drop)
    << " (one-sided, drop)";
  return s.str();
}

std::string verdict_counts(const Comparison& c) {
  std::ostringstream s;
  s << c.count(TaskVerdict::regressed) << " regressed, " << c.count(TaskVerdict::improved) << " improved, "
    << c.count(TaskVerdict::unchanged) << " unchanged, " << c.count(TaskVerdict::flaky) << " flaky, "
    << c.count(TaskVerdict::not_comparable) << " not comparable (alpha " << c.gate.alpha << ")";
  return s.str();
}

// The cells of a task's row, as both tables show them.
struct TaskCells {
  std::string baseline, candidate, difference, p_two_sided, p_drop;
};
TaskCells task_cells(const TaskComparison& t) {
  const bool tested = t.difference.has_value();
  return {rate_cell(t.baseline), rate_cell(t.candidate), difference_cell(t.difference), tested ? p_value(t.fisher.two_sided) : "-",
          tested ? p_value(t.fisher.greater) : "-"};
}

// "14 points from 90%", "none, not even from 90% to 0%"; an observed rate of 1 is replaced by
// k_reference_pass_rate, and the text says so.
std::string drop_points(const DetectableDrop& d) {
  if (d.from_rate <= 0) return "none possible (the baseline never passed)";
  const std::string from = d.reference ? "an assumed " + percent(d.from_rate) + " (observed 100%)" : percent(d.from_rate);
  if (!d.points) return "none, not even from " + from + " to 0%";
  return std::to_string(*d.points) + " points from " + from;
}

// The per-task figures in one phrase: "49 points", "44-49 points", "none for 3 task(s)"...
std::string per_task_points(const Comparison& c) {
  int lo = 101, hi = -1, none = 0;
  for (const auto& t : c.tasks) {
    if (!t.detectable || t.detectable->from_rate <= 0) continue;
    if (!t.detectable->points) {
      ++none;
      continue;
    }
    lo = std::min(lo, *t.detectable->points);
    hi = std::max(hi, *t.detectable->points);
  }
  std::string out = hi < 0 ? "" : lo == hi ? std::to_string(hi) + " points" : std::to_string(lo) + "-" + std::to_string(hi) + " points";
  if (none) out += (out.empty() ? "none" : ", none") + std::string(" for ") + std::to_string(none) + " task(s)";
  return out.empty() ? "-" : out;
}

std::string detectable_line(const Comparison& c) {
  if (!c.overall_detectable) return "-";
  const DetectableDrop& d = *c.overall_detectable;
  std::ostringstream s;
  s << "overall " << drop_points(d) << "; " << d.baseline_runs << " vs " << d.candidate_runs << " runs, "
    << (d.with_mcnemar ? "pooled one-sided Fisher or McNemar" : "pooled one-sided Fisher") << ", alpha " << d.alpha << "; per task "
    << per_task_points(c) << " (one-sided Fisher at alpha/" << c.tasks_compared << ", Holm)";
  return s.str();
}

// Why the gate is inconclusive, for both renderings.
std::string inconclusive_text(const Comparison& c) {
  std::string seen = c.overall_detectable && c.overall_detectable->points
                         ? "detects with 80% power only drops of " + std::to_string(*c.overall_detectable->points) + " points or more"
                         : "detects with 80% power no drop at all";
  return "no regression found, but at these sample counts the overall test " + seen + " (limit: " +
         fixed(c.gate.min_detectable_drop.value_or(0) * 100, 0) + " points); run more samples per task (--repeat)";
}

// The overall figures under both tables, each with its label in the console and in Markdown.
struct SummaryLine {
  const char* console_label;
  const char* markdown_label;
  std::string text;
};
// One side's prompt-cache split (README "Metrics"): warm runs of all, each class's p50s.
std::string prompt_cache_cell(const RunStats& s) {
  std::string text = std::to_string(s.warm_runs) + " of " + std::to_string(s.cold_runs + s.warm_runs + s.unknown_cache_runs) + " warm";
  if (s.cold_runs > 0) text += ", cold TTFT " + seconds(s.cold_ttft_s.median()) + " e2e " + seconds(s.cold_e2e_s.median());
  if (s.warm_runs > 0) text += ", warm TTFT " + seconds(s.warm_ttft_s.median()) + " e2e " + seconds(s.warm_e2e_s.median());
  return text;
}

std::vector<SummaryLine> summary_lines_always(const Comparison& c, const std::string& arrow) {
  return {{"overall", "Overall", overall_line(c)},
          {"pass rate", "Pass rate", rate_with_ci(c.baseline_all) + arrow + rate_with_ci(c.candidate_all)},
          {"e2e p50", "Median end-to-end", latency_line(c.e2e)},
          {"ttft p50", "Median TTFT", latency_line(c.ttft)},
          {"seconds per correct answer", "Seconds per correct answer",
           per_correct_cell(c.baseline_time, c.baseline_never_solved) + arrow + per_correct_cell(c.candidate_time, c.candidate_never_solved)},
          {"verdicts", "Verdicts", verdict_counts(c)},
          {"smallest drop detected (80% power)", "Smallest drop detected (80% power)", detectable_line(c)}};
}

// One side's runs whose text did not come token by token, or that every run streamed tokens.
std::string delivery_cell(const RunStats& s) {
  if (s.not_token_streamed() == 0) return "token stream";
  return detail::delivery_text(s, seconds, [](std::optional<double> v) { return v ? fixed(*v, 1) + " tok/s" : std::string("-"); });
}

std::vector<SummaryLine> summary_lines(const Comparison& c, const std::string& arrow) {
  std::vector<SummaryLine> lines = summary_lines_always(c, arrow);
  // TTFT above is the token streams' (README "Metrics"): when a side's text came in blocks or
  // one piece, its time to first text and effective rate.
  if (c.baseline_all.not_token_streamed() > 0 || c.candidate_all.not_token_streamed() > 0)
    lines.insert(lines.begin() + 4, {"delivery", "Delivery", delivery_cell(c.baseline_all) + arrow + delivery_cell(c.candidate_all)});
  // TTFT and e2e above mix cold and warm runs: when either side had warm ones, each apart.
  if (c.baseline_all.warm_runs > 0 || c.candidate_all.warm_runs > 0)
    lines.insert(lines.begin() + 4, {"prompt cache", "Prompt cache",
                                     prompt_cache_cell(c.baseline_all) + arrow + prompt_cache_cell(c.candidate_all)});
  return lines;
}

const TaskComparison* task_named(const Comparison& c, const std::string& id) {
  for (const auto& t : c.tasks)
    if (t.id == id) return &t;
  return nullptr;
}

nlohmann::json opt(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

// One side: of a task (with its time to a correct answer, task_json) or of the compared tasks
// pooled (whose headline is seconds per correct answer, comparison_json).
nlohmann::json side_json(const RunStats& s) {
  const Interval ci = wilson_of(s);
  return {{"passed", s.passed},
          {"failed", s.not_passed()},
          {"errors", s.errors},
          {"judged", s.judged()},
          {"pass_rate", opt(s.pass_rate())},
          {"wilson_95", {ci.lo, ci.hi}},
          {"flaky", s.flaky()},
          {"e2e_p50_s", opt(s.e2e_s.median())},
          {"ttft_p50_s", opt(s.ttft_s.median())}};
}

nlohmann::json task_side_json(const RunStats& s) {
  nlohmann::json out = side_json(s);
  const auto ttc = s.time_to_correct_s();
  out["time_to_correct_s"] = opt(ttc);
  out["never_passed"] = ttc.has_value() && std::isinf(*ttc);
  return out;
}

nlohmann::json pooled_side_json(const RunStats& s, const JudgedTime& time, int never_solved) {
  nlohmann::json out = side_json(s);
  with_seconds_per_correct(out, time, never_solved);
  out["prompt_cache"] = {{"cold_runs", s.cold_runs},
                         {"warm_runs", s.warm_runs},
                         {"unknown_runs", s.unknown_cache_runs},
                         {"cold_ttft_p50_s", opt(s.cold_ttft_s.median())},
                         {"cold_e2e_p50_s", opt(s.cold_e2e_s.median())},
                         {"warm_ttft_p50_s", opt(s.warm_ttft_s.median())},
                         {"warm_e2e_p50_s", opt(s.warm_e2e_s.median())}};
  out["delivery"] = {{"token_stream_runs", s.token_stream_runs},
                     {"block_stream_runs", s.block_stream_runs},
                     {"single_body_runs", s.single_body_runs},
                     {"first_text_p50_s", opt(s.first_text_s.median())},
                     {"effective_tps_p50", opt(s.effective_tps.median())}};
  return out;
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

// Points as a fraction (0.14), null when no drop is detected.
nlohmann::json detectable_json(const std::optional<DetectableDrop>& d) {
  if (!d) return nullptr;
  return {{"power", k_detection_power},
          {"alpha", d->alpha},
          {"from_rate", d->from_rate},
          {"from_rate_assumed", d->reference},
          {"baseline_runs", d->baseline_runs},
          {"candidate_runs", d->candidate_runs},
          {"test", d->with_mcnemar ? "pooled_fisher_or_mcnemar" : "fisher_one_sided"},
          {"drop", d->points ? nlohmann::json(*d->points / 100.0) : nlohmann::json(nullptr)}};
}

nlohmann::json task_json(const TaskComparison& t) {
  nlohmann::json entry = {{"id", t.id},
                          {"verdict", std::string(to_string(t.verdict))},
                          {"reason", t.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.reason)},
                          {"baseline", task_side_json(t.baseline)},
                          {"candidate", task_side_json(t.candidate)},
                          {"difference", opt(t.difference)},
                          {"fisher", nullptr}};
  if (t.difference)
    entry["fisher"] = {{"two_sided", t.fisher.two_sided}, {"drop", t.fisher.greater}, {"rise", t.fisher.less},
                       {"drop_holm", t.holm_drop}, {"rise_holm", t.holm_rise}};
  entry["detectable_drop"] = detectable_json(t.detectable);
  return entry;
}

std::vector<std::string> gate_failure_texts(const Comparison& c) {
  std::vector<std::string> texts;
  for (const auto& f : c.gate_failures) texts.push_back(gate_failure_text(c, f));
  return texts;
}

}  // namespace

std::string gate_failure_text(const Comparison& c, const GateFailure& f) {
  switch (f.kind) {
    case GateFailure::Kind::task_regressed: {
      const TaskComparison* t = task_named(c, f.task);
      if (!t) return "task " + f.task + " regressed";
      return "task " + t->id + " regressed: " + rate_cell(t->baseline) + " -> " + rate_cell(t->candidate) +
             " (one-sided Fisher p = " + p_value(t->fisher.greater) + ", Holm-adjusted over " + std::to_string(c.tasks_compared) +
             " tasks " + p_value(t->holm_drop) + ")";
    }
    case GateFailure::Kind::overall_dropped:
      return "overall pass rate dropped: " + rate_cell(c.baseline_all) + " -> " + rate_cell(c.candidate_all) +
             " (pooled one-sided Fisher p = " + p_value(c.pooled.greater) + "; " + std::to_string(c.tasks_dropped) +
             " task(s) dropped, " + std::to_string(c.tasks_rose) + " rose, one-sided " + sign_test_name(c) +
             " p = " + p_value(c.sign_test.drop) + ")";
    case GateFailure::Kind::latency_rose:
      return "median end-to-end time rose " + signed_fixed(f.increase * 100, 1) + "% (limit +" +
             fixed(c.gate.max_latency_increase.value_or(0) * 100, 1) + "%): " + latency_line(c.e2e);
    case GateFailure::Kind::ttc_rose:
      return "seconds per correct answer rose " +
             (std::isinf(f.increase) ? std::string("without bound (no correct answer)") : signed_fixed(f.increase * 100, 1) + "%") +
             " (limit +" + fixed(c.gate.max_ttc_increase.value_or(0) * 100, 1) + "%): " +
             per_correct_cell(c.baseline_time, c.baseline_never_solved) + " -> " +
             per_correct_cell(c.candidate_time, c.candidate_never_solved);
  }
  return "the gate failed";
}

// Labels, task ids and the warnings and reasons that quote them come from results files, which
// anyone can edit: escaped (goodput/terminal_text.hpp), so a file cannot print lines of its
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
    std::string verdict = verdict_word(t.verdict);
    if (!t.reason.empty()) verdict += ": " + terminal_text(t.reason);
    const TaskCells cells = task_cells(t);
    row(terminal_text(t.id), cells.baseline, cells.candidate, cells.difference, cells.p_two_sided, cells.p_drop, verdict);
  }
  for (const auto& line : summary_lines(c, " -> ")) out << line.console_label << ": " << line.text << "\n";
  if (c.inconclusive) {
    out << "gate: " << (c.gate.fail_on_regression ? "INCONCLUSIVE" : "inconclusive (not enforced; --fail-on regression to gate)")
        << "\n  - " << inconclusive_text(c) << "\n";
  } else if (c.gate_failures.empty()) {
    out << "gate: " << (c.gate.fail_on_regression ? "PASSED" : "passed (not enforced; --fail-on regression to gate)") << "\n";
  } else {
    out << "gate: " << (c.gate.fail_on_regression ? "FAILED" : "would fail (not enforced; --fail-on regression to gate)") << "\n";
    for (const auto& f : gate_failure_texts(c)) out << "  - " << terminal_text(f) << "\n";
  }
}

std::string comparison_markdown(const Comparison& c) {
  std::ostringstream out;
  const bool failed = !c.gate_failures.empty();
  out << "## goodput compare: "
      << (failed ? (c.gate.fail_on_regression ? "❌ regression" : "⚠️ regression (not gated)")
                 : c.inconclusive ? "❔ inconclusive" : "✅ no regression")
      << "\n\n";
  out << "Baseline `" << c.baseline_label << "` vs candidate `" << c.candidate_label << "`.\n\n";
  for (std::size_t i = 0; i < c.warnings.size(); ++i) out << (i ? ">\n" : "") << "> ⚠️ " << c.warnings[i] << "\n";
  if (!c.warnings.empty()) out << "\n";
  out << "| task | baseline | candidate | diff | p (two-sided) | p (drop) | verdict |\n";
  out << "|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& t : c.tasks) {
    std::string verdict = verdict_word(t.verdict);
    if (t.verdict == TaskVerdict::regressed) verdict = "**" + verdict + "**";
    if (!t.reason.empty()) verdict += " (" + t.reason + ")";
    const TaskCells cells = task_cells(t);
    out << "| `" << t.id << "` | " << cells.baseline << " | " << cells.candidate << " | " << cells.difference << " | "
        << cells.p_two_sided << " | " << cells.p_drop << " | " << verdict << " |\n";
  }
  out << "\n";
  for (const auto& line : summary_lines(c, " → ")) out << "- **" << line.markdown_label << ":** " << line.text << "\n";
  out << "\n";
  if (failed) {
    out << "**Gate " << (c.gate.fail_on_regression ? "failed" : "would fail (not enforced)") << ":**\n\n";
    for (const auto& f : gate_failure_texts(c)) out << "- " << f << "\n";
  } else if (c.inconclusive) {
    out << "**Gate inconclusive" << (c.gate.fail_on_regression ? "" : " (not enforced)") << ":** " << inconclusive_text(c) << "\n";
  } else {
    out << "**Gate passed.**\n";
  }
  return out.str();
}

nlohmann::json comparison_json(const Comparison& c) {
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& t : c.tasks) tasks.push_back(task_json(t));
  nlohmann::json verdicts = nlohmann::json::object();
  for (auto v : {TaskVerdict::regressed, TaskVerdict::improved, TaskVerdict::unchanged, TaskVerdict::flaky, TaskVerdict::not_comparable})
    verdicts[std::string(to_string(v))] = c.count(v);
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
        {"detectable_drop", detectable_json(c.overall_detectable)},
        {"baseline", pooled_side_json(c.baseline_all, c.baseline_time, c.baseline_never_solved)},
        {"candidate", pooled_side_json(c.candidate_all, c.candidate_time, c.candidate_never_solved)}}},
      {"latency",
       {{"e2e", latency_json(c.e2e)},
        {"ttft", latency_json(c.ttft)},
        {"bootstrap", {{"method", "percentile"}, {"resamples", k_bootstrap_resamples}, {"seed", k_bootstrap_seed}}}}},
      {"gate",
       {{"alpha", c.gate.alpha},
        {"fail_on", c.gate.fail_on_regression ? nlohmann::json("regression") : nlohmann::json(nullptr)},
        {"max_latency_increase", opt(c.gate.max_latency_increase)},
        {"max_ttc_increase", opt(c.gate.max_ttc_increase)},
        {"min_detectable_drop", opt(c.gate.min_detectable_drop)},
        {"failed", !c.gate_failures.empty()},
        {"inconclusive", c.inconclusive},
        {"enforced", c.gate.fail_on_regression},
        {"failures", gate_failure_texts(c)},
        {"exit_code", gate_exit_code(c)}}},
  };
}

}  // namespace goodput
