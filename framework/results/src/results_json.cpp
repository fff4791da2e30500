// SPDX-License-Identifier: MIT
#include "goodput/results_json.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "goodput/error.hpp"
#include "goodput/journal_file.hpp"
#include "goodput/json_text.hpp"

namespace goodput {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace detail {

Json optional_number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

const Json& member(const Json& object, const char* key) {
  static const Json k_null;
  if (!object.is_object()) return k_null;
  const auto it = object.find(key);
  return it == object.end() ? k_null : *it;
}

}  // namespace detail

namespace {

using detail::member;
using detail::optional_number;

// ---- writing: nulls for what was not measured ----

Json optional_count(std::optional<std::int64_t> v) {
  if (!v) return nullptr;
  return *v;
}

// ---- reading: lenient, since results files are also written by hand ----

std::optional<double> number(const Json& object, const char* key) {
  const Json& v = member(object, key);
  if (!v.is_number()) return std::nullopt;
  return v.get<double>();
}
std::optional<std::int64_t> count(const Json& object, const char* key) {
  const Json& v = member(object, key);
  if (!v.is_number_integer()) return std::nullopt;
  return v.get<std::int64_t>();
}
std::string text(const Json& object, const char* key, const std::string& fallback = "") {
  const Json& v = member(object, key);
  return v.is_string() ? v.get<std::string>() : fallback;
}
bool flag(const Json& object, const char* key) { return member(object, key) == true; }

// The enum whose to_string is `word`, among the values 0..last; `fallback` for any other word.
template <typename Enum>
Enum enum_from(const std::string& word, Enum last, Enum fallback) {
  for (int i = 0; i <= static_cast<int>(last); ++i)
    if (to_string(static_cast<Enum>(i)) == word) return static_cast<Enum>(i);
  return fallback;
}

// ---- fields: each listed once with its name in the files, for the writer and the reader ----

template <typename Struct, typename Value>
using Field = std::pair<const char*, Value Struct::*>;

const Field<ServerFigures, std::optional<double>> k_server_seconds[] = {
    {"load_s", &ServerFigures::load_s},     {"prompt_s", &ServerFigures::prompt_s},
    {"ttft_s", &ServerFigures::ttft_s},     {"decode_s", &ServerFigures::decode_s},
    {"decode_tps", &ServerFigures::decode_tps}, {"total_s", &ServerFigures::total_s}};
const Field<ServerFigures, std::optional<std::int64_t>> k_server_counts[] = {{"prompt_tokens", &ServerFigures::prompt_tokens},
                                                                             {"completion_tokens", &ServerFigures::completion_tokens},
                                                                             {"cached_tokens", &ServerFigures::cached_tokens}};
const Field<TokenCounts, std::optional<std::int64_t>> k_token_counts[] = {
    {"prompt", &TokenCounts::prompt}, {"completion", &TokenCounts::completion}, {"reasoning", &TokenCounts::reasoning}};
const Field<TokenCounts, bool> k_token_flags[] = {{"completion_estimated", &TokenCounts::completion_estimated},
                                                  {"reasoning_estimated", &TokenCounts::reasoning_estimated}};
// The client block: the metrics as measured (metrics.cpp), and the stream's counts.
const Field<Metrics, std::optional<double>> k_client_metrics[] = {{"ttft_s", &Metrics::ttft_s},
                                                                  {"time_to_first_answer_s", &Metrics::time_to_first_answer_s},
                                                                  {"e2e_s", &Metrics::e2e_s},
                                                                  {"decode_tps", &Metrics::decode_tps},
                                                                  {"effective_tps", &Metrics::effective_tps}};
const Field<StreamTimes, std::int64_t> k_client_chunks[] = {{"token_chunks", &StreamTimes::token_chunks},
                                                            {"reasoning_chunks", &StreamTimes::reasoning_chunks},
                                                            {"text_bytes", &StreamTimes::text_bytes},
                                                            {"text_arrivals", &StreamTimes::text_arrivals}};

const Field<ModelSpec, std::string> k_model_texts[] = {
    {"base_url", &ModelSpec::base_url}, {"dialect", &ModelSpec::dialect}, {"model", &ModelSpec::model}, {"api_key_env", &ModelSpec::api_key_env}};
const Field<TimeoutSettings, double> k_timeouts[] = {
    {"connect_s", &TimeoutSettings::connect_s}, {"request_s", &TimeoutSettings::request_s}, {"stall_s", &TimeoutSettings::stall_s}};

Json value_json(const std::optional<double>& v) { return optional_number(v); }
Json value_json(const std::optional<std::int64_t>& v) { return optional_count(v); }
Json value_json(bool v) { return v; }
Json value_json(std::int64_t v) { return v; }
Json value_json(double v) { return v; }
Json value_json(const std::string& v) { return v; }

// Absent, or of another type: an optional is left empty and a flag false (as the writer says
// "not measured"); a number or a text keeps the value it had (the default).
void read_value(const Json& object, const char* key, std::optional<double>& out) { out = number(object, key); }
void read_value(const Json& object, const char* key, std::optional<std::int64_t>& out) { out = count(object, key); }
void read_value(const Json& object, const char* key, bool& out) { out = flag(object, key); }
void read_value(const Json& object, const char* key, std::int64_t& out) { out = count(object, key).value_or(out); }
void read_value(const Json& object, const char* key, double& out) { out = number(object, key).value_or(out); }
void read_value(const Json& object, const char* key, std::string& out) { out = text(object, key, out); }

template <typename Struct, typename Value, std::size_t N>
void write_fields(Json& out, const Struct& s, const Field<Struct, Value> (&fields)[N]) {
  for (const auto& [key, field] : fields) out[key] = value_json(s.*field);
}
template <typename Struct, typename Value, std::size_t N>
void read_fields(const Json& in, Struct& s, const Field<Struct, Value> (&fields)[N]) {
  for (const auto& [key, field] : fields) read_value(in, key, s.*field);
}

// ---- a completion's parts, written ----

Json error_to_json(const TransportError& error) {
  return {{"kind", std::string(to_string(error.kind))}, {"message", error.message}, {"http_status", error.http_status}};
}

Json client_to_json(const Completion& c) {
  Json client = Json::object();
  write_fields(client, c.metrics, k_client_metrics);
  client["delivery"] = std::string(to_string(c.metrics.delivery));
  client["stream_end_s"] = c.times.end;
  write_fields(client, c.times, k_client_chunks);
  return client;
}

Json tokens_to_json(const TokenCounts& t) {
  Json tokens = Json::object();
  write_fields(tokens, t, k_token_counts);
  write_fields(tokens, t, k_token_flags);
  return tokens;
}

// The server's own figures in seconds and tokens/s, beside the client's (never replacing them).
Json server_figures_to_json(const ServerFigures& s) {
  Json figures = Json::object();
  write_fields(figures, s, k_server_seconds);
  write_fields(figures, s, k_server_counts);
  return figures;
}

Json server_to_json(const Completion& c) {
  Json server = {{"model", c.server_model}, {"system_fingerprint", c.system_fingerprint}, {"response_id", c.response_id}};
  if (!c.server_timings.empty()) {
    server["timings_source"] = c.server_timings_source;
    server["timings"] = c.server_timings;
  }
  server["figures"] = server_figures_to_json(c.server);
  return server;
}

// ---- a completion's parts, read back ----

void client_from_json(const Json& client, Completion& c) {
  read_fields(client, c.metrics, k_client_metrics);  // as written: the figures the run was measured with
  // The times they were computed from (metrics.cpp).
  c.times.first_token = c.metrics.ttft_s;
  c.times.first_answer_token = c.metrics.time_to_first_answer_s;
  c.times.last_token = c.metrics.e2e_s;
  c.times.end = number(client, "stream_end_s").value_or(0.0);
  read_fields(client, c.times, k_client_chunks);
  read_value(client, "answer_chunks", c.times.answer_chunks);  // CompletionDetail::replayable
}

TokenCounts tokens_from_json(const Json& t) {
  TokenCounts tokens;
  read_fields(t, tokens, k_token_counts);
  read_fields(t, tokens, k_token_flags);
  return tokens;
}

ServerFigures server_figures_from_json(const Json& s) {
  ServerFigures figures;
  read_fields(s, figures, k_server_seconds);
  read_fields(s, figures, k_server_counts);
  return figures;
}

void server_from_json(const Json& server, Completion& c) {
  c.server_model = text(server, "model");
  c.system_fingerprint = text(server, "system_fingerprint");
  c.response_id = text(server, "response_id");
  c.server_timings_source = text(server, "timings_source");
  for (const auto& [name, value] : member(server, "timings").items())
    if (value.is_number()) c.server_timings[name] = value.get<double>();
  c.server = server_figures_from_json(member(server, "figures"));
  c.server_version = text(server, "version");
  for (const auto& [name, value] : member(server, "model_info").items())
    if (value.is_string()) c.server_model_info[name] = value.get<std::string>();
}

TransportError error_from_json(const Json& error) {
  TransportError out;
  if (!error.is_object()) return out;
  out.kind = enum_from(text(error, "kind", "none"), ErrorKind::bad_response, ErrorKind::bad_response);
  out.message = text(error, "message");
  out.http_status = static_cast<long>(count(error, "http_status").value_or(0));
  return out;
}

std::vector<RetryNote> retries_from_json(const Json& retries) {
  std::vector<RetryNote> out;
  if (!retries.is_array()) return out;
  for (const auto& r : retries) out.push_back({number(r, "after_s").value_or(0.0), text(r, "error")});
  return out;
}

// A completion as schema 1 recordings stored it ("times" and a flat "server"), before
// recordings used the one shape. Kept so that old recordings still replay.
Completion completion_from_recording_v1(const Json& j) {
  Completion c;
  c.answer = j.at("answer").get<std::string>();
  c.reasoning = text(j, "reasoning");
  c.stop_reason = enum_from(text(j, "stop_reason", "none"), StopReason::other, StopReason::other);
  c.server_stop_reason = text(j, "server_stop_reason");
  const Json& t = j.at("times");
  c.times.first_token = number(t, "first_token");
  c.times.first_answer_token = number(t, "first_answer_token");
  c.times.last_token = number(t, "last_token");
  c.times.end = number(t, "end").value_or(0.0);
  c.times.token_chunks = count(t, "token_chunks").value_or(0);
  c.times.answer_chunks = count(t, "answer_chunks").value_or(0);
  c.times.reasoning_chunks = count(t, "reasoning_chunks").value_or(0);
  c.tokens = tokens_from_json(j.at("tokens"));
  c.server_timings = j.value("server_timings", std::map<std::string, double>{});
  c.server_timings_source = text(j, "server_timings_source");
  c.server = server_figures_from_json(member(j, "server"));
  c.server_version = text(j, "server_version");
  c.server_model_info = j.value("server_model_info", std::map<std::string, std::string>{});
  c.server_model = text(j, "server_model");
  c.system_fingerprint = text(j, "system_fingerprint");
  c.response_id = text(j, "response_id");
  c.error = error_from_json(member(j, "error"));
  c.retries = retries_from_json(member(j, "retries"));
  finalise_metrics(c);  // schema 1 kept the times, not the metrics
  return c;
}

// ---- a run's parts ----

Json checks_to_json(const RunRecord& run) {
  Json checks = Json::array();
  for (std::size_t i = 0; i < run.checks.size(); ++i) {
    const checkers::CheckResult& check = run.checks[i];
    Json entry = {{"type", run.check_type(i)}, {"outcome", std::string(checkers::to_string(check.outcome))}, {"message", check.message}};
    if (!check.parts.empty()) {
      Json parts = Json::array();
      for (const auto& part : check.parts)
        parts.push_back({{"name", part.name}, {"outcome", std::string(checkers::to_string(part.outcome))}, {"message", part.message}});
      entry["parts"] = std::move(parts);
    }
    if (!check.facts.empty()) entry["facts"] = check.facts;
    if (run.score && i < run.task->assertions.size()) entry["weight"] = run.task->assertions[i].weight;
    checks.push_back(std::move(entry));
  }
  return checks;
}

// Every ask() of a C++ task case, in brief; the last one is also the run's own completion,
// and a recording keeps each in full (recording_line).
Json turns_to_json(const std::vector<Turn>& turns) {
  Json out = Json::array();
  for (const auto& turn : turns) {
    const Completion& c = turn.completion;
    Json error = nullptr;
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
                   {"prompt_cache", std::string(to_string(prompt_cache_of(c)))},
                   {"error", std::move(error)}});
  }
  return out;
}

