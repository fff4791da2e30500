// SPDX-License-Identifier: MIT
#include "providers/replay_provider.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "goodput/error.hpp"
#include "goodput/task.hpp"

namespace goodput::detail {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

template <typename T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

template <typename T>
std::optional<T> optional_from(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

template <typename Enum>
Enum enum_from(const std::string& word, Enum last, Enum fallback) {
  for (int i = 0; i <= static_cast<int>(last); ++i)
    if (to_string(static_cast<Enum>(i)) == word) return static_cast<Enum>(i);
  return fallback;
}

Json model_to_json(const ModelSpec& m) {
  // api_key_env is the variable's name, never the key.
  return {{"name", m.name},
          {"base_url", m.base_url},
          {"dialect", m.dialect},
          {"model", m.model},
          {"params", m.params},
          {"extra_body", m.extra_body},
          {"api_key_env", m.api_key_env},
          {"concurrency", m.concurrency},
          {"timeouts", {{"connect_s", m.timeouts.connect_s}, {"request_s", m.timeouts.request_s}, {"stall_s", m.timeouts.stall_s}}},
          {"simulated", m.simulated},
          {"reasoning_effort", m.reasoning_effort},
          {"system_role", m.system_role},
          {"warmup", m.warmup},
          {"retry_attempts", m.retry_attempts},
          {"retry_max_wait_s", m.retry_max_wait_s}};
}

ModelSpec model_from_json(const Json& j) {
  ModelSpec m;
  m.name = j.at("name").get<std::string>();
  m.base_url = j.value("base_url", "");
  m.dialect = j.value("dialect", m.dialect);
  m.model = j.value("model", "");
  m.params = j.value("params", Json::object());
  m.extra_body = j.value("extra_body", Json::object());
  m.api_key_env = j.value("api_key_env", "");
  m.concurrency = j.value("concurrency", 1);
  if (const auto it = j.find("timeouts"); it != j.end() && it->is_object()) {
    m.timeouts.connect_s = it->value("connect_s", m.timeouts.connect_s);
    m.timeouts.request_s = it->value("request_s", m.timeouts.request_s);
    m.timeouts.stall_s = it->value("stall_s", m.timeouts.stall_s);
  }
  m.simulated = j.value("simulated", false);
  m.reasoning_effort = j.value("reasoning_effort", "");
  m.system_role = j.value("system_role", m.system_role);
  m.warmup = j.value("warmup", false);
  m.retry_attempts = j.value("retry_attempts", m.retry_attempts);
  m.retry_max_wait_s = j.value("retry_max_wait_s", m.retry_max_wait_s);
  return m;
}

}  // namespace

Json completion_to_json(const Completion& c) {
  Json retries = Json::array();
  for (const auto& r : c.retries) retries.push_back({{"after_s", r.after_s}, {"error", r.error}});
  return {
      {"answer", c.answer},
      {"reasoning", c.reasoning},
      {"stop_reason", std::string(to_string(c.stop_reason))},
      {"server_stop_reason", c.server_stop_reason},
      {"times",
       {{"first_token", optional_json(c.times.first_token)},
        {"first_answer_token", optional_json(c.times.first_answer_token)},
        {"last_token", optional_json(c.times.last_token)},
        {"end", c.times.end},
        {"token_chunks", c.times.token_chunks},
        {"answer_chunks", c.times.answer_chunks},
        {"reasoning_chunks", c.times.reasoning_chunks}}},
      {"tokens",
       {{"prompt", optional_json(c.tokens.prompt)},
        {"completion", optional_json(c.tokens.completion)},
        {"reasoning", optional_json(c.tokens.reasoning)},
        {"completion_estimated", c.tokens.completion_estimated},
        {"reasoning_estimated", c.tokens.reasoning_estimated}}},
      {"server_timings", c.server_timings},
      {"server_timings_source", c.server_timings_source},
      {"server",
       {{"load_s", optional_json(c.server.load_s)},
        {"prompt_s", optional_json(c.server.prompt_s)},
        {"ttft_s", optional_json(c.server.ttft_s)},
        {"decode_s", optional_json(c.server.decode_s)},
        {"decode_tps", optional_json(c.server.decode_tps)},
        {"total_s", optional_json(c.server.total_s)},
        {"prompt_tokens", optional_json(c.server.prompt_tokens)},
        {"completion_tokens", optional_json(c.server.completion_tokens)},
        {"cached_tokens", optional_json(c.server.cached_tokens)}}},
      {"server_version", c.server_version},
      {"server_model_info", c.server_model_info},
      {"server_model", c.server_model},
      {"system_fingerprint", c.system_fingerprint},
      {"response_id", c.response_id},
      {"error",
       {{"kind", std::string(to_string(c.error.kind))}, {"message", c.error.message}, {"http_status", c.error.http_status}}},
      {"retries", std::move(retries)},
  };
}

Completion completion_from_json(const Json& j) {
  Completion c;
  c.answer = j.at("answer").get<std::string>();
  c.reasoning = j.value("reasoning", "");
  c.stop_reason = enum_from(j.value("stop_reason", "none"), StopReason::other, StopReason::other);
  c.server_stop_reason = j.value("server_stop_reason", "");
  const Json& t = j.at("times");
  c.times.first_token = optional_from<double>(t, "first_token");
  c.times.first_answer_token = optional_from<double>(t, "first_answer_token");
  c.times.last_token = optional_from<double>(t, "last_token");
  c.times.end = t.value("end", 0.0);
  c.times.token_chunks = t.value("token_chunks", std::int64_t{0});
  c.times.answer_chunks = t.value("answer_chunks", std::int64_t{0});
  c.times.reasoning_chunks = t.value("reasoning_chunks", std::int64_t{0});
  const Json& k = j.at("tokens");
  c.tokens.prompt = optional_from<std::int64_t>(k, "prompt");
  c.tokens.completion = optional_from<std::int64_t>(k, "completion");
  c.tokens.reasoning = optional_from<std::int64_t>(k, "reasoning");
  c.tokens.completion_estimated = k.value("completion_estimated", false);
  c.tokens.reasoning_estimated = k.value("reasoning_estimated", false);
  c.server_timings = j.value("server_timings", std::map<std::string, double>{});
  c.server_timings_source = j.value("server_timings_source", "");
  if (const auto it = j.find("server"); it != j.end() && it->is_object()) {
    const Json& s = *it;
    c.server.load_s = optional_from<double>(s, "load_s");
    c.server.prompt_s = optional_from<double>(s, "prompt_s");
    c.server.ttft_s = optional_from<double>(s, "ttft_s");
    c.server.decode_s = optional_from<double>(s, "decode_s");
    c.server.decode_tps = optional_from<double>(s, "decode_tps");
    c.server.total_s = optional_from<double>(s, "total_s");
    c.server.prompt_tokens = optional_from<std::int64_t>(s, "prompt_tokens");
    c.server.completion_tokens = optional_from<std::int64_t>(s, "completion_tokens");
    c.server.cached_tokens = optional_from<std::int64_t>(s, "cached_tokens");
  }
  c.server_version = j.value("server_version", "");
  c.server_model_info = j.value("server_model_info", std::map<std::string, std::string>{});
  c.server_model = j.value("server_model", "");
  c.system_fingerprint = j.value("system_fingerprint", "");
  c.response_id = j.value("response_id", "");
  if (const auto it = j.find("error"); it != j.end() && it->is_object()) {
    c.error.kind = enum_from(it->value("kind", "none"), ErrorKind::bad_response, ErrorKind::bad_response);
    c.error.message = it->value("message", "");
    c.error.http_status = it->value("http_status", 0L);
  }
  for (const auto& r : j.value("retries", Json::array()))
    c.retries.push_back({r.value("after_s", 0.0), r.value("error", "")});
  finalise_metrics(c);
  return c;
}

// ---------------------------------------------------------------- loading a recording

std::shared_ptr<const Recording> load_recording(const std::string& dir) {
  const fs::path meta_path = fs::path(dir) / "meta.json";
  const fs::path lines_path = fs::path(dir) / "recording.jsonl";
  if (!fs::exists(meta_path) || !fs::exists(lines_path))
    throw ConfigError({dir, 0, 0}, "--replay",
                      "no recording here (expected meta.json and recording.jsonl, as `goodput run --record " + dir +
                          "` writes them)");
  auto recording = std::make_shared<Recording>();
  recording->dir = dir;
  try {
    std::ifstream meta_in(meta_path);
    const Json meta = Json::parse(meta_in);
    if (meta.value("schema", "") != k_recording_schema)
      throw ConfigError({meta_path.string(), 0, 0}, "schema",
                        "not a goodput recording (expected schema '" + std::string(k_recording_schema) + "')");
    for (const auto& m : meta.at("models")) {
      ModelSpec model = model_from_json(m);
      model.base_url = "replay:" + dir;  // no server: nothing may be asked over the network
      model.warmup = false;
      model.where = {meta_path.string(), 0, 0};
      recording->models.push_back(std::move(model));
    }
  } catch (const Json::exception& e) {
    throw ConfigError({meta_path.string(), 0, 0}, "", std::string("cannot read the recording's meta.json: ") + e.what());
  }
  std::ifstream in(lines_path);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const Json j = Json::parse(line);
      std::vector<RecordedTurn> turns;
      for (const auto& t : j.at("turns"))
        turns.push_back({t.value("system", ""), t.value("prompt", ""), completion_from_json(t.at("completion"))});
      recording->runs[{j.at("model").get<std::string>(), j.at("task").get<std::string>(), j.at("sample").get<int>()}] =
          std::move(turns);
    } catch (const Json::exception& e) {
      // A line cut by an interrupted recording is the last one: the runs before it still count.
      if (in.peek() == std::char_traits<char>::eof()) break;
      throw ConfigError({lines_path.string(), number, 0}, "", std::string("cannot read this recorded run: ") + e.what());
    }
  }
  return recording;
}

