// SPDX-License-Identifier: MIT
// The ollama and lmstudio dialects against `goodput sim`'s /api/chat and
// /api/v0/chat/completions routes (in this process, on loopback): measured timing against the
// simulator's schedule, the servers' own figures converted to seconds, reasoning kept apart,
// errors as errors, and the seed task giving the same verdicts through every dialect.
// Tolerances are those of run_command_test.cpp (a loaded 2-core machine).
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/provider.hpp"
#include "goodput/sim_server.hpp"
#include "support/files.hpp"
#include "support/process.hpp"
#include "support/sim.hpp"
#include "support/temp_dir.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr double k_ttft_tolerance_s = 0.060;
constexpr double k_rate_tolerance = 0.15;

// 10 reasoning tokens then 50 answer tokens (the simulator's tokenizer: "w7" is one token,
// " w8" another), at ttft 200 ms and 100 tok/s: first answer token at 300 ms, last at 790 ms.
std::string words(const std::string& prefix, int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += (i ? " " : "") + prefix + std::to_string(i);
  return text;
}

sim::SimProfile timing_profile() {
  sim::SimProfile p;
  p.id = "sim-timing";
  p.ttft_ms = 200;
  p.tokens_per_second = 100;
  sim::SimAnswer a;
  a.reasoning = words("r", 10);
  a.text = words("w", 50);
  p.answers.push_back(a);
  return p;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string http_get(const std::string& url, long* status, const std::string& post_body = "") {
  std::string body;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (!post_body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
  curl_easy_cleanup(curl);
  return body;
}

class DialectTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim::SimConfig config = sim::load_sim_profiles(test::test_sim_profiles());
    config.profiles.push_back(timing_profile());
    s_sim = test::start_sim(std::move(config)).release();
  }
  static void TearDownTestSuite() {
    delete s_sim;
    s_sim = nullptr;
  }

  static std::string root() { return "http://127.0.0.1:" + std::to_string(s_sim->port()); }

  static ModelSpec spec(const std::string& dialect, const std::string& model) {
    ModelSpec m;
    m.name = dialect + "-" + model;
    m.dialect = dialect;
    m.model = model;
    m.base_url = dialect == "openai" ? s_sim->base_url() : root();
    m.timeouts.request_s = 30;
    m.timeouts.stall_s = 10;
    return m;
  }

  static Completion ask(const ModelSpec& model, const std::string& prompt, Json params = Json::object()) {
    const auto provider = make_provider(model);
    CompletionRequest request;
    request.messages = {{"system", "Be brief."}, {"user", prompt}};
    request.params = std::move(params);
    return provider->complete(request);
  }

  static sim::SimServer* s_sim;
};

sim::SimServer* DialectTest::s_sim = nullptr;

void expect_schedule_kept(const Completion& c, bool with_reasoning) {
  ASSERT_TRUE(c.ok()) << c.error.message;
  ASSERT_TRUE(c.metrics.ttft_s && c.metrics.time_to_first_answer_s && c.metrics.decode_tps);
  EXPECT_NEAR(*c.metrics.ttft_s, 0.200, k_ttft_tolerance_s);
  EXPECT_NEAR(*c.metrics.time_to_first_answer_s, with_reasoning ? 0.300 : 0.200, k_ttft_tolerance_s);
  const double tokens = with_reasoning ? 60 : 50;
  EXPECT_EQ(c.tokens.completion, tokens);
  EXPECT_NEAR(*c.metrics.decode_tps, 100.0, 100.0 * k_rate_tolerance);
  EXPECT_EQ(c.answer, words("w", 50));
  EXPECT_EQ(c.reasoning, with_reasoning ? words("r", 10) : "");
  EXPECT_EQ(c.stop_reason, StopReason::stop);
}

// ---- ollama ----

TEST_F(DialectTest, OllamaTimingReasoningAndServerFiguresFromNanoseconds) {
  const Completion c = ask(spec("ollama", "sim-timing"), "timing");
  expect_schedule_kept(c, true);
  EXPECT_EQ(c.server_stop_reason, "stop");
  EXPECT_FALSE(c.tokens.completion_estimated);  // eval_count
  EXPECT_EQ(c.tokens.reasoning, 10);
  EXPECT_EQ(c.server_timings_source, "ollama durations (ns)");
  EXPECT_EQ(c.server_timings.count("load_duration"), 0u);  // zero, so omitted
  EXPECT_EQ(c.server_timings.at("eval_count"), 60);
  ASSERT_TRUE(c.server.decode_s && c.server.prompt_s && c.server.total_s && c.server.decode_tps && c.server.load_s);
  EXPECT_NEAR(*c.server.decode_s, 0.590, 0.060);
  EXPECT_DOUBLE_EQ(*c.server.decode_s, c.server_timings.at("eval_duration") / 1e9);
  EXPECT_NEAR(*c.server.prompt_s, 0.200, k_ttft_tolerance_s);
  EXPECT_NEAR(*c.server.total_s, 0.790, 0.100);
  EXPECT_DOUBLE_EQ(*c.server.load_s, 0.0);
  EXPECT_NEAR(*c.server.decode_tps, 60 / 0.59, 60 / 0.59 * k_rate_tolerance);
  EXPECT_EQ(c.server.completion_tokens, 60);
  EXPECT_GT(c.server.prompt_tokens.value_or(0), 0);
  EXPECT_EQ(c.server_model, "sim-timing");
}