// ---- models (results.json's "models", a recording's meta.json) ----

ModelSpec model_from_json(const Json& j) {
  ModelSpec m;
  m.name = j.at("name").get<std::string>();
  read_fields(j, m, k_model_texts);
  m.params = j.value("params", Json::object());
  m.extra_body = j.value("extra_body", Json::object());
  m.concurrency = j.value("concurrency", 1);
  read_fields(member(j, "timeouts"), m.timeouts, k_timeouts);
  m.simulated = flag(j, "simulated");
  m.reasoning_effort = text(j, "reasoning_effort");
  m.system_role = text(j, "system_role", m.system_role);
  m.prompt_cache_cold = text(j, "prompt_cache", "cold") != "as-is";
  m.warmup = flag(j, "warmup");  // schema 1 recordings; results.json's "warmup" is the warm-up's result
  const Json& retry = member(j, "retry");
  m.retry_attempts = static_cast<int>(count(retry, "attempts").value_or(j.value("retry_attempts", m.retry_attempts)));
  m.retry_max_wait_s = number(retry, "max_wait_s").value_or(j.value("retry_max_wait_s", m.retry_max_wait_s));
  return m;
}

// ---- recordings ----

std::optional<int> recording_schema_version(const std::string& schema) {
  if (schema == k_recording_schema) return 2;
  if (schema == "goodput.recording/1") return 1;
  return std::nullopt;
}

