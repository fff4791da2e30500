// SPDX-License-Identifier: MIT
// The gtest-like log: [ RUN ] / [ OK ] / [ FAILED ] / [ ERROR ] lines as runs finish, the
// failure messages indented under them, then a summary table per model.
//
// Everything that goodput did not write itself goes through terminal_text / terminal_lines
// (goodput/terminal_text.hpp): messages, part names, errors, facts, and also model names and
// task ids, which come from files. The rule that keeps the log honest: only goodput writes at
// column 0, so a "[       OK ]" or "[  PASSED  ]" line there is always goodput's. A message's
// own line breaks are kept, for GoogleTest-shaped "file:42: Failure\nExpected: ..." messages
// and tracebacks, but every line after the first starts with the message's indent, and no
// other control character (ESC above all) reaches the terminal.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <map>
#include <optional>
#include <sstream>

#include "goodput/reporters.hpp"
#include "goodput/utf8.hpp"
#include "goodput/terminal_text.hpp"
#include "decimal_text.hpp"

namespace goodput {

std::string format_seconds(std::optional<double> seconds) {
  if (!seconds) return "—";
  if (std::isinf(*seconds)) return "∞";
  char buf[48];
  if (*seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.2f s", *seconds);
  } else {
    const int total = static_cast<int>(std::lround(*seconds));
    std::snprintf(buf, sizeof buf, "%d m %02d s", total / 60, total % 60);
  }
  return buf;
}

namespace {

using detail::terminal_lines;
using detail::terminal_text;

using detail::fixed;

std::string format_rate(std::optional<double> tps) { return tps ? fixed(*tps, 1) + " tok/s" : "—"; }

// "7/8 87.5% [52.9–97.8]": the count, the rate and its Wilson 95% interval in percent.
std::string format_share(int x, int n, std::optional<double> rate, std::optional<Interval> ci) {
  std::string out = std::to_string(x) + "/" + std::to_string(n);
  if (rate) out += " " + fixed(*rate * 100, 1) + "%";
  if (ci) out += " [" + fixed(ci->lo * 100, 1) + "–" + fixed(ci->hi * 100, 1) + "]";
  return out;
}

std::string format_probability(std::optional<double> p) { return p ? fixed(*p, 3) : "—"; }

// Pads by code points so Japanese model names and "∞" line up.
std::string pad(const std::string& text, std::size_t width, bool right_align = false) {
  const std::size_t len = utf8::length(text);
  if (len >= width) return text;
  const std::string fill(width - len, ' ');
  return right_align ? fill + text : text + fill;
}

// Wide enough for "100/100 100.0% [96.3–100.0]".
constexpr std::size_t k_pass_width = 27;

class ConsoleReporter final : public Reporter {
 public:
  ConsoleReporter(std::ostream& out, const StatsCollector& stats, ConsoleOptions options)
      : m_out(out), m_stats(stats), m_options(options) {}

  void on_plan(const Plan& plan) override {
    m_plan = plan;
    m_start = std::chrono::steady_clock::now();
    if (plan.simulated) {
      m_out << "SIMULATED: every model in this run is `goodput sim`, a simulated endpoint on this machine.\n"
               "           Its answers are scripted and its timings are a schedule: no real model was evaluated.\n";
    } else {
      for (const auto& m : *plan.models)
        if (m.simulated) m_out << "SIMULATED: model " << terminal_text(m.name) << " is `goodput sim`, not a real model.\n";
    }
    m_out << "[==========] " << plan.total_runs << " runs: " << plan.tasks->size() << " tasks x "
          << plan.models->size() << " models";
    if (plan.repeat > 1) m_out << " x " << plan.repeat << " samples";
    m_out << "\n";
    for (const auto& m : *plan.models)
      m_out << "[----------] model " << terminal_text(m.name) << ": " << terminal_text(m.model) << " at "
            << terminal_text(m.base_url) << " (" << terminal_text(m.dialect)
            << (m.simulated ? ", SIMULATED" : "") << ")\n";
    m_out << std::flush;
  }