TEST_F(DialectTest, OllamaThinkFalseSuppressesThinking) {
  ModelSpec model = spec("ollama", "sim-timing");
  model.reasoning_effort = "none";
  const Completion c = ask(model, "timing");
  expect_schedule_kept(c, false);
  EXPECT_EQ(c.tokens.reasoning, 0);
}

TEST_F(DialectTest, OllamaNumPredictCutsWithLength) {
  const Completion c = ask(spec("ollama", "sim-fast"), "What is the capital of Japan?", Json{{"max_tokens", 1}});
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "Tokyo");
  EXPECT_EQ(c.stop_reason, StopReason::length);
  EXPECT_EQ(c.server_stop_reason, "length");
}

TEST_F(DialectTest, OllamaErrorsAreErrors) {
  const ModelSpec faulty = spec("ollama", "sim-faulty");
  const Completion mid = ask(faulty, "What is the capital of Japan?");
  EXPECT_EQ(mid.error.kind, ErrorKind::stream_error);
  EXPECT_THAT(mid.error.message, HasSubstr("scripted error after 3 tokens"));
  EXPECT_EQ(mid.answer, "The capital is");
  const Completion cut = ask(faulty, "What is 17 * 23?");
  EXPECT_FALSE(cut.ok());
  EXPECT_EQ(cut.error.kind, ErrorKind::truncated) << cut.error.message;
  const Completion busy = ask(faulty, "Name the three primary colors.");
  EXPECT_EQ(busy.error.kind, ErrorKind::http_status);
  EXPECT_EQ(busy.error.http_status, 503);
  const Completion missing = ask(spec("ollama", "no-such-model"), "hi");
  EXPECT_EQ(missing.error.kind, ErrorKind::http_status);
  EXPECT_EQ(missing.error.http_status, 404);
  EXPECT_THAT(missing.error.message, HasSubstr("not found"));
  EXPECT_THAT(missing.error.message, HasSubstr("ollama pull"));
}

TEST_F(DialectTest, OllamaRequestBodyMapsParamsThinkAndMergesOptions) {
  ModelSpec model = spec("ollama", "m");
  model.reasoning_effort = "high";
  model.system_role = "developer";
  model.extra_body = Json{{"options", {{"num_ctx", 8192}}}, {"keep_alive", "10m"}};
  const auto provider = make_provider(model);
  CompletionRequest request;
  request.messages = {{"system", "s"}, {"user", "u"}};
  request.params = Json{{"max_tokens", 64}, {"temperature", 0}, {"top_k", 20}, {"stop", "END"}, {"seed", 7}};
  const Json body = provider->request_body(request);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["think"], "high");
  EXPECT_EQ(body["keep_alive"], "10m");
  EXPECT_EQ(body["messages"][0]["role"], "developer");
  EXPECT_EQ(body["messages"][1]["role"], "user");
  EXPECT_EQ(body["options"], (Json{{"num_predict", 64}, {"temperature", 0}, {"top_k", 20}, {"stop", {"END"}},
                                   {"seed", 7}, {"num_ctx", 8192}}));
  EXPECT_FALSE(body.contains("max_tokens"));
  model.reasoning_effort = "none";
  EXPECT_EQ(make_provider(model)->request_body(request)["think"], false);
  model.reasoning_effort = "";
  EXPECT_FALSE(make_provider(model)->request_body(request).contains("think"));
}

TEST_F(DialectTest, OllamaAndLmStudioRejectAV1BaseUrl) {
  for (const char* dialect : {"ollama", "lmstudio"}) {
    ModelSpec model = spec(dialect, "m");
    model.base_url = "http://127.0.0.1:11434/v1";
    try {
      make_provider(model);
      ADD_FAILURE() << dialect << ": no ConfigError";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.field(), "base_url");
      EXPECT_THAT(e.message(), HasSubstr("dialect: openai"));
      EXPECT_THAT(e.message(), HasSubstr("drop the /v1"));
    }
  }
}