Json read_json_file(const fs::path& path) {
  std::ifstream in(path);
  return Json::parse(in);
}

struct RecordingMeta {
  int schema = 0;  // 1 or 2
  std::vector<ModelSpec> models;
};

RecordingMeta read_recording_meta(const std::string& dir, const fs::path& meta_path) {
  RecordingMeta out;
  try {
    const Json meta = read_json_file(meta_path);
    const auto version = recording_schema_version(text(meta, "schema"));
    if (!version)
      throw ConfigError({meta_path.string(), 0, 0}, "schema",
                        "not a goodput recording (expected schema '" + std::string(k_recording_schema) +
                            "', or 'goodput.recording/1' of earlier versions)");
    out.schema = *version;
    for (const auto& m : meta.at("models")) {
      ModelSpec model = model_from_json(m);
      model.base_url = "replay:" + dir;  // no server: nothing may be asked over the network
      model.warmup = false;
      model.replay_cache_prompt_off = flag(m, "cache_prompt_off");
      model.where = {meta_path.string(), 0, 0};
      out.models.push_back(std::move(model));
    }
  } catch (const Json::exception& e) {
    throw ConfigError({meta_path.string(), 0, 0}, "", std::string("cannot read the recording's meta.json: ") + e.what());
  }
  return out;
}