  void on_warmup(const ModelSpec& model, const WarmupResult& warmup) override {
    clear_progress();
    m_out << "[ WARM-UP  ] " << terminal_text(model.name);
    if (!warmup.error.empty()) {
      m_out << ": the warm-up request failed (" << terminal_text(warmup.error) << "); the first run may include the load time\n" << std::flush;
      return;
    }
    m_out << ": load time";
    if (m_options.show_timing)
      m_out << " " << format_seconds(warmup.e2e_s) << " (TTFT " << format_seconds(warmup.ttft_s) << ")";
    m_out << ", not counted in the statistics\n" << std::flush;
  }

  void on_run_start(const ModelSpec& model, const TaskSpec& task, int sample) override {
    clear_progress();
    m_out << "[ RUN      ] " << name(model, task, sample) << "\n";
    draw_progress();
    m_out << std::flush;
  }

  void on_run_end(const RunRecord& run) override {
    const Completion& c = run.completion;
    const char* tag = run.verdict == Verdict::pass        ? "[       OK ] "
                      : run.verdict == Verdict::fail      ? "[  FAILED  ] "
                      : run.verdict == Verdict::truncated ? "[ TRUNCATED ] "
                                                          : "[  ERROR   ] ";
    clear_progress();
    m_out << coloured(tag, run.verdict) << name(*run.model, *run.task, run.sample);
    if (m_options.show_timing && c.ok()) {
      if (c.metrics.delivery == Delivery::block_stream || c.metrics.delivery == Delivery::single_body)
        m_out << " (" << format_seconds(c.metrics.e2e_s) << ", first text " << format_seconds(c.metrics.ttft_s) << ", effective "
              << format_rate(c.metrics.effective_tps) << ", " << describe(c.metrics.delivery) << ")";
      else
        m_out << " (" << format_seconds(c.metrics.e2e_s) << ", TTFT " << format_seconds(c.metrics.ttft_s) << ", "
              << format_rate(c.metrics.decode_tps) << ")";
    }
    m_out << "\n";
    if (!c.retries.empty())
      m_out << "    retried " << c.retries.size() << (c.retries.size() == 1 ? " time" : " times") << " (last: "
            << terminal_text(c.retries.back().error) << ")\n";
    if (run.verdict == Verdict::error && !c.ok()) {
      m_out << "    error (" << to_string(c.error.kind) << "): " << terminal_lines(c.error.message, "    ") << "\n";
      m_errors.push_back(name(*run.model, *run.task, run.sample));
    }
    if (run.score) m_out << "    " << describe_score(*run.score, run.task->threshold) << "\n";
    for (const auto& check : run.checks) {
      // Generated code ran somewhere: say once per run how isolated that was, so a weaker
      // machine is never silently taken for an isolated one.
      if (auto it = check.facts.find("sandbox"); it != check.facts.end() && !m_sandbox_reported) {
        m_out << "[ SANDBOX  ] generated code runs under " << terminal_text(it->second) << "\n";
        m_sandbox_reported = true;
      }
      tally_judge(check.facts);
      if (check.outcome == checkers::Outcome::pass) continue;
      m_out << "    " << terminal_lines(check.message, "    ") << "\n";
      constexpr int k_parts_shown = 5;
      int shown = 0;
      for (const auto& part : check.parts) {
        if (part.outcome == checkers::Outcome::pass) continue;
        if (shown++ == k_parts_shown) {
          m_out << "      ...\n";
          break;
        }
        m_out << "      " << terminal_text(part.name) << ": " << terminal_lines(part.message, "      ") << "\n";
      }
    }
    if (run.verdict == Verdict::fail) m_failures.push_back(name(*run.model, *run.task, run.sample));
    if (run.verdict == Verdict::error && c.ok()) m_errors.push_back(name(*run.model, *run.task, run.sample));
    if (run.verdict == Verdict::pass) ++m_passed;
    if (run.verdict == Verdict::truncated) m_truncated.push_back(name(*run.model, *run.task, run.sample));
    if (c.tokens.completion) m_completion_tokens += *c.tokens.completion;
    draw_progress();
    m_out << std::flush;
  }