// ---------------------------------------------------------------- the replay provider

namespace {

Completion error_completion(std::string message) {
  Completion c;
  c.error.kind = ErrorKind::bad_response;
  c.error.message = std::move(message);
  return c;
}

class ReplayProvider final : public Provider {
 public:
  ReplayProvider(std::shared_ptr<const Recording> recording, const ModelSpec& model)
      : m_recording(std::move(recording)), m_model(model) {
    // The request body the model's own dialect would send, for the runs' fingerprints. The key
    // is not needed to build a body, and a replay must not need it.
    ModelSpec keyless = model;
    keyless.api_key_env.clear();
    try {
      m_dialect = make_provider(keyless);
    } catch (const std::exception&) {
      m_dialect = nullptr;
    }
  }

  Completion complete(const CompletionRequest& request, const std::atomic<bool>* /*cancel*/) override {
    const PlannedRun* run = current_run();
    if (!run || !run->task) return error_completion("replay: a request outside any run has no recorded answer");
    const std::string task_id = run->task->id();
    const std::tuple<std::string, std::string, int> key{m_model.name, task_id, run->sample};
    // One worker does one run at a time: a C++ task case's asks arrive in order.
    m_turn = key == m_last ? m_turn + 1 : 0;
    m_last = key;
    const std::string what = "model '" + m_model.name + "', task " + task_id + ", sample " + std::to_string(run->sample);
    const auto it = m_recording->runs.find(key);
    if (it == m_recording->runs.end())
      return error_completion("replay: the recording in " + m_recording->dir + " has no run for " + what +
                              " (record it with --record, or replay only what was recorded: same tasks, --repeat, --filter)");
    if (m_turn >= it->second.size())
      return error_completion("replay: the recording in " + m_recording->dir + " has " + std::to_string(it->second.size()) +
                              " request(s) for " + what + ", and the task case now asks more");
    const RecordedTurn& turn = it->second[m_turn];
    std::string system;
    std::string prompt;
    for (const auto& message : request.messages) {
      if (message.role == "user") prompt = message.content;
      if (message.role == "system" && system.empty()) system = message.content;
    }
    if (prompt != turn.prompt || system != turn.system)
      return error_completion("replay: " + what + " was recorded for a different prompt (the task's " +
                              (prompt != turn.prompt ? "prompt" : "system message") +
                              " changed since the recording; record it again)");
    Completion c = turn.completion;
    finalise_metrics(c);
    return c;
  }