std::pair<RunKey, std::vector<RecordedTurn>> recorded_run(const Json& line, int schema) {
  std::vector<RecordedTurn> turns;
  for (const auto& t : line.at("turns")) {
    const Json& completion = t.at("completion");
    turns.push_back({text(t, "system"), text(t, "prompt"),
                     schema == 1 ? completion_from_recording_v1(completion) : completion_from_json(completion)});
  }
  return {{line.at("model").get<std::string>(), line.at("task").get<std::string>(), line.at("sample").get<std::int64_t>()},
          std::move(turns)};
}

}  // namespace

// ---- results.json's layout: nlohmann's dump(2), written a piece at a time ----

namespace results_layout {

using detail::write_json_text;
using Container = detail::JsonTextContainer;

// A member whose value is written by `write`, at the depth it is given, rather than held.
struct StreamedMember {
  std::string key;
  std::function<void(int depth)> write;
};

// `fixed`'s members, and `streamed`'s (in key order) each in its key's place among them, as
// nlohmann orders an object's keys.
void write_members(std::ostream& out, Container& object, const Json& fixed, const std::vector<StreamedMember>& streamed) {
  auto next = streamed.begin();
  for (auto it = fixed.begin(); it != fixed.end(); ++it) {
    for (; next != streamed.end() && next->key < it.key(); ++next) next->write(object.member(next->key));
    write_json_text(out, *it, object.member(it.key()));
  }
  for (; next != streamed.end(); ++next) next->write(object.member(next->key));
}

void write_object_members(std::ostream& out, const MemberSource& next, int depth) {
  Container object(out, depth, true);
  std::string key;
  Json value;
  while (next && next(key, value)) {
    write_json_text(out, value, object.member(key));
    value = nullptr;  // let go before the next one is built
  }
  object.close();
}

void write_summary(std::ostream& out, const SummaryModelSource& next, int depth) {
  Container summary(out, depth, true);
  for (SummaryModel model; next && next(model); model = SummaryModel{}) {
    if (!model.figures.is_object() || model.figures.contains("tasks"))
      throw std::invalid_argument("the summary of model '" + model.name + "' must be an object without its \"tasks\"");
    Container entry(out, summary.member(model.name), true);
    write_members(out, entry, model.figures, {{"tasks", [&](int at) { write_object_members(out, model.tasks, at); }}});
    entry.close();
  }
  summary.close();
}

void write_task_entries(std::ostream& out, const TaskEntrySource& next, int depth) {
  Container tasks(out, depth, false);
  for (Json task; next && next(task); task = nullptr) write_json_text(out, task, tasks.element());
  tasks.close();
}

}  // namespace results_layout

