// SPDX-License-Identifier: MIT
#include "goodput/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace goodput {

Samples& Samples::operator=(const Samples& other) {
  if (this == &other) return *this;
  m_one = other.m_one;
  m_has_one = other.m_has_one;
  m_many = other.m_many ? std::make_unique<std::vector<double>>(*other.m_many) : nullptr;
  return *this;
}

void Samples::add(std::optional<double> value) {
  if (!value) return;
  if (m_many) {
    m_many->push_back(*value);
  } else if (!m_has_one) {
    m_one = *value;
    m_has_one = true;
  } else {
    m_many = std::make_unique<std::vector<double>>(std::vector<double>{m_one, *value});
  }
}

std::vector<double> Samples::values() const {
  if (m_many) return *m_many;
  return m_has_one ? std::vector<double>{m_one} : std::vector<double>{};
}

std::optional<double> Samples::mean() const {
  if (size() == 0) return std::nullopt;
  return sum() / static_cast<double>(size());
}

double Samples::sum() const {
  if (m_many) return std::accumulate(m_many->begin(), m_many->end(), 0.0);
  return m_has_one ? m_one : 0.0;
}

void RunStats::add(const RunFigures& run) {
  ++runs;
  retries += run.retries;
  if (!run.ignored_server_figures.empty()) ++runs_with_ignored_server_figures;
  for (const auto& f : run.ignored_server_figures) ++ignored_server_figures[f.field + " " + f.why];
  switch (run.verdict) {
    case Verdict::pass:
      ++passed;
      if (slo && meets_slo(*slo, run.metrics)) ++met_slo;
      break;
    case Verdict::fail: ++failed; break;
    case Verdict::error: ++errors; return;  // an error's timings say nothing about the model
    case Verdict::truncated: ++cut_before_answer; break;
  }
  if (run.truncated) ++truncated;
  switch (run.metrics.delivery) {
    case Delivery::token_stream:
      ++token_stream_runs;
      ttft_s.add(run.metrics.ttft_s);
      break;
    case Delivery::block_stream:
    case Delivery::single_body:
      ++(run.metrics.delivery == Delivery::block_stream ? block_stream_runs : single_body_runs);
      first_text_s.add(run.metrics.ttft_s);
      break;
    case Delivery::unknown: ttft_s.add(run.metrics.ttft_s); break;  // no text: no TTFT in it
  }
  effective_tps.add(run.metrics.effective_tps);
  first_answer_s.add(run.metrics.time_to_first_answer_s);
  e2e_s.add(run.metrics.e2e_s);
  wait_s.add(run.wait_s);
  decode_tps.add(run.metrics.decode_tps);
  if (run.completion_tokens) completion_tokens.add(static_cast<double>(*run.completion_tokens));
  tokens_estimated = tokens_estimated || run.tokens_estimated;
  server_ttft_s.add(run.server.ttft_s);
  server_prompt_s.add(run.server.prompt_s);
  server_decode_s.add(run.server.decode_s);
  server_decode_tps.add(run.server.decode_tps);
  server_load_s.add(run.server.load_s);
  switch (run.prompt_cache) {
    case PromptCacheClass::cold:
      ++cold_runs;
      cold_ttft_s.add(run.metrics.ttft_s);
      cold_e2e_s.add(run.metrics.e2e_s);
      break;
    case PromptCacheClass::warm:
      ++warm_runs;
      warm_ttft_s.add(run.metrics.ttft_s);
      warm_e2e_s.add(run.metrics.e2e_s);
      break;
    case PromptCacheClass::unknown: ++unknown_cache_runs; break;
  }
}

std::optional<double> RunStats::pass_rate() const {
  if (judged() == 0) return std::nullopt;
  return static_cast<double>(passed) / judged();
}

std::optional<double> RunStats::time_to_correct_s() const {
  const auto p = pass_rate();
  if (!p) return std::nullopt;
  // Retrying never yields a correct answer, however long each attempt takes.
  if (*p == 0) return std::numeric_limits<double>::infinity();
  const auto latency = e2e_s.mean();
  if (!latency) return std::nullopt;
  return *latency / *p;
}

std::optional<Interval> RunStats::pass_rate_ci95() const {
  if (judged() == 0) return std::nullopt;
  return wilson_interval(passed, judged());
}

std::optional<double> RunStats::pass_at_k(int k) const {
  if (k < 1 || k > judged()) return std::nullopt;
  return goodput::pass_at_k(judged(), passed, k);
}

std::optional<double> RunStats::pass_hat_k(int k) const {
  if (k < 1 || k > judged()) return std::nullopt;
  return goodput::pass_hat_k(judged(), passed, k);
}

std::optional<double> RunStats::goodput() const {
  if (!slo || judged() == 0) return std::nullopt;
  return static_cast<double>(met_slo) / judged();
}