  Json request_body(const CompletionRequest& request) const override {
    if (m_dialect) return m_dialect->request_body(request);
    Json messages = Json::array();
    for (const auto& m : request.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
    return {{"model", m_model.model}, {"messages", messages}, {"params", request.params}};
  }

 private:
  std::shared_ptr<const Recording> m_recording;
  ModelSpec m_model;
  std::unique_ptr<Provider> m_dialect;
  std::tuple<std::string, std::string, int> m_last{"", "", -1};
  std::size_t m_turn = 0;
};

// ---------------------------------------------------------------- the recording reporter

class RecordingReporter final : public Reporter {
 public:
  explicit RecordingReporter(std::string dir) : m_dir(std::move(dir)) {
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    if (ec) throw ConfigError({m_dir, 0, 0}, "--record", "cannot create the directory: " + ec.message());
    if (fs::exists(fs::path(m_dir) / "recording.jsonl"))
      throw ConfigError({m_dir, 0, 0}, "--record", "already holds a recording; choose another directory");
    m_out.open(fs::path(m_dir) / "recording.jsonl", std::ios::binary | std::ios::app);
    if (!m_out) throw ConfigError({m_dir, 0, 0}, "--record", "cannot write recording.jsonl there");
  }

  void on_plan(const Plan& plan) override {
    Json models = Json::array();
    for (const auto& m : *plan.models) models.push_back(model_to_json(m));
    Json tasks = Json::array();
    for (const auto& t : *plan.tasks)
      tasks.push_back({{"id", t.id()}, {"system", t.system}, {"prompt", t.prompt}, {"cpp", static_cast<bool>(t.body)}});
    const Json meta = {{"schema", k_recording_schema}, {"repeat", plan.repeat}, {"models", models}, {"tasks", tasks}};
    std::ofstream out(fs::path(m_dir) / "meta.json", std::ios::binary | std::ios::trunc);
    out << meta.dump(2) << "\n";
  }

