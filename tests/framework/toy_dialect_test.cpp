// SPDX-License-Identifier: MIT
// Adding a dialect is adding one file and one registration line; this file is both. The
// `toy` dialect stands for a server that cannot stream: it POSTs the OpenAI-style request
// with stream:false and reads the whole reply from one JSON body. It writes only its row and
// its decoder; the rest comes from the dialect table (goodput/dialect.hpp): the HTTP
// provider, the client's clock, token estimates and metrics (StreamDecoder), the models-file
// check with its "did you mean", the server probe and `goodput models`. A task file runs
// through it end to end against the simulator (`goodput sim`, in-process), whose schedule
// is known, so the metrics can be checked against it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/commands.hpp"
#include "goodput/runner.hpp"
#include "goodput/spec.hpp"
#include "goodput/dialect.hpp"
#include "goodput/sim_server.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

// ---- the toy dialect: its decoder and its row ----

// The whole reply is one JSON body (OpenAI's non-streamed shape), read once it has arrived.
class ToyDecoder final : public StreamDecoder {
 public:
  using StreamDecoder::StreamDecoder;

 protected:
  void decode(std::string_view bytes, double /*t_seconds*/) override { m_body.append(bytes); }

  void drain(double t_seconds) override {
    const json body = json::parse(m_body, nullptr, false);
    if (!body.is_object()) return;  // finish() reports the missing body as truncated
    const json choices = body.value("choices", json::array());
    if (!choices.is_array() || choices.empty() || !choices[0].is_object()) return;
    const json message = choices[0].value("message", json::object());
    add_text(message.value("content", ""), message.value("reasoning_content", ""), t_seconds);
    if (const std::string finish = choices[0].value("finish_reason", ""); !finish.empty()) {
      set_stop_reason(finish);
      mark_complete();
    }
    const json usage = body.value("usage", json::object());
    if (usage.contains("completion_tokens")) {
      m_out.tokens.completion = usage["completion_tokens"].get<std::int64_t>();
      m_out.tokens.completion_estimated = false;
    }
    if (usage.contains("prompt_tokens")) m_out.tokens.prompt = usage["prompt_tokens"].get<std::int64_t>();
  }

  std::string_view end_marker() const override { return "a whole JSON body with a finish reason"; }

 private:
  std::string m_body;
};

detail::ServerInfo read_server_info(const std::string&, const std::vector<json>& answers) {
  // The server names itself in its model list's owned_by.
  const json& models = answers[0];
  if (!models.is_object() || !models.contains("data") || !models["data"].is_array() || models["data"].empty()) return {};
  return {.version = models["data"][0].value("owned_by", "")};
}

void check_server(detail::ServerCheck& check) {
  const std::string url = check.root() + "/v1/models";
  const detail::HttpAnswer models = check.get(url);
  if (!check.expect_model_list(models, url, "data", "a toy server", "")) return;
  std::vector<std::string> ids;
  for (const json& entry : models.json["data"]) ids.push_back(entry.value("id", ""));
  check.check_listed(ids, false);
  check.report_server_info();
}

detail::Dialect toy_dialect() {
  return {.name = "toy", .chat_path = "/chat/completions", .accept = "application/json",
          .fill_body =
              [](json& body, const ModelSpec& model, const CompletionRequest& request) {
                detail::merge_top_level(body, request.params);
                body["stream"] = false;
                detail::merge_top_level(body, model.extra_body);
              },
          .make_decoder = detail::decoder_for<ToyDecoder>,
          .probe_paths = {"/v1/models"}, .read_server_info = read_server_info,
          .check_server = check_server};
}

const detail::DialectRegistration k_toy{toy_dialect()};  // the one registration line

// ---- running it ----

constexpr const char* k_tasks = R"(suite: toy
tasks:
  - id: capital
    prompt: "What is the capital of Japan? Answer in one word."
    params: {max_tokens: 64, temperature: 0}
    assert:
      - type: icontains
        value: tokyo
      - type: stop-reason
        expected: stop
  - {id: cut, prompt: "What is the capital of Japan? Answer in one word.", params: {max_tokens: 3},
     assert: [{type: icontains, value: tokyo}]}
)";

class RunCollector final : public Reporter {
 public:
  void on_run_end(const RunRecord& run) override { runs.push_back(run); }
  const RunRecord* find(const std::string& task_name) const {
    for (const RunRecord& run : runs)
      if (run.task->name == task_name) return &run;
    return nullptr;
  }
  std::vector<RunRecord> runs;
};

class ToyDialectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("goodput-toy-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(m_dir);
    m_sim = std::make_unique<sim::SimServer>(sim::load_sim_profiles(std::string(GOODPUT_TEST_DATA_DIR) + "/sim-test-profiles.yaml"));
    m_sim->start();
  }
  void TearDown() override {
    m_sim->stop();
    fs::remove_all(m_dir);
  }

  std::string write(const std::string& name, const std::string& text) const {
    const fs::path path = m_dir / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string models_file(const std::string& dialect) const {
    return write("models.yaml", "models:\n  - name: toy-reasoner\n    base_url: " + m_sim->base_url() +
                                    "\n    dialect: " + dialect + "\n    model: sim-reasoner\n");
  }

  fs::path m_dir;
  std::unique_ptr<sim::SimServer> m_sim;
};

