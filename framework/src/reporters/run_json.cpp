// SPDX-License-Identifier: MIT
#include <cmath>

#include "goodput/reporters.hpp"

namespace goodput {

namespace {
nlohmann::json optional_number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}
nlohmann::json optional_count(std::optional<std::int64_t> v) {
  if (!v) return nullptr;
  return *v;
}
// Every ask() of a C++ task case; the last one is also the run's own completion.
nlohmann::json turns_to_json(const std::vector<Turn>& turns) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& turn : turns) {
    const Completion& c = turn.completion;
    nlohmann::json error = nullptr;
    if (!c.ok()) error = {{"kind", std::string(to_string(c.error.kind))}, {"message", c.error.message}};
    out.push_back({{"conversation", turn.conversation},
                   {"messages", turn.messages},
                   {"where", turn.where.str()},
                   {"prompt", turn.prompt},
                   {"answer", c.answer},
                   {"stop_reason", std::string(to_string(c.stop_reason))},
                   {"prompt_tokens", optional_count(c.tokens.prompt)},
                   {"completion_tokens", optional_count(c.tokens.completion)},
                   {"e2e_s", optional_number(c.metrics.e2e_s)},
                   {"error", std::move(error)}});
  }
  return out;
}
nlohmann::json interval(const std::optional<Interval>& ci) {
  if (!ci) return nullptr;
  return nlohmann::json::array({ci->lo, ci->hi});
}
// {p50, p90, p99, mean} of one metric.
nlohmann::json distribution(const Samples& s) {
  return {{"p50", optional_number(s.percentile(50))},
          {"p90", optional_number(s.percentile(90))},
          {"p99", optional_number(s.percentile(99))},
          {"mean", optional_number(s.mean())}};
}
// {"1": …, "2": …} for each reported k.
template <typename F>
nlohmann::json by_k(const std::vector<int>& ks, F value) {
  nlohmann::json out = nlohmann::json::object();
  for (int k : ks) out[std::to_string(k)] = optional_number(value(k));
  return out;
}
nlohmann::json slo_limits(const Slo& slo) {
  return {{"ttft_s", optional_number(slo.ttft_s)},
          {"first_answer_s", optional_number(slo.first_answer_s)},
          {"e2e_s", optional_number(slo.e2e_s)}};
}
}  // namespace

nlohmann::json slo_to_json(const std::optional<Slo>& slo) {
  if (!slo) return nullptr;
  return slo_limits(*slo);
}