  void on_run_end(const RunRecord& run) override {
    Json turns = Json::array();
    if (run.task->body) {
      for (const auto& t : run.turns)
        turns.push_back({{"conversation", t.conversation},
                         {"messages", t.messages},
                         {"system", t.system},
                         {"prompt", t.prompt},
                         {"completion", completion_to_json(t.completion)}});
    } else {
      turns.push_back({{"system", run.task->system}, {"prompt", run.task->prompt}, {"completion", completion_to_json(run.completion)}});
    }
    const Json line = {{"model", run.model->name},
                       {"task", run.task->id()},
                       {"sample", run.sample},
                       {"verdict", std::string(to_string(run.verdict))},
                       {"turns", std::move(turns)}};
    // Flushed per run: an interrupted evaluation keeps what it finished.
    m_out << line.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n" << std::flush;
  }

 private:
  std::string m_dir;
  std::ofstream m_out;
};

}  // namespace

std::unique_ptr<Provider> make_replay_provider(std::shared_ptr<const Recording> recording, const ModelSpec& model) {
  return std::make_unique<ReplayProvider>(std::move(recording), model);
}

std::unique_ptr<Reporter> make_recording_reporter(const std::string& dir) {
  return std::make_unique<RecordingReporter>(dir);
}

}  // namespace goodput::detail
