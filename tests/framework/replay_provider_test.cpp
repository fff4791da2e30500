// Replay from a recording: the run reaches the provider through its construction; a recording
// written by the recording reporter reads back into the same completions; and recordings of
// schema 1, whose completions had a shape of their own, still replay.
#include "goodput/replay_provider.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/error.hpp"
#include "goodput/reporters.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("goodput-replay-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    m_model.name = "sim-fast";
    m_model.model = "sim-fast";
    m_model.base_url = "http://127.0.0.1:1/v1";
    m_model.reasoning_effort = "low";
    m_model.retry_attempts = 5;
    m_task.suite = "mini";
    m_task.name = "capital";
    m_task.system = "Be brief.";
    m_task.prompt = "What is the capital of Japan?";
  }
  void TearDown() override { fs::remove_all(m_dir); }

  CompletionRequest request(const std::string& prompt) const {
    CompletionRequest r;
    r.messages = {{"system", m_task.system}, {"user", prompt}};
    return r;
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(m_dir / name) << text; }

  fs::path m_dir;
  ModelSpec m_model;
  TaskSpec m_task;
};

// Written by goodput before recordings used the journal's shape of a completion.
constexpr const char* k_schema1_meta = R"({"schema": "goodput.recording/1", "repeat": 1,
  "models": [{"name": "sim-fast", "base_url": "http://127.0.0.1:9/v1", "dialect": "lmstudio", "model": "sim-fast",
              "params": {}, "extra_body": {}, "api_key_env": "", "concurrency": 2,
              "timeouts": {"connect_s": 10, "request_s": 900, "stall_s": 120}, "simulated": true,
              "reasoning_effort": "low", "system_role": "system", "warmup": true, "retry_attempts": 5, "retry_max_wait_s": 30}],
  "tasks": [{"id": "mini.capital", "system": "Be brief.", "prompt": "What is the capital of Japan?", "cpp": false}]})";
constexpr const char* k_schema1_line =
    R"({"model":"sim-fast","task":"mini.capital","sample":0,"verdict":"pass","turns":[{"system":"Be brief.",)"
    R"("prompt":"What is the capital of Japan?","completion":{"answer":"Tokyo","reasoning":"","stop_reason":"stop",)"
    R"("server_stop_reason":"stop","times":{"first_token":0.25,"first_answer_token":0.25,"last_token":1.25,"end":1.5,)"
    R"("token_chunks":5,"answer_chunks":5,"reasoning_chunks":0},"tokens":{"prompt":12,"completion":5,"reasoning":null,)"
    R"("completion_estimated":false,"reasoning_estimated":false},"server_timings":{},"server_timings_source":"",)"
    R"("server":{"load_s":null,"prompt_s":0.125,"ttft_s":null,"decode_s":null,"decode_tps":40.0,"total_s":null,)"
    R"("prompt_tokens":null,"completion_tokens":null,"cached_tokens":null},"server_version":"lms-0.3",)"
    R"("server_model_info":{"quant":"Q4_K_M"},"server_model":"sim-fast","system_fingerprint":"","response_id":"r1",)"
    R"("error":{"kind":"none","message":"","http_status":0},"retries":[]}}]})";

TEST_F(ReplayTest, ARecordingOfSchemaOneStillReplays) {
  write("meta.json", k_schema1_meta);
  write("recording.jsonl", std::string(k_schema1_line) + "\n");
  const auto recording = read_recording(m_dir.string());
  ASSERT_EQ(recording->models.size(), 1u);
  const ModelSpec& model = recording->models[0];
  EXPECT_EQ(model.base_url, "replay:" + m_dir.string());
  EXPECT_EQ(model.dialect, "lmstudio");
  EXPECT_EQ(model.retry_attempts, 5);
  EXPECT_EQ(model.reasoning_effort, "low");
  EXPECT_FALSE(model.warmup);  // a replay never warms up
  EXPECT_TRUE(model.simulated);

  const auto provider = detail::make_replay_run_provider(recording, {&model, &m_task, 0});
  const Completion c = provider->complete(request(m_task.prompt));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "Tokyo");
  EXPECT_EQ(c.stop_reason, StopReason::stop);
  EXPECT_EQ(c.metrics.ttft_s, 0.25);  // recomputed from the recorded times
  EXPECT_EQ(c.metrics.e2e_s, 1.25);
  EXPECT_DOUBLE_EQ(*c.metrics.decode_tps, 4 / 1.0);
  EXPECT_EQ(c.tokens.prompt, 12);
  EXPECT_EQ(c.server.prompt_s, 0.125);
  EXPECT_EQ(c.server.decode_tps, 40.0);
  EXPECT_EQ(c.server_version, "lms-0.3");
  EXPECT_EQ(c.server_model_info.at("quant"), "Q4_K_M");
  EXPECT_EQ(c.times.answer_chunks, 5);
  EXPECT_EQ(c.response_id, "r1");
}