// ---------------------------------------------------------------- a completion and a run

Json completion_to_json(const Completion& c, CompletionDetail detail) {
  Json retries = Json::array();
  for (const auto& r : c.retries) retries.push_back({{"after_s", r.after_s}, {"error", r.error}});
  Json out = {
      {"error", c.ok() ? Json(nullptr) : error_to_json(c.error)},
      {"client", client_to_json(c)},
      {"tokens", tokens_to_json(c.tokens)},
      {"stop_reason", std::string(to_string(c.stop_reason))},
      {"server_stop_reason", c.server_stop_reason},
      {"server", server_to_json(c)},
      {"answer", c.answer},
      {"reasoning", c.reasoning},
      {"retries", std::move(retries)},
      // Derived from server.cached_tokens (README "Metrics"); recomputed when read back.
      {"prompt_cache", std::string(to_string(prompt_cache_of(c)))},
  };
  if (!c.ignored_server_figures.empty()) {
    Json ignored = Json::array();
    for (const auto& f : c.ignored_server_figures) ignored.push_back({{"field", f.field}, {"value", f.value}, {"why", f.why}});
    out["server_figures_ignored"] = std::move(ignored);
  }
  if (detail == CompletionDetail::replayable) {
    // Only the fingerprint and the provider read these; a journal line has the fingerprint.
    out["client"]["answer_chunks"] = c.times.answer_chunks;
    out["server"]["version"] = c.server_version;
    out["server"]["model_info"] = c.server_model_info;
  }
  return out;
}