std::optional<Interval> RunStats::goodput_ci95() const {
  if (!slo || judged() == 0) return std::nullopt;
  return wilson_interval(met_slo, judged());
}

JudgedTime RunStats::judged_time() const { return {judged(), passed, static_cast<int>(wait_s.size()), wait_s.sum()}; }

JudgedTime judged_time(const std::vector<const RunStats*>& tasks) {
  JudgedTime total;
  for (const RunStats* stats : tasks) total += stats->judged_time();
  return total;
}

int tasks_never_passed(const std::vector<const RunStats*>& tasks) {
  return static_cast<int>(
      std::count_if(tasks.begin(), tasks.end(), [](const RunStats* stats) { return stats->judged() > 0 && stats->passed == 0; }));
}

int ModelStats::tasks_never_passed() const {
  std::vector<const RunStats*> tasks;
  for (const auto& [id, stats] : per_task) tasks.push_back(&stats);
  return goodput::tasks_never_passed(tasks);
}

namespace {
// The mean over tasks with a judged run of `per_task_value`, only when every one has it.
template <typename F>
std::optional<double> mean_over_tasks(const std::map<std::string, RunStats>& per_task, F per_task_value) {
  double total = 0;
  int tasks = 0;
  for (const auto& [id, stats] : per_task) {
    if (stats.judged() == 0) continue;  // only errors: no evidence either way
    const auto v = per_task_value(stats);
    if (!v) return std::nullopt;
    total += *v;
    ++tasks;
  }
  if (tasks == 0) return std::nullopt;
  return total / tasks;
}
}  // namespace

std::optional<double> ModelStats::pass_at_k(int k) const {
  return mean_over_tasks(per_task, [k](const RunStats& s) { return s.pass_at_k(k); });
}

std::optional<double> ModelStats::pass_hat_k(int k) const {
  return mean_over_tasks(per_task, [k](const RunStats& s) { return s.pass_hat_k(k); });
}

std::vector<int> ModelStats::reported_ks() const {
  int smallest = -1;
  for (const auto& [id, stats] : per_task)
    if (stats.judged() > 0 && (smallest < 0 || stats.judged() < smallest)) smallest = stats.judged();
  return smallest < 0 ? std::vector<int>{} : goodput::reported_ks(smallest);
}

TaskModelVerdict task_model_verdict(const RunStats& runs, int samples, double min_pass_rate) {
  TaskModelVerdict v;
  v.samples = std::max(samples, runs.runs);
  v.passed = runs.passed;
  v.judged = runs.judged();
  v.errors = v.samples - v.judged;
  v.min_pass_rate = min_pass_rate;
  // Counts compared with the share times the samples, with room for the share's rounding
  // (0.7 x 10 is 7.000000000000001 in binary), so 7 of 10 meets 0.7.
  const double needed = min_pass_rate * v.samples - 1e-9;
  if (v.passed >= needed)
    v.verdict = Verdict::pass;
  else if (v.passed + v.errors < needed)
    v.verdict = Verdict::fail;
  else
    v.verdict = Verdict::error;
  return v;
}

std::string to_string(const TaskModelVerdict& v) {
  char percent[16];
  std::snprintf(percent, sizeof percent, "%g%%", v.min_pass_rate * 100);
  std::string out = std::to_string(v.passed) + "/" + std::to_string(v.samples);
  if (v.verdict == Verdict::error)
    return out + " with " + std::to_string(v.errors) + (v.errors == 1 ? " error" : " errors") + ": undecided at " + percent;
  out += v.verdict == Verdict::pass ? " ≥ " : " < ";
  out += percent;
  if (v.errors > 0) out += " (" + std::to_string(v.errors) + (v.errors == 1 ? " error)" : " errors)");
  return out;
}

void StatsCollector::add(const std::string& model_name, const std::string& task_id, const RunFigures& run) {
  auto [it, inserted] = m_models.try_emplace(model_name);
  ModelStats& model = it->second;
  if (inserted) model.all.slo = m_slo;
  auto [task_it, task_inserted] = model.per_task.try_emplace(task_id);
  if (task_inserted) task_it->second.slo = m_slo;
  model.all.add(run);
  task_it->second.add(run);
}

}  // namespace goodput

namespace goodput {

std::optional<TaskModelVerdict> StatsCollector::task_model_verdict(const std::string& model, const TaskSpec& task, int repeat) const {
  if (!task.min_pass_rate) return std::nullopt;
  const auto m = m_models.find(model);
  if (m == m_models.end()) return std::nullopt;
  const auto t = m->second.per_task.find(task.id());
  if (t == m->second.per_task.end()) return std::nullopt;
  return goodput::task_model_verdict(t->second, task.repeat * repeat, *task.min_pass_rate);
}

}  // namespace goodput