TEST_F(ReplayTest, WhatTheRecordingReporterWritesReplaysTheSameCompletions) {
  const std::vector<ModelSpec> models{m_model};
  const std::vector<TaskSpec> tasks{m_task};
  Plan plan;
  plan.models = &models;
  plan.tasks = &tasks;
  RunRecord run;
  run.model = &models[0];
  run.task = &tasks[0];
  run.sample = 1;
  run.verdict = Verdict::pass;
  run.completion.answer = "Tokyo";
  run.completion.stop_reason = StopReason::stop;
  run.completion.times = {0.25, 0.5, 1.25, 1.5, 6, 4, 2};
  run.completion.tokens.completion = 6;
  run.completion.server_version = "lms-0.3";
  run.completion.server_model_info = {{"quant", "Q8_0"}};
  run.completion.server.decode_tps = 40;
  finalise_metrics(run.completion);
  {
    const auto recorder = make_recording_reporter((m_dir / "rec").string());
    recorder->on_plan(plan);
    recorder->on_run_end(run);
  }
  std::ifstream meta(m_dir / "rec" / "meta.json");
  EXPECT_EQ(nlohmann::json::parse(meta)["schema"], "goodput.recording/2");
  const auto recording = read_recording((m_dir / "rec").string());
  EXPECT_EQ(recording->models[0].reasoning_effort, "low");
  EXPECT_EQ(recording->models[0].retry_attempts, 5);
  const auto provider = detail::make_replay_run_provider(recording, {&recording->models[0], &m_task, 1});
  const Completion c = provider->complete(request(m_task.prompt));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "Tokyo");
  EXPECT_EQ(c.metrics.ttft_s, run.completion.metrics.ttft_s);
  EXPECT_EQ(c.metrics.time_to_first_answer_s, run.completion.metrics.time_to_first_answer_s);
  EXPECT_EQ(c.metrics.e2e_s, run.completion.metrics.e2e_s);
  EXPECT_EQ(c.metrics.decode_tps, run.completion.metrics.decode_tps);
  EXPECT_EQ(c.times.end, 1.5);
  EXPECT_EQ(c.times.answer_chunks, 4);
  EXPECT_EQ(c.times.reasoning_chunks, 2);
  EXPECT_EQ(c.server.decode_tps, 40);
  // What only the fingerprint reads travels too.
  EXPECT_EQ(c.server_version, "lms-0.3");
  EXPECT_EQ(c.server_model_info, run.completion.server_model_info);
}

TEST_F(ReplayTest, EachRunIsAnsweredByItsOwnProviderAndNothingElse) {
  write("meta.json", k_schema1_meta);
  write("recording.jsonl", std::string(k_schema1_line) + "\n");
  const auto recording = read_recording(m_dir.string());
  const ModelSpec& model = recording->models[0];
  // A worker's provider builds bodies but answers nothing: only a run knows its answer.
  const auto worker = detail::make_replay_provider(recording, model);
  EXPECT_THAT(worker->complete(request(m_task.prompt)).error.message, HasSubstr("outside any run"));
  EXPECT_EQ(worker->request_body(request(m_task.prompt))["model"], "sim-fast");
  // A run the recording lacks.
  EXPECT_THAT(detail::make_replay_run_provider(recording, {&model, &m_task, 3})->complete(request(m_task.prompt)).error.message,
              HasSubstr("has no run for model 'sim-fast', task mini.capital, sample 3"));
  // A changed prompt, then more asks than were recorded.
  const auto run = detail::make_replay_run_provider(recording, {&model, &m_task, 0});
  EXPECT_THAT(run->complete(request("What is the capital of France?")).error.message, HasSubstr("recorded for a different prompt"));
  EXPECT_THAT(run->complete(request(m_task.prompt)).error.message, HasSubstr("the task case now asks more"));
}

TEST_F(ReplayTest, ADirectoryWithoutARecordingOrOfAnotherSchemaIsAConfigError) {
  EXPECT_THROW(read_recording((m_dir / "nothing").string()), ConfigError);
  write("meta.json", R"({"schema": "goodput.recording/9", "models": []})");
  write("recording.jsonl", "");
  EXPECT_THAT([&] { read_recording(m_dir.string()); }, ::testing::ThrowsMessage<ConfigError>(HasSubstr("not a goodput recording")));
}

}  // namespace
}  // namespace goodput
