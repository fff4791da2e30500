// Model handling end to end through the `goodput` binary against the simulator: every run's
// fingerprint, warm-up reported apart from the statistics, retries recorded, and the
// server-reported figures beside the client's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/binary_test.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::quote;

class ModelHandlingTest : public test::SimBinaryTest {
 protected:
  ModelHandlingTest() : SimBinaryTest("mh") {}

  std::string models_file(const std::string& id, const std::string& extra = "") { return SimBinaryTest::models_file({id}, extra); }

  // The exit code; m_log holds stdout and stderr.
  int run(const std::string& args) {
    const auto r = SimBinaryTest::run(args + " -o " + quote(path("out")));
    m_log = r.out + r.err;
    return r.exit_code;
  }

  std::string mini_tasks() const { return quote(test::data_path("tasks/mini.yaml")); }
  nlohmann::json results() const { return test::read_json(m_dir / "out" / "results.json"); }
  std::vector<nlohmann::json> journal() const { return test::read_jsonl(m_dir / "out" / "journal.jsonl"); }

  std::string m_log;
};

TEST_F(ModelHandlingTest, EveryJournalLineCarriesAFingerprint) {
  EXPECT_EQ(run("run " + mini_tasks() + " --models " + quote(models_file("sim-reasoner"))), 0) << m_log;
  const auto lines = journal();
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& line : lines) {
    const auto& f = line["fingerprint"];
    ASSERT_TRUE(f.is_object()) << line.dump();
    EXPECT_EQ(f["dialect"], "openai");
    EXPECT_EQ(f["endpoint"], m_sim->base_url());
    EXPECT_EQ(f["model"], "sim-reasoner");
    EXPECT_EQ(f["system_fingerprint"], "b0000-sim-reasoner");
    EXPECT_EQ(f["server_version"], "b0000-sim-reasoner");  // the build string the stream told
    EXPECT_TRUE(f["goodput_version"].is_string());
    EXPECT_TRUE(f.contains("quantisation"));
    EXPECT_TRUE(f.contains("context_length"));
    ASSERT_TRUE(f["request_params"].is_object());
    EXPECT_EQ(f["request_params"]["max_tokens"], 64);
    EXPECT_EQ(f["request_params"]["stream"], true);
    EXPECT_EQ(f["request_params"]["model"], "sim-reasoner");
    EXPECT_FALSE(f["request_params"].contains("messages"));
    EXPECT_TRUE(line["retries"].is_array());
    EXPECT_TRUE(line["server"]["figures"].is_object());
  }
  const auto res = results();
  EXPECT_EQ(res["models"][0]["fingerprint"]["system_fingerprint"], "b0000-sim-reasoner");
  // The model's own request parameters, not the first task's.
  EXPECT_EQ(res["models"][0]["fingerprint"]["request_params"]["model"], "sim-reasoner");
  EXPECT_FALSE(res["models"][0]["fingerprint"]["request_params"].contains("max_tokens"));
  EXPECT_TRUE(res["models"][0]["warmup"].is_null());
}

TEST_F(ModelHandlingTest, WarmupIsReportedAndKeptOutOfTheStatistics) {
  EXPECT_EQ(run("run " + mini_tasks() + " --models " + quote(models_file("sim-fast", ", warmup: true"))), 0) << m_log;
  EXPECT_THAT(m_log, HasSubstr("[ WARM-UP  ] sim-fast: load time "));
  EXPECT_THAT(m_log, HasSubstr("not counted in the statistics"));
  EXPECT_THAT(m_log, HasSubstr("[  PASSED  ] 3 runs"));
  EXPECT_EQ(journal().size(), 3u);
  const auto res = results();
  EXPECT_EQ(res["summary"]["sim-fast"]["runs"], 3);
  const auto& warmup = res["models"][0]["warmup"];
  ASSERT_TRUE(warmup.is_object()) << res["models"].dump();
  EXPECT_TRUE(warmup["e2e_s"].is_number());
  EXPECT_GT(warmup["ttft_s"].get<double>(), 0.03);  // the profile's 50 ms first token
  EXPECT_TRUE(warmup["error"].is_null());
}

TEST_F(ModelHandlingTest, WarmupFlagWarmsEveryModel) {
  EXPECT_EQ(run("run " + mini_tasks() + " --warmup --models " + quote(models_file("sim-fast"))), 0) << m_log;
  EXPECT_THAT(m_log, HasSubstr("[ WARM-UP  ] sim-fast"));
  EXPECT_EQ(results()["summary"]["sim-fast"]["runs"], 3);
}

TEST_F(ModelHandlingTest, Http503IsRetriedAndRecorded) {
  // sim-faulty answers the primary-colors task with 503 every time.
  EXPECT_EQ(run("run " + mini_tasks() + " --filter 'mini.colors*' --models " +
                quote(models_file("sim-faulty", ", retry: {attempts: 2, max_wait: 2}"))),
            1)
      << m_log;
  const auto lines = journal();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["verdict"], "error");
  ASSERT_EQ(lines[0]["retries"].size(), 2u) << lines[0].dump();
  EXPECT_DOUBLE_EQ(lines[0]["retries"][0]["after_s"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(lines[0]["retries"][1]["after_s"].get<double>(), 1.0);
  EXPECT_THAT(lines[0]["retries"][0]["error"].get<std::string>(), HasSubstr("503"));
  EXPECT_THAT(m_log, HasSubstr("retried"));
  EXPECT_EQ(results()["summary"]["sim-faulty"]["retries"], 2);
}

TEST_F(ModelHandlingTest, ServerFiguresAppearBesideTheClients) {
  EXPECT_EQ(run("run " + mini_tasks() + " --models " + quote(models_file("sim-fast"))), 0) << m_log;
  const auto res = results();
  const auto& summary = res["summary"]["sim-fast"];
  EXPECT_TRUE(summary.contains("server_ttft_p50_s"));
  EXPECT_TRUE(summary.contains("server_decode_tps_p50"));
  EXPECT_EQ(summary["retries"], 0);
  // When the stream's timings are converted into ServerFigures, the console compares them.
  if (summary["server_decode_tps_p50"].is_number()) {
    EXPECT_THAT(m_log, HasSubstr("Server-reported figures"));
  }
}

}  // namespace
}  // namespace goodput