TEST_F(DialectTest, OllamaSimListsTagsAndVersion) {
  long status = 0;
  const Json tags = Json::parse(http_get(root() + "/api/tags", &status));
  EXPECT_EQ(status, 200);
  ASSERT_TRUE(tags["models"].is_array());
  bool found = false;
  for (const Json& m : tags["models"]) {
    found = found || m["name"] == "sim-timing";
    EXPECT_TRUE(m.contains("model") && m.contains("modified_at") && m.contains("size") && m.contains("digest"));
    EXPECT_EQ(m["details"]["format"], "gguf");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(Json::parse(http_get(root() + "/api/version", &status))["version"], "0.0.0-goodputsim");
}

TEST_F(DialectTest, OllamaSimWireShape) {
  long status = 0;
  const Json request = {{"model", "sim-reasoner"},
                        {"messages", Json::array({{{"role", "user"}, {"content", "What is the capital of Japan?"}}})}};
  // Streaming is the default: NDJSON, thinking lines first, then a done line with ns durations.
  const std::string ndjson = http_get(root() + "/api/chat", &status, request.dump());
  EXPECT_EQ(status, 200);
  std::vector<Json> lines;
  std::istringstream in(ndjson);
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  ASSERT_EQ(lines.size(), 10u + 2u + 1u);  // 10 reasoning tokens, "Tokyo" ".", the done line
  EXPECT_EQ(lines[0]["done"], false);
  EXPECT_EQ(lines[0]["message"]["role"], "assistant");
  EXPECT_EQ(lines[0]["message"]["content"], "");
  EXPECT_EQ(lines[0]["message"]["thinking"], "Japan");
  EXPECT_TRUE(lines[0]["created_at"].is_string());
  EXPECT_EQ(lines[10]["message"]["content"], "Tokyo");
  EXPECT_FALSE(lines[10]["message"].contains("thinking"));
  const Json& done = lines.back();
  EXPECT_EQ(done["done"], true);
  EXPECT_EQ(done["done_reason"], "stop");
  EXPECT_FALSE(done.contains("load_duration"));  // zero: omitted, as Go's omitempty
  EXPECT_EQ(done["eval_count"], 12);
  EXPECT_TRUE(done["eval_duration"].is_number_integer());
  EXPECT_GT(done["total_duration"].get<std::int64_t>(), done["eval_duration"].get<std::int64_t>());

  // stream:false: one object with the whole message.
  Json whole_request = request;
  whole_request["stream"] = false;
  whole_request["think"] = false;
  const Json whole = Json::parse(http_get(root() + "/api/chat", &status, whole_request.dump()));
  EXPECT_EQ(whole["message"]["content"], "Tokyo.");
  EXPECT_FALSE(whole["message"].contains("thinking"));
  EXPECT_EQ(whole["done"], true);
  EXPECT_EQ(whole["eval_count"], 2);

  const Json missing = Json::parse(http_get(root() + "/api/chat", &status, Json{{"model", "nope"}, {"messages", request["messages"]}}.dump()));
  EXPECT_EQ(status, 404);
  EXPECT_TRUE(missing["error"].is_string());
}

// ---- lmstudio ----

TEST_F(DialectTest, LmStudioTimingReasoningAndStatsInSeconds) {
  const Completion c = ask(spec("lmstudio", "sim-timing"), "timing");
  expect_schedule_kept(c, true);
  EXPECT_FALSE(c.tokens.completion_estimated);  // usage
  EXPECT_EQ(c.server_timings_source, "lmstudio stats (s)");
  ASSERT_TRUE(c.server.ttft_s && c.server.decode_s && c.server.decode_tps);
  EXPECT_NEAR(*c.server.ttft_s, 0.200, k_ttft_tolerance_s);
  EXPECT_DOUBLE_EQ(*c.server.ttft_s, c.server_timings.at("time_to_first_token"));
  EXPECT_NEAR(*c.server.decode_s, 0.590, 0.060);
  EXPECT_NEAR(*c.server.decode_tps, 60 / 0.59, 60 / 0.59 * k_rate_tolerance);
  EXPECT_EQ(c.server_model_info.at("arch"), "goodputsim");
  EXPECT_EQ(c.server_model_info.at("quant"), "Q4_K_M");
  EXPECT_EQ(c.server_model_info.at("format"), "gguf");
  EXPECT_EQ(c.server_model_info.at("context_length"), "4096");
  EXPECT_EQ(c.server_version, "goodput-sim 0.0.0");
}

TEST_F(DialectTest, LmStudioLengthErrorsAndRequestBody) {
  const Completion cut = ask(spec("lmstudio", "sim-fast"), "What is the capital of Japan?", Json{{"max_tokens", 1}});
  ASSERT_TRUE(cut.ok()) << cut.error.message;
  EXPECT_EQ(cut.stop_reason, StopReason::length);
  const ModelSpec faulty = spec("lmstudio", "sim-faulty");
  EXPECT_EQ(ask(faulty, "What is the capital of Japan?").error.kind, ErrorKind::stream_error);
  EXPECT_EQ(ask(faulty, "What is 17 * 23?").error.kind, ErrorKind::truncated);
  EXPECT_EQ(ask(faulty, "Name the three primary colors.").error.http_status, 503);

  ModelSpec model = spec("lmstudio", "m");
  model.reasoning_effort = "low";
  CompletionRequest request;
  request.messages = {{"user", "u"}};
  request.params = Json{{"max_tokens", 64}};
  const Json body = make_provider(model)->request_body(request);
  EXPECT_EQ(body["reasoning_effort"], "low");
  EXPECT_EQ(body["max_tokens"], 64);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);

  long status = 0;
  const Json models = Json::parse(http_get(root() + "/api/v0/models", &status));
  EXPECT_EQ(status, 200);
  ASSERT_FALSE(models["data"].empty());
  EXPECT_EQ(models["data"][0]["state"], "loaded");
  EXPECT_EQ(models["data"][0]["compatibility_type"], "gguf");
}