nlohmann::json to_json(const RunRecord& run) {
  const Completion& c = run.completion;
  nlohmann::json checks = nlohmann::json::array();
  for (std::size_t i = 0; i < run.checks.size(); ++i) {
    const checkers::CheckResult& check = run.checks[i];
    nlohmann::json entry = {{"type", run.check_type(i)},
                            {"outcome", std::string(checkers::to_string(check.outcome))},
                            {"message", check.message}};
    if (!check.parts.empty()) {
      nlohmann::json parts = nlohmann::json::array();
      for (const auto& part : check.parts)
        parts.push_back({{"name", part.name}, {"outcome", std::string(checkers::to_string(part.outcome))}, {"message", part.message}});
      entry["parts"] = std::move(parts);
    }
    if (!check.facts.empty()) entry["facts"] = check.facts;
    checks.push_back(std::move(entry));
  }
  nlohmann::json error = nullptr;
  if (!c.ok())
    error = {{"kind", std::string(to_string(c.error.kind))}, {"message", c.error.message}, {"http_status", c.error.http_status}};
  nlohmann::json server = {{"model", c.server_model}, {"system_fingerprint", c.system_fingerprint}, {"response_id", c.response_id}};
  if (!c.server_timings.empty()) {
    server["timings_source"] = c.server_timings_source;
    server["timings"] = c.server_timings;
  }
  // The server's own figures in seconds and tokens/s, beside the client's (never replacing them).
  server["figures"] = {{"load_s", optional_number(c.server.load_s)},
                       {"prompt_s", optional_number(c.server.prompt_s)},
                       {"ttft_s", optional_number(c.server.ttft_s)},
                       {"decode_s", optional_number(c.server.decode_s)},
                       {"decode_tps", optional_number(c.server.decode_tps)},
                       {"total_s", optional_number(c.server.total_s)},
                       {"prompt_tokens", optional_count(c.server.prompt_tokens)},
                       {"completion_tokens", optional_count(c.server.completion_tokens)},
                       {"cached_tokens", optional_count(c.server.cached_tokens)}};
  nlohmann::json retries = nlohmann::json::array();
  for (const auto& r : c.retries) retries.push_back({{"after_s", r.after_s}, {"error", r.error}});
  nlohmann::json out = {
      {"model", run.model->name},
      {"task", run.task->id()},
      {"sample", run.sample},
      {"started_at", run.started_at},
      {"simulated", run.model->simulated},
      {"verdict", std::string(to_string(run.verdict))},
      {"checks", std::move(checks)},
      {"error", std::move(error)},
      {"client",
       {{"ttft_s", optional_number(c.metrics.ttft_s)},
        {"time_to_first_answer_s", optional_number(c.metrics.time_to_first_answer_s)},
        {"e2e_s", optional_number(c.metrics.e2e_s)},
        {"decode_tps", optional_number(c.metrics.decode_tps)},
        {"stream_end_s", c.times.end},
        {"token_chunks", c.times.token_chunks},
        {"reasoning_chunks", c.times.reasoning_chunks}}},
      {"tokens",
       {{"prompt", optional_count(c.tokens.prompt)},
        {"completion", optional_count(c.tokens.completion)},
        {"reasoning", optional_count(c.tokens.reasoning)},
        {"completion_estimated", c.tokens.completion_estimated},
        {"reasoning_estimated", c.tokens.reasoning_estimated}}},
      {"stop_reason", std::string(to_string(c.stop_reason))},
      {"server_stop_reason", c.server_stop_reason},
      {"server", std::move(server)},
      {"request_params", merged_params(*run.task, *run.model)},
      {"answer", c.answer},
      {"reasoning", c.reasoning},
      {"retries", std::move(retries)},
      {"fingerprint", run.fingerprint},
  };
  if (!run.turns.empty()) out["turns"] = turns_to_json(run.turns);  // C++ task cases only
  return out;
}

nlohmann::json to_json(const RunStats& s) {
  const auto ttc = s.time_to_correct_s();
  nlohmann::json out = {
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
  };
  if (s.slo)
    out["goodput"] = {{"share", optional_number(s.goodput())},
                      {"ci95", interval(s.goodput_ci95())},
                      {"good", s.met_slo},
                      {"judged", s.judged()},
                      {"slo", slo_limits(*s.slo)}};
  return out;
}

nlohmann::json to_json(const ModelStats& stats) {
  nlohmann::json entry = to_json(stats.all);
  // Over tasks: the mean of the per-task estimators, for k up to every task's n.
  const std::vector<int> ks = stats.reported_ks();
  entry["pass_at_k"] = by_k(ks, [&](int k) { return stats.pass_at_k(k); });
  entry["pass_hat_k"] = by_k(ks, [&](int k) { return stats.pass_hat_k(k); });
  entry["suite_time_to_correct_s"] = optional_number(stats.suite_time_to_correct_s());
  entry["tasks_never_passed"] = stats.tasks_never_passed();
  return entry;
}

nlohmann::json summary_to_json(const StatsCollector& collector) {
  nlohmann::json summary = nlohmann::json::object();
  for (const auto& [name, stats] : collector.models()) {
    nlohmann::json entry = to_json(stats);
    nlohmann::json per_task = nlohmann::json::object();
    for (const auto& [id, s] : stats.per_task) per_task[id] = to_json(s);
    entry["tasks"] = std::move(per_task);
    summary[name] = std::move(entry);
  }
  return summary;
}

}  // namespace goodput