TEST_F(ToyDialectTest, ATaskRunsThroughItEndToEnd) {
  const std::vector<ModelSpec> models = load_models_file(models_file("toy"));
  const std::vector<TaskSpec> tasks = load_tasks({write("toy.yaml", k_tasks)});
  Runner runner(models, tasks, plan_runs(models, tasks, {}), {});
  RunCollector collector;
  const std::atomic<bool> interrupt{false};
  runner.run({&collector}, interrupt);
  ASSERT_EQ(collector.runs.size(), 2u);

  // sim-reasoner: 10 reasoning tokens, then "Tokyo." (2 tokens); first token at 80 ms, one
  // every 10 ms after it, the whole body sent with the last one (190 ms).
  const RunRecord* capital = collector.find("capital");
  ASSERT_NE(capital, nullptr);
  const Completion& c = capital->completion;
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(capital->verdict, Verdict::pass);
  EXPECT_EQ(c.answer, "Tokyo.");
  EXPECT_EQ(c.reasoning, "Japan's capital is Tokyo; answer it briefly");
  EXPECT_EQ(c.stop_reason, StopReason::stop);
  EXPECT_EQ(c.server_stop_reason, "stop");
  EXPECT_EQ(c.tokens.completion, 12);
  EXPECT_FALSE(c.tokens.completion_estimated);
  // One body is one chunk: the first token is the last, and there is no decode rate.
  EXPECT_EQ(c.times.token_chunks, 1);
  ASSERT_TRUE(c.metrics.ttft_s && c.metrics.e2e_s);
  EXPECT_GE(*c.metrics.ttft_s, 0.19);
  EXPECT_LT(*c.metrics.ttft_s, 0.19 + 2.0);  // a loaded 2-core machine
  EXPECT_EQ(*c.metrics.e2e_s, *c.metrics.ttft_s);
  EXPECT_EQ(c.metrics.time_to_first_answer_s, c.metrics.ttft_s);
  EXPECT_FALSE(c.metrics.decode_tps.has_value());
  // The fingerprint names the dialect, and what its probe row learnt.
  EXPECT_EQ(capital->fingerprint["dialect"], "toy");
  EXPECT_EQ(capital->fingerprint["server_version"], "goodput-sim");
  EXPECT_EQ(capital->fingerprint["request_params"]["stream"], false);

  // max_tokens 3 cuts the reasoning: stop reason `length`, no answer, so the run is
  // truncated rather than failed.
  const RunRecord* cut = collector.find("cut");
  ASSERT_NE(cut, nullptr);
  ASSERT_TRUE(cut->completion.ok()) << cut->completion.error.message;
  EXPECT_EQ(cut->completion.stop_reason, StopReason::length);
  EXPECT_EQ(cut->completion.server_stop_reason, "length");
  EXPECT_EQ(cut->completion.answer, "");
  EXPECT_EQ(cut->completion.tokens.completion, 3);
  EXPECT_EQ(cut->verdict, Verdict::truncated);
  ASSERT_TRUE(cut->completion.metrics.ttft_s);
  EXPECT_GE(*cut->completion.metrics.ttft_s, 0.10);  // 80 ms + 2 x 10 ms
}

TEST_F(ToyDialectTest, GoodputModelsChecksItWithItsRow) {
  ModelsCommandOptions options;
  options.models_file = models_file("toy");
  std::ostringstream out;
  EXPECT_EQ(models_command(options, out), k_exit_all_passed) << out.str();
  EXPECT_THAT(out.str(), HasSubstr("(toy)"));
  EXPECT_THAT(out.str(), HasSubstr("model 'sim-reasoner' is served"));
  EXPECT_THAT(out.str(), HasSubstr("version goodput-sim"));
}

TEST_F(ToyDialectTest, TheModelsFileKnowsItAndSuggestsIt) {
  try {
    load_models_file(models_file("tyo"));
    ADD_FAILURE() << "no ConfigError for dialect: tyo";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "models[0].dialect");
    EXPECT_THAT(e.message(), HasSubstr("unknown dialect 'tyo'; did you mean 'toy'?"));
    EXPECT_THAT(e.message(), HasSubstr("(known: openai, ollama, lmstudio, toy)"));
  }
}

TEST(DialectTable, ANameIsRegisteredOnce) {
  EXPECT_THROW(detail::register_dialect(toy_dialect()), std::invalid_argument);
  EXPECT_EQ(&detail::find_dialect("toy"), &detail::find_dialect("toy"));
}

}  // namespace
}  // namespace goodput