  void on_finish(bool interrupted) override {
    clear_progress();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    const std::size_t done = m_passed + m_failures.size() + m_errors.size() + m_truncated.size();
    m_out << "[==========] " << done << " of " << m_plan.total_runs << " runs finished";
    if (m_options.show_timing) m_out << " in " << format_seconds(elapsed);
    m_out << (interrupted ? " (INTERRUPTED: runs in flight were dropped)" : "") << "\n";
    m_out << coloured("[  PASSED  ] ", Verdict::pass) << m_passed << " runs\n";
    if (!m_failures.empty()) {
      m_out << coloured("[  FAILED  ] ", Verdict::fail) << m_failures.size() << " runs, listed below:\n";
      for (const auto& f : m_failures) m_out << coloured("[  FAILED  ] ", Verdict::fail) << f << "\n";
    }
    if (!m_truncated.empty()) {
      m_out << "[ TRUNCATED ] " << m_truncated.size()
            << " runs: the token limit cut the reasoning before any answer (raise max_tokens), listed below:\n";
      for (const auto& t : m_truncated) m_out << "[ TRUNCATED ] " << t << "\n";
    }
    if (!m_errors.empty()) {
      m_out << coloured("[  ERROR   ] ", Verdict::error) << m_errors.size()
            << " runs did not complete (errors, not counted as model failures):\n";
      for (const auto& e : m_errors) m_out << coloured("[  ERROR   ] ", Verdict::error) << e << "\n";
    }
    print_task_verdicts();
    print_table();
    print_judges();
    m_out << std::flush;
  }

 private:
  // "score 0.83 >= threshold 0.75": a weighted task may pass with failed checks listed below.
  static std::string describe_score(double score, std::optional<double> threshold) {
    char text[96];
    if (threshold) {
      std::snprintf(text, sizeof text, "score %.2f %s threshold %.2f", score, score >= *threshold ? ">=" : "<", *threshold);
    } else {
      std::snprintf(text, sizeof text, "score %.2f (no threshold: every assertion must pass)", score);
    }
    return text;
  }

  // A model-graded check's judge (its facts, model_graded.cpp): its time and tokens are the
  // judge's, summed apart and never mixed into the models' figures.
  struct JudgeTally {
    int calls = 0;
    Samples e2e_s;
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
  };

  void tally_judge(const std::map<std::string, std::string>& facts) {
    const auto judge = facts.find("judge");
    if (judge == facts.end()) return;
    const auto number = [&](const char* key) -> std::optional<double> {
      const auto it = facts.find(key);
      if (it == facts.end() || it->second == "null") return std::nullopt;
      char* end = nullptr;
      const double value = std::strtod(it->second.c_str(), &end);
      return end != it->second.c_str() && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
    };
    JudgeTally& tally = m_judges[judge->second];
    ++tally.calls;
    tally.e2e_s.add(number("judge_e2e_s"));
    tally.prompt_tokens += static_cast<std::int64_t>(number("judge_prompt_tokens").value_or(0));
    tally.completion_tokens += static_cast<std::int64_t>(number("judge_completion_tokens").value_or(0));
  }

  void print_judges() {
    if (m_judges.empty()) return;
    m_out << "\nJudges of model-graded checks (their time and tokens are not in the models' figures)\n";
    for (const auto& [judge, tally] : m_judges) {
      m_out << "  " << terminal_text(judge) << ": " << tally.calls << (tally.calls == 1 ? " call" : " calls");
      if (m_options.show_timing) m_out << " · e2e p50 " << format_seconds(tally.e2e_s.median());
      m_out << " · " << tally.prompt_tokens << " prompt + " << tally.completion_tokens << " completion tokens\n";
    }
  }

  std::string coloured(const char* tag, Verdict verdict) const {
    if (!m_options.color) return tag;
    const char* sgr = verdict == Verdict::pass ? "\033[32m" : verdict == Verdict::error ? "\033[33m" : "\033[31m";
    return std::string(sgr) + tag + "\033[0m";
  }

