// SPDX-License-Identifier: MIT
#include "goodput/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace goodput {

std::optional<double> Samples::percentile(double p) const {
  if (m_values.empty()) return std::nullopt;
  std::vector<double> sorted = m_values;
  std::sort(sorted.begin(), sorted.end());
  const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - static_cast<double>(lo));
}

std::optional<double> Samples::mean() const {
  if (m_values.empty()) return std::nullopt;
  return std::accumulate(m_values.begin(), m_values.end(), 0.0) / static_cast<double>(m_values.size());
}

RunFigures figures_of(const RunRecord& run) {
  const Completion& c = run.completion;
  RunFigures figures;
  figures.verdict = run.verdict;
  figures.truncated = c.stop_reason == StopReason::length;
  figures.metrics = c.metrics;
  figures.completion_tokens = c.tokens.completion;
  figures.tokens_estimated = c.tokens.completion_estimated;
  figures.server = c.server;
  figures.retries = static_cast<int>(c.retries.size());
  return figures;
}

void RunStats::add(const RunFigures& run) {
  ++runs;
  retries += run.retries;
  switch (run.verdict) {
    case Verdict::pass: ++passed; break;
    case Verdict::fail: ++failed; break;
    case Verdict::error: ++errors; return;  // an error's timings say nothing about the model
    case Verdict::truncated: ++cut_before_answer; break;
  }
  if (run.truncated) ++truncated;
  ttft_s.add(run.metrics.ttft_s);
  first_answer_s.add(run.metrics.time_to_first_answer_s);
  e2e_s.add(run.metrics.e2e_s);
  decode_tps.add(run.metrics.decode_tps);
  if (run.completion_tokens) completion_tokens.add(static_cast<double>(*run.completion_tokens));
  tokens_estimated = tokens_estimated || run.tokens_estimated;
  server_ttft_s.add(run.server.ttft_s);
  server_prompt_s.add(run.server.prompt_s);
  server_decode_s.add(run.server.decode_s);
  server_decode_tps.add(run.server.decode_tps);
  server_load_s.add(run.server.load_s);
}

std::optional<double> RunStats::pass_rate() const {
  if (judged() == 0) return std::nullopt;
  return static_cast<double>(passed) / judged();
}

std::optional<double> RunStats::time_to_correct_s() const {
  const auto p = pass_rate();
  const auto latency = e2e_s.mean();
  if (!p || !latency) return std::nullopt;
  if (*p == 0) return std::numeric_limits<double>::infinity();
  return *latency / *p;
}

std::optional<double> ModelStats::suite_time_to_correct_s() const {
  double total = 0;
  bool any = false;
  for (const auto& [id, stats] : per_task) {
    const auto t = stats.time_to_correct_s();
    if (!t) continue;  // only errors so far: no evidence either way
    total += *t;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

int ModelStats::tasks_never_passed() const {
  return static_cast<int>(std::count_if(per_task.begin(), per_task.end(), [](const auto& entry) {
    return entry.second.judged() > 0 && entry.second.passed == 0;
  }));
}

void StatsCollector::on_run_end(const RunRecord& run) { add(run.model->name, run.task->id(), figures_of(run)); }

void StatsCollector::add(const std::string& model_name, const std::string& task_id, const RunFigures& run) {
  ModelStats& model = m_models[model_name];
  model.all.add(run);
  model.per_task[task_id].add(run);
}

}  // namespace goodput
