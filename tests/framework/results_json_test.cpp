// The one reader and writer of the results model (results_json.hpp): a Completion has one
// shape, a run's line is that shape plus the run's own fields, the line reads back into the
// same figures, and results.json keeps its layout.
#include "goodput/results_json.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/error.hpp"
#include "goodput/stats_json.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Every field a provider fills in, with values that survive JSON exactly.
Completion full_completion() {
  Completion c;
  c.answer = "Tokyo";
  c.reasoning = "The capital of Japan";
  c.stop_reason = StopReason::length;
  c.server_stop_reason = "length";
  c.times.first_token = 0.25;
  c.times.first_answer_token = 0.5;
  c.times.last_token = 1.5;
  c.times.end = 1.75;
  c.times.token_chunks = 12;
  c.times.answer_chunks = 3;
  c.times.reasoning_chunks = 9;
  c.tokens.prompt = 20;
  c.tokens.completion = 13;
  c.tokens.reasoning = 10;
  c.tokens.completion_estimated = true;
  finalise_metrics(c);
  c.server_timings = {{"prompt_ms", 120.5}, {"predicted_per_second", 42.0}};
  c.server_timings_source = "llama.cpp timings";
  c.server.prompt_s = 0.1205;
  c.server.decode_tps = 42.0;
  c.server.cached_tokens = 4;
  c.server_version = "0.3.9";
  c.server_model_info = {{"quant", "Q4_K_M"}, {"context_length", "8192"}};
  c.server_model = "qwen2.5";
  c.system_fingerprint = "b4000";
  c.response_id = "chatcmpl-1";
  c.retries.push_back({0.5, "connect: refused"});
  return c;
}

// Read back, a completion writes the same JSON again (every field of full_completion() is
// set), and the stream times it was measured with are rebuilt.
void expect_round_trip(const Completion& original, const Completion& back, CompletionDetail detail) {
  EXPECT_EQ(completion_to_json(back, detail), completion_to_json(original, detail));
  EXPECT_EQ(back.times.first_token, original.times.first_token);
  EXPECT_EQ(back.times.first_answer_token, original.times.first_answer_token);
  EXPECT_EQ(back.times.last_token, original.times.last_token);
}

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

struct Fixture {
  ModelSpec model;
  TaskSpec task;
  Fixture() {
    model.name = "m";
    model.model = "m-id";
    model.params = {{"temperature", 0}};
    task.suite = "s";
    task.name = "t";
    task.prompt = "p";
    AssertionSpec a;
    a.type = "contains";
    task.assertions.push_back(a);
  }
  RunRecord run(Verdict verdict, Completion completion) const {
    RunRecord r;
    r.model = &model;
    r.task = &task;
    r.sample = 2;
    r.started_at = "2024-06-07T00:00:00.000Z";
    r.verdict = verdict;
    r.completion = std::move(completion);
    r.checks.emplace_back(checkers::Outcome::fail, "expected Paris");
    r.fingerprint = {{"model", "m-id"}};
    return r;
  }
};

TEST(CompletionJson, RoundTripsInTheOneShape) {
  const Completion c = full_completion();
  const Completion back = completion_from_json(completion_to_json(c));
  expect_round_trip(c, back, CompletionDetail::journal);
  EXPECT_EQ(back.answer, "Tokyo");
  EXPECT_EQ(back.stop_reason, StopReason::length);
  EXPECT_EQ(back.metrics.decode_tps, c.metrics.decode_tps);
  // The journal leaves out what only a replay needs.
  EXPECT_EQ(back.server_version, "");
  EXPECT_TRUE(back.server_model_info.empty());
  EXPECT_EQ(back.times.answer_chunks, 0);
  // A recording keeps it, in the same shape.
  const json replayable = completion_to_json(c, CompletionDetail::replayable);
  EXPECT_EQ(keys_of(replayable), keys_of(completion_to_json(c)));
  const Completion full = completion_from_json(replayable);
  expect_round_trip(c, full, CompletionDetail::replayable);
  EXPECT_EQ(full.server_version, "0.3.9");
  EXPECT_EQ(full.server_model_info, c.server_model_info);
  EXPECT_EQ(full.times.answer_chunks, 3);
}

TEST(CompletionJson, AnErrorRoundTrips) {
  Completion c;
  c.error = {ErrorKind::http_status, "503 Service Unavailable", 503};
  const json j = completion_to_json(c);
  EXPECT_EQ(j["error"], json({{"kind", "http_status"}, {"message", "503 Service Unavailable"}, {"http_status", 503}}));
  const Completion back = completion_from_json(j);
  EXPECT_EQ(back.error.kind, ErrorKind::http_status);
  EXPECT_EQ(back.error.http_status, 503);
  EXPECT_EQ(completion_to_json(Completion{})["error"], nullptr);
}

