// SPDX-License-Identifier: MIT
#include "goodput/stats_json.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <vector>

#include "goodput/error.hpp"
#include "goodput/results_json.hpp"  // detail::optional_number, detail::member

namespace goodput {

using Json = nlohmann::json;

namespace {

using detail::member;
using detail::optional_number;

Json interval(const std::optional<Interval>& ci) {
  if (!ci) return nullptr;
  return Json::array({ci->lo, ci->hi});
}
// {p50, p90, p99, mean} of one metric.
Json distribution(const Samples& s) {
  return {{"p50", optional_number(s.percentile(50))},
          {"p90", optional_number(s.percentile(90))},
          {"p99", optional_number(s.percentile(99))},
          {"mean", optional_number(s.mean())}};
}
// {"1": …, "2": …} for each reported k.
template <typename F>
Json by_k(const std::vector<int>& ks, F value) {
  Json out = Json::object();
  for (int k : ks) out[std::to_string(k)] = optional_number(value(k));
  return out;
}
Json slo_limits(const Slo& slo) {
  return {{"ttft_s", optional_number(slo.ttft_s)},
          {"first_answer_s", optional_number(slo.first_answer_s)},
          {"e2e_s", optional_number(slo.e2e_s)}};
}

}  // namespace

Json slo_to_json(const std::optional<Slo>& slo) {
  if (!slo) return nullptr;
  return slo_limits(*slo);
}

std::optional<Slo> slo_from_json(const Json& slo, const std::string& path) {
  if (slo.is_null()) return std::nullopt;
  if (!slo.is_object()) throw ConfigError({path, 0, 0}, "slo", "must be an object or null");
  const auto limit = [&](const char* key) -> std::optional<double> {
    const Json& v = member(slo, key);
    if (v.is_null()) return std::nullopt;
    if (!v.is_number()) throw ConfigError({path, 0, 0}, "slo", std::string(key) + " must be a number or null");
    return v.get<double>();
  };
  Slo out;
  out.ttft_s = limit("ttft_s");
  out.first_answer_s = limit("first_answer_s");
  out.e2e_s = limit("e2e_s");
  return out;
}

Json to_json(const RunStats& s) {
  const auto ttc = s.time_to_correct_s();
  Json out = {
      {"runs", s.runs},
      {"passed", s.passed},
      {"failed", s.failed},
      {"errors", s.errors},
      {"truncated", s.truncated},
      {"pass_rate", optional_number(s.pass_rate())},
      {"ttft_p50_s", optional_number(s.ttft_s.median())},
      {"time_to_first_answer_p50_s", optional_number(s.first_answer_s.median())},
      {"decode_tps_p50", optional_number(s.decode_tps.median())},
      {"e2e_p50_s", optional_number(s.e2e_s.median())},
      {"e2e_mean_s", optional_number(s.e2e_s.mean())},
      {"completion_tokens_mean", optional_number(s.completion_tokens.mean())},
      {"completion_tokens_estimated", s.tokens_estimated},
      {"time_to_correct_s", optional_number(ttc)},
      {"never_passed", ttc.has_value() && std::isinf(*ttc)},
      {"retries", s.retries},
      {"server_figures_ignored_runs", s.runs_with_ignored_server_figures},
      {"server_ttft_p50_s", optional_number(s.server_ttft_s.median())},
      {"server_prompt_p50_s", optional_number(s.server_prompt_s.median())},
      {"server_decode_p50_s", optional_number(s.server_decode_s.median())},
      {"server_decode_tps_p50", optional_number(s.server_decode_tps.median())},
      {"server_load_p50_s", optional_number(s.server_load_s.median())},
      // Statistics (README "Statistics"): Wilson 95% interval of pass_rate; pass@k and
      // pass^k with the judged runs as the n samples (a model's entry overrides these with
      // the mean over its tasks); latency distributions over judged runs.
      {"judged", s.judged()},
      {"cut_before_answer", s.cut_before_answer},
      {"pass_rate_ci95", interval(s.pass_rate_ci95())},
      {"pass_at_k", by_k(reported_ks(s.judged()), [&](int k) { return s.pass_at_k(k); })},
      {"pass_hat_k", by_k(reported_ks(s.judged()), [&](int k) { return s.pass_hat_k(k); })},
      {"ttft", distribution(s.ttft_s)},
      {"first_answer", distribution(s.first_answer_s)},
      {"decode", distribution(s.decode_tps)},
      {"e2e", distribution(s.e2e_s)},
      {"passed_per_minute", optional_number(s.passed_per_minute())},
      // Judged runs by delivery shape (README "Metrics"): ttft and decode above are the token
      // streams'; runs whose text came in blocks or one piece have these instead.
      {"delivery",
       {{"token_stream_runs", s.token_stream_runs},
        {"block_stream_runs", s.block_stream_runs},
        {"single_body_runs", s.single_body_runs},
        {"first_text", distribution(s.first_text_s)},
        {"effective_rate", distribution(s.effective_tps)}}},
      // Runs (errors left out) by prompt-cache class, with TTFT and e2e of cold and warm apart.
      {"prompt_cache",
       {{"cold_runs", s.cold_runs},
        {"warm_runs", s.warm_runs},
        {"unknown_runs", s.unknown_cache_runs},
        {"cold", {{"ttft", distribution(s.cold_ttft_s)}, {"e2e", distribution(s.cold_e2e_s)}}},
        {"warm", {{"ttft", distribution(s.warm_ttft_s)}, {"e2e", distribution(s.warm_e2e_s)}}}}},
  };
  if (s.slo)
    out["goodput"] = {{"share", optional_number(s.goodput())},
                      {"ci95", interval(s.goodput_ci95())},
                      {"good", s.met_slo},
                      {"judged", s.judged()},
                      {"slo", slo_limits(*s.slo)}};
  return out;
}

Json to_json(const ModelStats& stats) {
  Json entry = to_json(stats.all);
  // Over tasks: the mean of the per-task estimators, for k up to every task's n.
  const std::vector<int> ks = stats.reported_ks();
  entry["pass_at_k"] = by_k(ks, [&](int k) { return stats.pass_at_k(k); });
  entry["pass_hat_k"] = by_k(ks, [&](int k) { return stats.pass_hat_k(k); });
  // One headline per model: the per-task figure, summed or pooled, would be a second one.
  entry.erase("time_to_correct_s");
  entry.erase("never_passed");
  with_seconds_per_correct(entry, stats.all.judged_time(), stats.tasks_never_passed());
  return entry;
}

void with_seconds_per_correct(Json& entry, const JudgedTime& time, int tasks_never_passed) {
  const SecondsPerCorrect per_correct = seconds_per_correct(time);
  entry["seconds_per_correct"] = optional_number(per_correct.seconds);
  entry["seconds_per_correct_missing"] = per_correct.seconds ? Json(nullptr) : Json(std::string(to_string(per_correct.missing)));
  entry["judged_time_s"] = time.total_s;
  entry["tasks_never_passed"] = tasks_never_passed;
}

Json to_json(const TaskModelVerdict& v) {
  return {{"verdict", std::string(to_string(v.verdict))}, {"min_pass_rate", v.min_pass_rate}, {"samples", v.samples},
          {"passed", v.passed}, {"judged", v.judged}, {"errors", v.errors}};
}

SummaryModelSource summary_source(const StatsCollector& stats, const std::vector<TaskSpec>& tasks, int repeat) {
  // Only the tasks judged over their samples are looked up: most evaluations have none.
  struct Judged {
    int samples;
    double min_pass_rate;
  };
  auto judged = std::make_shared<std::map<std::string, Judged>>();
  for (const auto& task : tasks)
    if (task.min_pass_rate) judged->emplace(task.id(), Judged{task.repeat * repeat, *task.min_pass_rate});
  auto model = stats.models().begin();
  return [&stats, judged, model](SummaryModel& out) mutable {
    if (model == stats.models().end()) return false;
    const auto& [name, model_stats] = *model++;
    out.name = name;
    out.figures = to_json(model_stats);
    auto task = model_stats.per_task.begin();
    const auto end = model_stats.per_task.end();
    out.tasks = [judged, task, end](std::string& id, Json& entry) mutable {
      if (task == end) return false;
      const auto& [task_id, runs] = *task++;
      id = task_id;
      entry = to_json(runs);
      if (const auto it = judged->find(task_id); it != judged->end())
        entry["task_verdict"] = to_json(task_model_verdict(runs, it->second.samples, it->second.min_pass_rate));
      return true;
    };
    return true;
  };
}

Json summary_to_json(const StatsCollector& stats, const std::vector<TaskSpec>& tasks, int repeat) {
  Json summary = Json::object();
  const SummaryModelSource next = summary_source(stats, tasks, repeat);
  for (SummaryModel model; next(model);) {
    Json& entry = summary[model.name] = std::move(model.figures);
    Json& per_task = entry["tasks"] = Json::object();
    std::string id;
    for (Json figures; model.tasks(id, figures);) per_task[id] = std::move(figures);
  }
  return summary;
}

}  // namespace goodput