  // Tasks with min_pass_rate are judged per model over their samples (README "Pass rate per
  // task"): one line each, as the exit code sees it.
  void print_task_verdicts() {
    bool header = false;
    for (const auto& task : *m_plan.tasks) {
      for (const auto& model : *m_plan.models) {
        const auto verdict = m_stats.task_model_verdict(model.name, task, m_plan.repeat);
        if (!verdict) continue;
        if (!header) {
          m_out << "[----------] task verdicts (min_pass_rate: the share of a task's samples that must pass)\n";
          header = true;
        }
        const char* tag = verdict->verdict == Verdict::pass ? "[  PASSED  ] " : verdict->verdict == Verdict::fail ? "[  FAILED  ] " : "[  ERROR   ] ";
        m_out << coloured(tag, verdict->verdict) << terminal_text(model.name) << " " << terminal_text(task.id()) << " "
              << to_string(*verdict) << "\n";
      }
    }
  }

  // "[ 3/10 runs ] 2 passed, 1 failed, 0 errors · ETA 4.20 s · 52.3 tok/s": the ETA from the
  // rate runs finished at so far, tokens/s the completion tokens of finished runs per second
  // of wall time (all models, as the server sees them). Left without a line break, so the
  // next write starts by erasing it.
  void draw_progress() {
    if (!m_options.live) return;
    const std::size_t done = m_passed + m_failures.size() + m_errors.size() + m_truncated.size();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    m_out << "[ " << done << "/" << m_plan.total_runs << " runs ] " << m_passed << " passed, "
          << m_failures.size() + m_truncated.size() << " failed, " << m_errors.size() << " errors";
    if (done > 0 && done < m_plan.total_runs && elapsed > 0)
      m_out << " · ETA " << format_seconds(elapsed / static_cast<double>(done) * static_cast<double>(m_plan.total_runs - done));
    if (elapsed > 0 && m_completion_tokens > 0) m_out << " · " << format_rate(static_cast<double>(m_completion_tokens) / elapsed);
    m_progress_shown = true;
  }

  void clear_progress() {
    if (!m_progress_shown) return;
    m_out << "\r\033[K";
    m_progress_shown = false;
  }

  std::string name(const ModelSpec& model, const TaskSpec& task, int sample) const {
    std::string s = terminal_text(model.name) + " / " + terminal_text(task.id());
    if (m_plan.repeat > 1 || task.repeat > 1) s += " #" + std::to_string(sample + 1);
    return s;
  }