// The journal's shape, pinned: a run's line is its completion's fields beside the run's own.
TEST(RunJson, AJournalLineIsTheCompletionsShapePlusTheRunsFields) {
  const Fixture f;
  const RunRecord run = f.run(Verdict::fail, full_completion());
  const json line = to_json(run);
  EXPECT_EQ(keys_of(line), (std::set<std::string>{"answer", "checks", "client", "error", "fingerprint", "model", "prompt_cache", "reasoning",
                                                  "request_params", "retries", "sample", "server", "server_stop_reason", "simulated",
                                                  "started_at", "stop_reason", "task", "tokens", "verdict"}));
  const json completion = completion_to_json(run.completion);
  for (const auto& [key, value] : completion.items()) EXPECT_EQ(line[key], value) << key;
  EXPECT_EQ(keys_of(line["client"]),
            (std::set<std::string>{"decode_tps", "delivery", "e2e_s", "effective_tps", "reasoning_chunks", "stream_end_s", "text_arrivals",
                                   "text_bytes", "time_to_first_answer_s", "token_chunks", "ttft_s"}));
  EXPECT_EQ(keys_of(line["server"]), (std::set<std::string>{"figures", "model", "response_id", "system_fingerprint", "timings",
                                                            "timings_source"}));
  EXPECT_EQ(line["checks"][0]["type"], "contains");
  EXPECT_EQ(line["request_params"]["temperature"], 0);
  const std::string text = journal_line(run);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  EXPECT_EQ(json::parse(text), line);
}

TEST(RunJson, ALineReadsBackIntoTheSameFigures) {
  const Fixture f;
  const RunRecord run = f.run(Verdict::truncated, full_completion());
  const StoredRun stored = read_stored_run(json::parse(journal_line(run)), "journal.jsonl");
  EXPECT_EQ(stored.key, (RunKey{"m", "s.t", 2}));
  EXPECT_EQ(stored.verdict, Verdict::truncated);
  const RunFigures a = figures_of(run);
  const RunFigures b = stored.figures();
  EXPECT_EQ(a.verdict, b.verdict);
  EXPECT_EQ(a.truncated, b.truncated);
  EXPECT_EQ(a.metrics.ttft_s, b.metrics.ttft_s);
  EXPECT_EQ(a.metrics.e2e_s, b.metrics.e2e_s);
  EXPECT_EQ(a.metrics.decode_tps, b.metrics.decode_tps);
  EXPECT_EQ(a.completion_tokens, b.completion_tokens);
  EXPECT_EQ(a.tokens_estimated, b.tokens_estimated);
  EXPECT_EQ(a.server.prompt_s, b.server.prompt_s);
  EXPECT_EQ(a.retries, b.retries);
}

TEST(RunJson, ARunWithoutItsKeyOrVerdictIsRefusedNamingTheFile) {
  EXPECT_THAT([] { read_stored_run({{"model", "m"}, {"task", "t"}, {"verdict", "pass"}}, "shard.json"); },
              ThrowsMessage<ConfigError>(HasSubstr("shard.json: runs: a run lacks its model, task or sample")));
  EXPECT_THAT([] { read_stored_run({{"model", "m"}, {"task", "t"}, {"sample", 0}, {"verdict", "passed"}}, "shard.json"); },
              ThrowsMessage<ConfigError>(HasSubstr("a run has no verdict pass, fail, truncated or error: \"passed\"")));
}

TEST(SummaryJson, ATaskThatNeverPassedIsInfiniteEvenWithoutALatency) {
  const Fixture f;
  Completion silent;  // failed before any token: no latency
  StatsCollector stats;
  stats.add(f.run(Verdict::fail, silent));
  const json summary = summary_to_json(stats);
  EXPECT_EQ(summary["m"]["tasks"]["s.t"]["never_passed"], true);
  EXPECT_EQ(summary["m"]["tasks"]["s.t"]["time_to_correct_s"], nullptr);  // JSON has no infinity
  EXPECT_EQ(summary["m"]["seconds_per_correct"], nullptr);
  EXPECT_EQ(summary["m"]["seconds_per_correct_missing"], "no correct answer");
  EXPECT_EQ(summary["m"]["tasks_never_passed"], 1);
  // One headline per model: the per-task figure is not repeated at the model's level.
  EXPECT_FALSE(summary["m"].contains("time_to_correct_s"));
  EXPECT_FALSE(summary["m"].contains("never_passed"));
}

