// SPDX-License-Identifier: MIT
// The run's summary as Markdown, for a pull-request comment or GitHub's job summary: the
// verdict in the heading, one table row per model, the runs that did not pass folded under a
// <details>. Written once, at on_finish.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "goodput/reporters.hpp"
#include "decimal_text.hpp"

namespace goodput {

namespace {

// A table cell or list item: its own line breaks and pipes would end the row early.
std::string markdown_cell(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n' || ch == '\r') out += ' ';
    else if (ch == '`') out += '\'';
    else out += ch;
  }
  return out;
}

struct NotPassed {
  std::string name;
  std::string verdict;
  std::string why;
  bool judged_together = false;  // a sample of a task with min_pass_rate: the task verdict decides
};

class MarkdownReporter final : public Reporter {
 public:
  MarkdownReporter(std::string path, bool append, const StatsCollector& stats)
      : m_path(std::move(path)), m_append(append), m_stats(stats) {}

  void on_plan(const Plan& plan) override { m_plan = plan; }

  void on_run_end(const RunRecord& run) override {
    ++m_done;
    if (run.verdict == Verdict::pass) return;
    NotPassed n;
    n.name = run.model->name + " / " + run.task->id();
    if (m_plan.repeat > 1 || run.task->repeat > 1) n.name += " #" + std::to_string(run.sample + 1);
    n.verdict = std::string(to_string(run.verdict));
    n.judged_together = run.task->min_pass_rate.has_value();
    if (!run.completion.ok()) n.why = std::string(to_string(run.completion.error.kind)) + ": " + run.completion.error.message;
    for (const auto& check : run.checks)
      if (n.why.empty() && check.outcome != checkers::Outcome::pass) n.why = check.message;
    m_not_passed.push_back(std::move(n));
  }

  void on_finish(bool interrupted) override {
    std::error_code ec;  // a directory that cannot be made shows as the write failing below
    if (const auto parent = std::filesystem::path(m_path).parent_path(); !parent.empty())
      std::filesystem::create_directories(parent, ec);
    std::ofstream out(m_path, m_append ? std::ios::app : std::ios::trunc);
    out << text(interrupted);
    out.close();
    if (!out) std::fprintf(stderr, "goodput: writing the Markdown summary %s failed\n", m_path.c_str());
  }

 private:
  // As the exit code decides: a task with min_pass_rate by its verdict per model, any other
  // task by each of its samples.
  bool all_passed() const {
    for (const auto& n : m_not_passed)
      if (!n.judged_together) return false;
    for (const auto& task : *m_plan.tasks)
      for (const auto& model : *m_plan.models)
        if (const auto v = m_stats.task_model_verdict(model.name, task, m_plan.repeat); v && v->verdict != Verdict::pass) return false;
    return true;
  }

  // A row per task x model judged over its samples (min_pass_rate), when there is one.
  void write_task_verdicts(std::ostringstream& md) const {
    bool header = false;
    for (const auto& task : *m_plan.tasks) {
      for (const auto& model : *m_plan.models) {
        const auto v = m_stats.task_model_verdict(model.name, task, m_plan.repeat);
        if (!v) continue;
        if (!header) md << "\n| task verdict (min_pass_rate) | model | passed |\n|---|---|---|\n";
        header = true;
        md << "| " << (v->verdict == Verdict::pass ? "✅ " : v->verdict == Verdict::fail ? "❌ " : "⚠️ ") << markdown_cell(task.id())
           << " | " << markdown_cell(model.name) << " | " << markdown_cell(to_string(*v)) << " |\n";
      }
    }
  }

  std::string text(bool interrupted) const {
    int failed = 0, errors = 0;
    for (const auto& n : m_not_passed) (n.verdict == "error" ? errors : failed) += 1;
    std::ostringstream md;
    md << "## goodput run: " << (all_passed() ? "✅ " : "❌ ") << m_done << " of " << m_plan.total_runs << " runs, "
       << m_done - m_not_passed.size() << " passed, " << failed << " failed, " << errors << " errors"
       << (interrupted ? " (interrupted)" : "") << "\n\n";
    if (m_plan.simulated) md << "> ⚠️ SIMULATED: every model is `goodput sim` (scripted answers, scheduled timings).\n\n";
    md << "| model | pass rate [95% CI] | errors | TTFT p50 | decode p50 | e2e p50 | s / correct |\n"
       << "|---|---:|---:|---:|---:|---:|---|\n";
    bool any_marked = false;
    for (const auto& model : *m_plan.models) {
      const auto it = m_stats.models().find(model.name);
      if (it == m_stats.models().end()) {
        md << "| " << markdown_cell(model.name) << " | no finished runs | | | | | |\n";
        continue;
      }
      const RunStats& s = it->second.all;
      std::string pass = std::to_string(s.passed) + "/" + std::to_string(s.judged());
      if (const auto rate = s.pass_rate()) pass += " " + detail::fixed(*rate * 100, 1) + "%";
      if (const auto ci = s.pass_rate_ci95()) pass += " [" + detail::fixed(ci->lo * 100, 1) + "–" + detail::fixed(ci->hi * 100, 1) + "]";
      // As the console marks them: a model none of whose text came token by token has its time
      // to first text and effective rate in these columns (README "Metrics").
      const bool marked = s.token_stream_runs == 0 && s.not_token_streamed() > 0;
      any_marked = any_marked || marked;
      const auto first = marked ? s.first_text_s.median() : s.ttft_s.median();
      const auto rate = marked ? s.effective_tps.median() : s.decode_tps.median();
      const char* mark = marked ? "†" : "";
      const SecondsPerCorrect per_correct = it->second.seconds_per_correct();
      md << "| " << markdown_cell(model.name) << " | " << pass << " | " << s.errors << " | " << format_seconds(first) << (first ? mark : "")
         << " | " << (rate ? detail::fixed(*rate, 1) + " tok/s" + mark : "—") << " | " << format_seconds(s.e2e_s.median()) << " | "
         << markdown_cell(detail::per_correct_text(per_correct, it->second.tasks_never_passed(), format_seconds(per_correct.seconds), "—"))
         << " |\n";
    }
    if (any_marked)
      md << "\n† text not streamed token by token (blocks or one body): time to first text instead of TTFT, and the effective "
            "rate (completion tokens / e2e) instead of decode.\n";
    write_task_verdicts(md);
    if (!m_not_passed.empty()) {
      md << "\n<details><summary>" << m_not_passed.size() << " runs did not pass</summary>\n\n";
      for (const auto& n : m_not_passed)
        md << "- `" << markdown_cell(n.name) << "` " << n.verdict << (n.why.empty() ? "" : ": " + markdown_cell(n.why)) << "\n";
      md << "\n</details>\n";
    }
    return md.str();
  }

  std::string m_path;
  bool m_append;
  const StatsCollector& m_stats;
  Plan m_plan;
  std::size_t m_done = 0;
  std::vector<NotPassed> m_not_passed;
};

}  // namespace

std::unique_ptr<Reporter> make_markdown_reporter(std::string path, bool append, const StatsCollector& stats) {
  return std::make_unique<MarkdownReporter>(std::move(path), append, stats);
}

}  // namespace goodput