  void print_table() {
    m_out << "\nSummary" << (m_plan.simulated ? " (SIMULATED models — scripted answers, scheduled timings)" : "") << "\n";
    const bool with_slo = m_stats.slo().has_value();
    std::vector<std::pair<std::string, std::size_t>> columns{
        {"model", 0}, {"pass rate [95% CI]", k_pass_width}, {"errors", 6}, {"TTFT p50", 9}, {"decode p50", 12},
        {"e2e p50", 9}, {"tokens mean", 11}};
    if (with_slo) {
      columns.emplace_back("goodput [95% CI]", k_pass_width);
      columns.emplace_back("passed/min", 10);
    }
    columns.emplace_back("s / correct", 11);
    std::size_t model_width = 5;
    for (const auto& m : *m_plan.models) model_width = std::max(model_width, utf8::length(terminal_text(m.name)));
    std::string header = pad("model", model_width);
    for (std::size_t i = 1; i + 1 < columns.size(); ++i) header += "  " + pad(columns[i].first, columns[i].second, true);
    header += "  " + columns.back().first;
    m_out << header << "\n" << std::string(utf8::length(header), '-') << "\n";
    for (const auto& model : *m_plan.models) {
      auto it = m_stats.models().find(model.name);
      if (it == m_stats.models().end()) {
        m_out << pad(terminal_text(model.name), model_width) << "  (no finished runs)\n";
        continue;
      }
      const RunStats& s = it->second.all;
      const std::string pass = format_share(s.passed, s.judged(), s.pass_rate(), s.pass_rate_ci95());
      std::string tokens = s.completion_tokens.mean() ? fixed(*s.completion_tokens.mean(), 0) + (s.tokens_estimated ? "~" : "") : "—";
      const SecondsPerCorrect per_correct = it->second.seconds_per_correct();
      const std::string headline =
          detail::per_correct_text(per_correct, it->second.tasks_never_passed(), format_seconds(per_correct.seconds), "—");
      // A model none of whose runs streamed tokens shows its time to first text and effective
      // rate in these columns, marked; the Delivery lines below say which.
      const bool marked = s.token_stream_runs == 0 && s.not_token_streamed() > 0;
      const std::string ttft = marked ? format_seconds(s.first_text_s.median()) + "†" : format_seconds(s.ttft_s.median());
      const std::string rate = marked ? format_rate(s.effective_tps.median()) + "†" : format_rate(s.decode_tps.median());
      m_out << pad(terminal_text(model.name), model_width) << "  " << pad(pass, k_pass_width, true) << "  " << pad(std::to_string(s.errors), 6, true)
            << "  " << pad(ttft, 9, true) << "  " << pad(rate, 12, true)
            << "  " << pad(format_seconds(s.e2e_s.median()), 9, true) << "  " << pad(tokens, 11, true) << "  ";
      if (with_slo) {
        const auto per_minute = s.passed_per_minute();
        m_out << pad(format_share(s.met_slo, s.judged(), s.goodput(), s.goodput_ci95()), k_pass_width, true) << "  "
              << pad(per_minute ? fixed(*per_minute, 2) : "—", 10, true) << "  ";
      }
      m_out << headline << "\n";
    }
    m_out << "pass rate excludes errors, [95% CI] is the Wilson interval; decode = (completion tokens - 1) / (last - first token); "
             "s / correct = seconds per correct answer, the summed e2e of judged runs / passed runs"
          << (with_slo ? "; goodput = passed and within " + to_string(*m_stats.slo()) +
                             "; passed/min = passed runs per minute of summed e2e"
                       : "")
          << (std::any_of(m_stats.models().begin(), m_stats.models().end(), [](const auto& e) { return e.second.all.tokens_estimated; })
                  ? "; ~ = token counts estimated (server sent no usage)"
                  : "")
          << "\n";
    print_delivery();
    print_prompt_cache();
    print_task_table();
    print_server_figures();
  }

  // Text that did not come token by token has no per-token figures (README "Metrics"): for
  // each model with such runs, how many and their time to first text and effective rate.
  void print_delivery() {
    bool header = false;
    for (const auto& model : *m_plan.models) {
      const auto it = m_stats.models().find(model.name);
      if (it == m_stats.models().end() || it->second.all.not_token_streamed() == 0) continue;
      if (!header) {
        m_out << "Delivery († and below: text not streamed token by token, so time to first text instead of TTFT and the "
                 "effective rate, completion tokens / e2e, instead of decode)\n";
        header = true;
      }
      m_out << "  " << terminal_text(model.name) << ": "
            << detail::delivery_text(it->second.all, [](auto v) { return format_seconds(v); }, format_rate) << "\n";
    }
  }

  // Runs the server answered from its prompt cache have a TTFT of another kind: when any
  // model had some, its cold and warm runs apart (p50 of each class, errors left out).
  void print_prompt_cache() {
    bool header = false;
    for (const auto& model : *m_plan.models) {
      const auto it = m_stats.models().find(model.name);
      if (it == m_stats.models().end() || it->second.all.warm_runs == 0) continue;
      const RunStats& s = it->second.all;
      if (!header) {
        m_out << "Prompt cache (warm: the server reused more than 10% of the prompt; p50 per class)\n";
        header = true;
      }
      m_out << "  " << terminal_text(model.name) << ": " << s.warm_runs << " of " << (s.cold_runs + s.warm_runs + s.unknown_cache_runs)
            << " runs warm";
      if (s.cold_runs > 0)
        m_out << " · cold: TTFT " << format_seconds(s.cold_ttft_s.median()) << ", e2e " << format_seconds(s.cold_e2e_s.median()) << " ("
              << s.cold_runs << ")";
      m_out << " · warm: TTFT " << format_seconds(s.warm_ttft_s.median()) << ", e2e " << format_seconds(s.warm_e2e_s.median()) << " ("
            << s.warm_runs << ")";
      if (s.unknown_cache_runs > 0) m_out << " · unknown: " << s.unknown_cache_runs;
      m_out << "\n";
    }
  }