// ---- the same profile through all three dialects ----

TEST_F(DialectTest, DialectsMeasureTheSameSchedule) {
  for (const char* dialect : {"openai", "ollama", "lmstudio"}) {
    SCOPED_TRACE(dialect);
    const Completion c = ask(spec(dialect, "sim-timing"), "timing");
    expect_schedule_kept(c, true);
    if (c.ok()) {
      // For the record: deviation from the schedule (200 ms, 300 ms, 100 tok/s).
      std::cout << dialect << ": ttft " << (*c.metrics.ttft_s - 0.2) * 1e3 << " ms, first answer "
                << (*c.metrics.time_to_first_answer_s - 0.3) * 1e3 << " ms, decode "
                << (*c.metrics.decode_tps / 100.0 - 1) * 100 << " %\n";
    }
  }
}

TEST(DialectSeedTaskTest, VerdictsMatchAcrossDialects) {
  const auto server = test::start_sim(test::source_path("examples/sim/seed-profiles.yaml"));
  const std::string root = "http://127.0.0.1:" + std::to_string(server->port());
  const test::TempDir dir("dialects", false);
  const std::vector<std::string> profiles = {"sim-swift-4b", "sim-gemma-e4b"};
  std::string yaml = "models:\n";
  for (const std::string& p : profiles) {
    yaml += "  - {name: openai-" + p + ", dialect: openai, base_url: '" + server->base_url() + "', model: " + p + "}\n";
    yaml += "  - {name: ollama-" + p + ", dialect: ollama, base_url: '" + root + "', model: " + p + "}\n";
    yaml += "  - {name: lmstudio-" + p + ", dialect: lmstudio, base_url: '" + root + "', model: " + p + "}\n";
  }
  const auto r = test::run_process(test::goodput_binary(),
                                   "run " + test::quote(test::source_path("tasks/seed/r0_vaccination.yaml")) + " --models " +
                                       test::quote(test::write_file(dir / "models.yaml", yaml)) + " -o " + test::quote(dir.str("out")),
                                   dir.path());
  ASSERT_NE(r.exit_code, -1);
  const std::string out = r.output();
  EXPECT_LE(r.exit_code, 1) << out;

  // verdict[profile][task][dialect]
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>> verdicts;
  std::ifstream journal(dir / "out" / "journal.jsonl");
  int lines = 0;
  for (std::string line; std::getline(journal, line); ++lines) {
    const Json run = Json::parse(line);
    const std::string name = run["model"];
    const std::string dialect = name.substr(0, name.find('-'));
    const std::string profile = name.substr(name.find('-') + 1);
    EXPECT_NE(run["verdict"], "error") << line;
    EXPECT_TRUE(run["error"].is_null() || run["error"]["kind"] == "none" || run["error"].empty()) << line;
    verdicts[profile][run["task"]][dialect] = run["verdict"];
    std::cout << name << " " << run["task"].get<std::string>() << ": " << run["verdict"].get<std::string>() << "\n";
  }
  EXPECT_EQ(lines, 12) << out;
  for (const auto& [profile, tasks] : verdicts) {
    for (const auto& [task, by_dialect] : tasks) {
      ASSERT_EQ(by_dialect.size(), 3u) << profile << " " << task;
      EXPECT_EQ(by_dialect.at("ollama"), by_dialect.at("openai")) << profile << " " << task;
      EXPECT_EQ(by_dialect.at("lmstudio"), by_dialect.at("openai")) << profile << " " << task;
    }
  }
  server->stop();
}

}  // namespace
}  // namespace goodput