Completion completion_from_json(const Json& j) {
  Completion c;
  c.answer = text(j, "answer");
  c.reasoning = text(j, "reasoning");
  c.stop_reason = enum_from(text(j, "stop_reason", "none"), StopReason::other, StopReason::other);
  c.server_stop_reason = text(j, "server_stop_reason");
  client_from_json(member(j, "client"), c);
  c.tokens = tokens_from_json(member(j, "tokens"));
  // Files written before the delivery shape was recorded: classified from what they kept.
  const Json& client = member(j, "client");
  c.metrics.delivery = client.contains("delivery")
                           ? enum_from(text(client, "delivery"), Delivery::single_body, Delivery::unknown)
                           : classify_delivery(c.times, c.tokens);
  server_from_json(member(j, "server"), c);
  c.error = error_from_json(member(j, "error"));
  c.retries = retries_from_json(member(j, "retries"));
  if (const Json& ignored = member(j, "server_figures_ignored"); ignored.is_array())
    for (const auto& f : ignored)
      c.ignored_server_figures.push_back({text(f, "field"), number(f, "value").value_or(0.0), text(f, "why")});
  return c;
}

Json to_json(const RunRecord& run) {
  Json out = completion_to_json(run.completion);
  out["model"] = run.model->name;
  out["task"] = run.task->id();
  out["sample"] = run.sample;
  out["started_at"] = run.started_at;
  out["simulated"] = run.model->simulated;
  out["verdict"] = std::string(to_string(run.verdict));
  out["checks"] = checks_to_json(run);
  if (run.score) out["score"] = *run.score;
  if (run.task->threshold) out["threshold"] = *run.task->threshold;
  out["request_params"] = merged_params(*run.task, *run.model);
  out["fingerprint"] = run.fingerprint;
  if (!run.turns.empty()) out["turns"] = turns_to_json(run.turns);  // C++ task cases only
  return out;
}