  // With several samples per task: task x model, the pass rate with its interval, pass@1,
  // pass@N for N = the task's samples (k = its judged runs when errors took some), e2e p50/p90.
  void print_task_table() {
    bool repeated = m_plan.repeat > 1;
    for (const auto& t : *m_plan.tasks) repeated = repeated || t.repeat > 1;
    if (!repeated) return;
    const bool with_slo = m_stats.slo().has_value();
    std::size_t task_width = 4;
    std::size_t model_width = 5;
    for (const auto& t : *m_plan.tasks) task_width = std::max(task_width, utf8::length(terminal_text(t.id())));
    for (const auto& m : *m_plan.models) model_width = std::max(model_width, utf8::length(terminal_text(m.name)));
    std::string header = pad("task", task_width) + "  " + pad("model", model_width) + "  " + pad("pass rate [95% CI]", k_pass_width, true) +
                         "  " + pad("pass@1", 6, true) + "  " + pad("pass@N", 10, true) + "  " + pad("e2e p50", 9, true) + "  " +
                         pad("e2e p90", 9, true);
    if (with_slo) header += "  " + pad("goodput", 7, true);
    m_out << "\nPer task (" << "pass@N: N = samples per task)\n" << header << "\n" << std::string(utf8::length(header), '-') << "\n";
    for (const auto& task : *m_plan.tasks) {
      const int samples = task.repeat * m_plan.repeat;
      for (const auto& model : *m_plan.models) {
        const auto it = m_stats.models().find(model.name);
        if (it == m_stats.models().end()) continue;
        const auto task_it = it->second.per_task.find(task.id());
        if (task_it == it->second.per_task.end()) continue;
        const RunStats& s = task_it->second;
        const int k = std::min(samples, s.judged());
        std::string at_n = format_probability(s.pass_at_k(k));
        if (k != samples && k > 0) at_n += " (k=" + std::to_string(k) + ")";
        m_out << pad(terminal_text(task.id()), task_width) << "  " << pad(terminal_text(model.name), model_width) << "  "
              << pad(format_share(s.passed, s.judged(), s.pass_rate(), s.pass_rate_ci95()), k_pass_width, true) << "  "
              << pad(format_probability(s.pass_at_k(1)), 6, true) << "  " << pad(at_n, 10, true) << "  "
              << pad(format_seconds(s.e2e_s.percentile(50)), 9, true) << "  " << pad(format_seconds(s.e2e_s.percentile(90)), 9, true);
        if (with_slo) {
          const auto g = s.goodput();
          m_out << "  " << pad(g ? fixed(*g * 100, 1) + "%" : "—", 7, true);
        }
        m_out << "\n";
      }
    }
  }