TEST(SummaryJson, AModelsSecondsPerCorrectAnswer) {
  const Fixture f;
  Completion passed;
  passed.metrics.e2e_s = 3.0;
  Completion empty;  // a wrong, empty answer: no token, the stream ended after 1.5 s
  empty.times.end = 1.5;
  StatsCollector stats;
  stats.add(f.run(Verdict::pass, passed));
  stats.add(f.run(Verdict::fail, empty));
  const json summary = summary_to_json(stats);
  EXPECT_EQ(summary["m"]["seconds_per_correct"], 4.5);  // (3 + 1.5) s / 1 passed
  EXPECT_EQ(summary["m"]["seconds_per_correct_missing"], nullptr);
  EXPECT_EQ(summary["m"]["judged_time_s"], 4.5);
  EXPECT_EQ(summary["m"]["tasks_never_passed"], 0);
  EXPECT_EQ(summary["m"]["tasks"]["s.t"]["time_to_correct_s"], 6.0);  // per task: mean e2e 3 s / 0.5
  EXPECT_FALSE(summary["m"]["tasks"]["s.t"].contains("seconds_per_correct"));
}

class ResultsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("goodput-results-json-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }
  static std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path m_dir;
};

TEST_F(ResultsFileTest, TheHeadThenOneRunPerLine) {
  ResultsContent content;
  content.head = {{"kind", k_results_kind}, {"schema_version", k_results_schema_version}, {"models", json::array()}};
  const std::vector<std::string> lines = {R"({"model":"m","sample":0,"task":"t","verdict":"pass"})",
                                          R"({"model":"m","sample":1,"task":"t","verdict":"error"})"};
  std::size_t next = 0;
  const std::string path = (m_dir / "sub" / "results.json").string();
  content.runs = [&](std::string& line) {
    if (next == lines.size()) return false;
    line = lines[next++];
    return true;
  };
  write_results_file(path, content);
  // The parts given apart are always written, empty when their source is.
  EXPECT_EQ(slurp(path), "{\n  \"kind\": \"goodput.results\",\n  \"models\": [],\n  \"schema_version\": 1,\n  \"summary\": {},\n  \"tasks\": [],\n"
                         "  \"runs\": [\n    " + lines[0] + ",\n    " + lines[1] + "\n  ]\n}\n");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  const ResultsFile file = read_results_file(path);
  const auto runs = file.stored_runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].key, (RunKey{"m", "t", 1}));
  EXPECT_EQ(runs[1].verdict, Verdict::error);
  EXPECT_NO_THROW(check_same_schema(file, file, "merge"));

  content.runs = nullptr;
  write_results_file(path, content);
  EXPECT_THAT(slurp(path), ::testing::EndsWith("\"tasks\": [],\n  \"runs\": []\n}\n"));
}

TEST_F(ResultsFileTest, RefusesWhatIsNotAResultsFileAndOtherSchemas) {
  fs::create_directories(m_dir);
  std::ofstream(m_dir / "other.json") << R"({"kind": "something else"})";
  EXPECT_THROW(read_results_file((m_dir / "other.json").string()), ConfigError);
  EXPECT_THROW(read_results_file((m_dir / "missing.json").string()), ConfigError);
  std::ofstream(m_dir / "v1.json") << R"({"kind": "goodput.results", "schema_version": 1, "models": [], "tasks": [], "runs": []})";
  std::ofstream(m_dir / "v2.json") << R"({"kind": "goodput.results", "schema_version": 2, "models": [], "tasks": [], "runs": []})";
  const ResultsFile v1 = read_results_file((m_dir / "v1.json").string());
  const ResultsFile v2 = read_results_file((m_dir / "v2.json").string());
  EXPECT_THAT([&] { check_same_schema(v1, v2, "compare"); },
              ThrowsMessage<ConfigError>(HasSubstr("refusing to compare: schema_version 2 but")));
  EXPECT_THAT([&] { check_same_schema(v2, v2, "merge"); },
              ThrowsMessage<ConfigError>(HasSubstr("refusing to merge: schema_version 2; this goodput reads 1")));
}

// results.json's models and a recording's models share one shape, and it reads back.
TEST(ModelJson, ResultsAndRecordingsShareTheModelsShape) {
  ModelSpec m;
  m.name = "tuned";
  m.base_url = "http://127.0.0.1:8080/v1";
  m.api_key_env = "KEY_VAR";
  m.retry_attempts = 5;
  m.retry_max_wait_s = 12.5;
  m.timeouts.stall_s = 30;
  const json j = model_to_json(m);
  EXPECT_EQ(keys_of(j), (std::set<std::string>{"api_key_env", "base_url", "concurrency", "dialect", "extra_body", "model", "name",
                                               "params", "prompt_cache", "retry", "simulated", "timeouts"}));
  EXPECT_EQ(j["retry"], json({{"attempts", 5}, {"max_wait_s", 12.5}}));
  EXPECT_EQ(j["prompt_cache"], "cold");
  m.prompt_cache_cold = false;
  EXPECT_EQ(model_to_json(m)["prompt_cache"], "as-is");
  EXPECT_EQ(j["api_key_env"], "KEY_VAR");  // the variable's name, never the key
}

}  // namespace
}  // namespace goodput