std::string to_line(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string journal_line(const RunRecord& run) { return to_line(to_json(run)) + "\n"; }

StoredRun read_stored_run(const Json& run, const std::string& path) {
  const Json& model = member(run, "model");
  const Json& task = member(run, "task");
  const Json& sample = member(run, "sample");
  if (!model.is_string() || !task.is_string() || !sample.is_number_integer())
    throw ConfigError({path, 0, 0}, "runs", "a run lacks its model, task or sample");
  const Json& word = member(run, "verdict");
  const auto verdict = verdict_from_string(word.is_string() ? word.get<std::string>() : "");
  if (!verdict) throw ConfigError({path, 0, 0}, "runs", "a run has no verdict pass, fail, truncated or error: " + word.dump());
  return {{model.get<std::string>(), task.get<std::string>(), sample.get<std::int64_t>()}, *verdict, completion_from_json(run)};
}

RunRecord run_record_from_json(const Json& line, const ModelSpec& model, const TaskSpec& task) {
  const auto outcome_of = [](const Json& j) {
    const std::string word = text(j, "outcome");
    return word == "pass" ? checkers::Outcome::pass : word == "error" ? checkers::Outcome::error : checkers::Outcome::fail;
  };
  RunRecord run;
  run.model = &model;
  run.task = &task;
  run.sample = static_cast<int>(member(line, "sample").is_number_integer() ? member(line, "sample").get<std::int64_t>() : 0);
  run.started_at = text(line, "started_at");
  run.completion = completion_from_json(line);
  const Json& word = member(line, "verdict");
  run.verdict = verdict_from_string(word.is_string() ? word.get<std::string>() : "").value_or(Verdict::error);
  if (const Json& checks = member(line, "checks"); checks.is_array()) {
    for (const auto& c : checks) {
      checkers::CheckResult check(outcome_of(c), text(c, "message"));
      if (const Json& parts = member(c, "parts"); parts.is_array())
        for (const auto& p : parts) check.parts.push_back({text(p, "name"), outcome_of(p), text(p, "message")});
      if (const Json& facts = member(c, "facts"); facts.is_object())
        for (const auto& [name, value] : facts.items())
          if (value.is_string()) check.facts[name] = value.get<std::string>();
      run.checks.push_back(std::move(check));
      run.check_types.push_back(text(c, "type"));  // as written, whatever the task's assertions now
    }
  }
  run.fingerprint = member(line, "fingerprint");
  return run;
}

// ---------------------------------------------------------------- results.json

Json model_to_json(const ModelSpec& m) {
  Json out = {{"name", m.name},
              {"params", m.params},
              {"extra_body", m.extra_body},
              {"concurrency", m.concurrency},
              {"simulated", m.simulated},
              {"timeouts", Json::object()},
              {"retry", {{"attempts", m.retry_attempts}, {"max_wait_s", m.retry_max_wait_s}}},
              {"prompt_cache", m.prompt_cache_cold ? "cold" : "as-is"}};
  write_fields(out, m, k_model_texts);
  write_fields(out["timeouts"], m.timeouts, k_timeouts);
  return out;
}

Json task_to_json(const TaskSpec& t) {
  Json types = Json::array();
  for (const auto& a : t.assertions) types.push_back(a.type);
  return {{"id", t.id()}, {"file", t.where.file}, {"line", t.where.line}, {"tags", t.tags}, {"repeat", t.repeat},
          {"system", t.system}, {"prompt", t.prompt}, {"params", t.params}, {"assertions", types},
          {"min_pass_rate", optional_number(t.min_pass_rate)}};
}

Json warmup_to_json(const WarmupResult& warmup) {
  return {{"e2e_s", optional_number(warmup.e2e_s)},
          {"ttft_s", optional_number(warmup.ttft_s)},
          {"error", warmup.error.empty() ? Json(nullptr) : Json(warmup.error)}};
}

const Json& ResultsFile::field(const char* key) const { return member(doc, key); }

std::vector<StoredRun> ResultsFile::stored_runs() const {
  std::vector<StoredRun> out;
  for (const auto& run : runs()) out.push_back(read_stored_run(run, path));
  return out;
}

ResultsFile read_results_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path, 0, 0}, "", "cannot be read");
  ResultsFile file{path, nullptr};
  try {
    // Parsed from the stream: a results file of many runs is not held a second (and third) time as text.
    file.doc = Json::parse(in);
  } catch (const Json::parse_error& e) {
    throw ConfigError({path, 0, 0}, "", std::string("is not valid JSON: ") + e.what());
  }
  if (file.field("kind") != k_results_kind)
    throw ConfigError({path, 0, 0}, "", "is not a goodput results file (no \"kind\": \"goodput.results\")");
  if (!file.models().is_array() || !file.tasks().is_array() || !file.runs().is_array())
    throw ConfigError({path, 0, 0}, "", "has no models, tasks or runs array; is it complete?");
  return file;
}

void check_same_schema(const ResultsFile& first, const ResultsFile& other, const std::string& verb) {
  const Json& version = first.field("schema_version");
  if (other.field("schema_version") != version)
    throw ConfigError({other.path, 0, 0}, "",
                      "refusing to " + verb + ": schema_version " + other.field("schema_version").dump() + " but " + first.path +
                          " has " + version.dump() + "; " + verb + " files written by the same goodput");
  if (version != k_results_schema_version)
    throw ConfigError({first.path, 0, 0}, "",
                      "refusing to " + verb + ": schema_version " + version.dump() + "; this goodput reads " +
                          std::to_string(k_results_schema_version));
}