  // Client figures beside the server's own, per model that reported any: the difference
  // between the client's TTFT and the server's is the network and queueing.
  void print_server_figures() {
    bool header = false;
    for (const auto& model : *m_plan.models) {
      auto it = m_stats.models().find(model.name);
      if (it == m_stats.models().end()) continue;
      const RunStats& s = it->second.all;
      const auto server_ttft = s.server_ttft_s.median() ? s.server_ttft_s.median() : s.server_prompt_s.median();
      const auto server_tps = s.server_decode_tps.median();
      if (!server_ttft && !server_tps) continue;
      if (!header) {
        m_out << "\nServer-reported figures (p50, client vs server)\n";
        header = true;
      }
      // A model none of whose runs streamed tokens has its time to first text to set beside
      // the server's, and no client decode rate at all.
      const bool not_streamed = s.token_stream_runs == 0 && s.not_token_streamed() > 0;
      const auto client_ttft = not_streamed ? s.first_text_s.median() : s.ttft_s.median();
      m_out << "  " << terminal_text(model.name) << ":";
      if (server_ttft) {
        m_out << (not_streamed ? " first text " : " TTFT ") << format_seconds(client_ttft) << " vs " << format_seconds(server_ttft)
              << (s.server_ttft_s.median() ? "" : " (prompt)");
        if (client_ttft && m_options.show_timing && !not_streamed) {  // a first block comes after its whole refinement
          const double diff_ms = (*client_ttft - *server_ttft) * 1000;
          m_out << " — network + queue: " << (diff_ms >= 0 ? "+" : "") << fixed(diff_ms, 0) << " ms";
        }
        if (server_tps) m_out << ";";
      }
      if (server_tps) {
        if (not_streamed)
          m_out << " server decode " << format_rate(server_tps) << " (the client saw no token stream to time)";
        else
          m_out << " decode " << format_rate(s.decode_tps.median()) << " vs " << format_rate(server_tps);
      }
      if (const auto load = s.server_load_s.median(); load && *load > 0) m_out << "; server load " << format_seconds(load);
      m_out << "\n";
    }
    if (std::any_of(m_stats.models().begin(), m_stats.models().end(), [](const auto& e) { return e.second.all.retries > 0; })) {
      m_out << "Retries:";
      for (const auto& [name, stats] : m_stats.models())
        if (stats.all.retries > 0) m_out << " " << terminal_text(name) << " " << stats.all.retries;
      m_out << " (connection errors, 429 and 503 before any token)\n";
    }
    print_ignored_server_figures();
  }

  // Server figures outside physical bounds were left out of every figure above; say so, and
  // which, so that a server's odd numbers are not mistaken for goodput's.
  void print_ignored_server_figures() {
    for (const auto& [name, stats] : m_stats.models()) {
      const RunStats& s = stats.all;
      if (s.runs_with_ignored_server_figures == 0) continue;
      m_out << "Server figures ignored (implausible): " << terminal_text(name) << " " << s.runs_with_ignored_server_figures
            << (s.runs_with_ignored_server_figures == 1 ? " run" : " runs") << " (";
      const char* separator = "";
      for (const auto& [reason, count] : s.ignored_server_figures) {
        m_out << separator << terminal_text(reason) << (count > 1 ? " ×" + std::to_string(count) : "");
        separator = ", ";
      }
      m_out << "; the journal keeps the values)\n";
    }
  }

  std::ostream& m_out;
  const StatsCollector& m_stats;
  ConsoleOptions m_options;
  std::int64_t m_completion_tokens = 0;  // of finished runs, for the progress line's tokens/s
  bool m_progress_shown = false;         // the progress line is on screen, without its line break
  Plan m_plan;
  std::chrono::steady_clock::time_point m_start;
  std::size_t m_passed = 0;
  bool m_sandbox_reported = false;
  std::vector<std::string> m_failures;
  std::vector<std::string> m_errors;
  std::vector<std::string> m_truncated;
  std::map<std::string, JudgeTally> m_judges;  // by judge name
};

}  // namespace

ConsoleOptions console_options_for(std::string_view color_mode, bool stdout_is_terminal, const char* no_color, const char* ci) {
  ConsoleOptions options;
  const bool no_color_set = no_color != nullptr && *no_color != '\0';  // no-color.org: set and not empty
  options.color = color_mode == "always" || (color_mode == "auto" && stdout_is_terminal && !no_color_set);
  options.live = stdout_is_terminal && ci == nullptr;
  return options;
}

std::unique_ptr<Reporter> make_console_reporter(std::ostream& out, const StatsCollector& stats, ConsoleOptions options) {
  return std::make_unique<ConsoleReporter>(out, stats, options);
}

}  // namespace goodput