void write_results_file(const std::string& path, const ResultsContent& content) {
  using namespace results_layout;
  if (!content.head.is_object()) throw std::invalid_argument("results.json's head must be an object");
  for (const char* part : {"summary", "tasks", "runs"})
    if (content.head.contains(part)) throw std::invalid_argument(std::string("results.json's head holds \"") + part + "\", given apart");

  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    try {
      Container doc(out, 0, true);
      write_members(out, doc, content.head,
                    {{"summary", [&](int depth) { write_summary(out, content.summary, depth); }},
                     {"tasks", [&](int depth) { write_task_entries(out, content.tasks, depth); }}});
      // The runs last, one per line, whatever their key's place.
      Container runs(out, doc.member("runs"), false);
      for (std::string line; content.runs && content.runs(line);) {
        runs.element();
        out << line;
      }
      runs.close();
      doc.close();
      out << '\n';
    } catch (...) {
      out.close();
      fs::remove(tmp, ec);
      throw;
    }
    out.close();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + ec.message());
}

// ---------------------------------------------------------------- recordings

Json recording_meta(const Plan& plan) {
  Json models = Json::array();
  for (const auto& m : *plan.models) {
    Json model = model_to_json(m);
    model["reasoning_effort"] = m.reasoning_effort;  // a replay's requests are built as the recorded ones were
    model["system_role"] = m.system_role;
    // Whether cache_prompt: false went out (prompt_cache: cold and a server that takes it).
    bool cache_prompt_off = false;
    if (const auto f = plan.fingerprints.find(m.name); f != plan.fingerprints.end() && f->second.is_object()) {
      const Json& params = member(f->second, "request_params");
      cache_prompt_off = params.is_object() && params.contains("cache_prompt") && params["cache_prompt"] == false;
    }
    model["cache_prompt_off"] = cache_prompt_off;
    models.push_back(std::move(model));
  }
  Json tasks = Json::array();
  for (const auto& t : *plan.tasks)
    tasks.push_back({{"id", t.id()}, {"system", t.system}, {"prompt", t.prompt}, {"cpp", static_cast<bool>(t.body)}});
  return {{"schema", k_recording_schema}, {"repeat", plan.repeat}, {"models", models}, {"tasks", tasks}};
}

std::string recording_line(const RunRecord& run) {
  const auto replayable = [](const Completion& c) { return completion_to_json(c, CompletionDetail::replayable); };
  Json turns = Json::array();
  if (run.task->body) {
    for (const auto& t : run.turns)
      turns.push_back({{"conversation", t.conversation},
                       {"messages", t.messages},
                       {"system", t.system},
                       {"prompt", t.prompt},
                       {"completion", replayable(t.completion)}});
  } else {
    turns.push_back({{"system", run.task->system}, {"prompt", run.task->prompt}, {"completion", replayable(run.completion)}});
  }
  const Json line = {{"model", run.model->name},
                     {"task", run.task->id()},
                     {"sample", run.sample},
                     {"verdict", std::string(to_string(run.verdict))},
                     {"turns", std::move(turns)}};
  return to_line(line) + "\n";
}

std::shared_ptr<const Recording> read_recording(const std::string& dir) {
  const fs::path meta_path = fs::path(dir) / "meta.json";
  const fs::path lines_path = fs::path(dir) / "recording.jsonl";
  if (!fs::exists(meta_path) || !fs::exists(lines_path))
    throw ConfigError({dir, 0, 0}, "--replay",
                      "no recording here (expected meta.json and recording.jsonl, as `goodput run --record " + dir +
                          "` writes them)");
  auto recording = std::make_shared<Recording>();
  recording->dir = dir;
  const RecordingMeta meta = read_recording_meta(dir, meta_path);
  recording->models = meta.models;
  // A last line cut by a kill is left out: the runs before it still count.
  const JsonlScan scan = read_jsonl_lines(lines_path.string(), [&](const std::string& line, int number) {
    try {
      auto [key, turns] = recorded_run(Json::parse(line), meta.schema);
      recording->runs[std::move(key)] = std::move(turns);
    } catch (const Json::exception& e) {
      throw ConfigError({lines_path.string(), number, 0}, "", std::string("cannot read this recorded run: ") + e.what());
    }
  });
  if (scan.torn_bytes > 0) std::cerr << torn_line_warning(lines_path.string(), scan) << "\n";
  return recording;
}

}  // namespace goodput
