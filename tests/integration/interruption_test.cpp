// SPDX-License-Identifier: MIT
// `goodput run` stopped from outside, as a user or a CI runner stops it: SIGINT and SIGTERM
// (once, and again while it stops), and kill -9 at random moments followed by `--resume`.
// Whatever happens, the journal holds whole lines and the reports cover the finished runs.
#include <signal.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/journal_file.hpp"
#include "support/binary_test.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Deterministic answers (no `chance`), a few tokens each: mini's tasks pass on sim-fast and
// fail on sim-wrong, the same every time, so verdicts of a resumed run can be compared with a
// clean run's.
constexpr const char* k_profiles = R"(models:
  - id: steady-right
    ttft_ms: 15
    tokens_per_second: 400
    answers:
      - {match: "capital of Japan", text: "Tokyo."}
      - {match: "17 \\* 23", text: "The answer is 391."}
      - {match: "primary colors", text: "1. Red\n2. Green\n3. Blue"}
  - id: steady-wrong
    ttft_ms: 15
    tokens_per_second: 400
    answers:
      - {match: "capital of Japan", text: "Kyoto."}
      - {match: "17 \\* 23", text: "The answer is 401."}
      - {match: "primary colors", text: "1. Red\n2. Yellow"}
  # Holds a request in flight: stopping then waits for libcurl to notice the cancel.
  - id: stalling
    ttft_ms: 15
    tokens_per_second: 400
    answers:
      - {text: "This answer pauses for a long time.", fault: {kind: stall, after_tokens: 1, stall_ms: 5000}}
)";

class InterruptionTest : public test::BinaryTest {
 protected:
  InterruptionTest() : BinaryTest("interrupt") {}
  void SetUp() override {
    BinaryTest::SetUp();
    m_sim = test::start_sim(write("profiles.yaml", k_profiles));
    m_models = write("models.yaml", test::models_yaml(m_sim->base_url(), {"steady-right", "steady-wrong"}));
    m_stalling_models = write("stalling.yaml", test::models_yaml(m_sim->base_url(), {"steady-right", "stalling"}));
  }
  void TearDown() override {
    if (m_sim) m_sim->stop();
    BinaryTest::TearDown();
  }

  std::vector<std::string> run_args(const std::string& out, int repeat) const {
    return {"run", test::data_path("tasks/mini.yaml"), "--models", m_models, "--repeat", std::to_string(repeat), "-o", out};
  }

  // Whole journal lines so far.
  static int journal_lines(const std::string& out) {
    return read_jsonl_lines((fs::path(out) / "journal.jsonl").string(), [](const std::string&, int) {}).lines;
  }

  // Waits (at most 60 s) until the journal holds `lines` whole lines.
  static bool wait_for_lines(const std::string& out, int lines) {
    for (int i = 0; i < 3000; ++i) {
      if (journal_lines(out) >= lines) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // Every line of the journal is a whole JSON run, and results.json holds exactly those runs.
  static void expect_reports_match_journal(const std::string& out) {
    const JsonlScan scan = read_jsonl_lines((fs::path(out) / "journal.jsonl").string(), [](const std::string& line, int number) {
      EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << "journal line " << number;
    });
    EXPECT_EQ(scan.torn_bytes, 0u);
    const nlohmann::json results = test::read_json(fs::path(out) / "results.json");
    EXPECT_EQ(results["runs"].size(), static_cast<std::size_t>(scan.lines));
  }

  // Waits (at most 2 s) until `process` has written `text`.
  static bool wait_for_output(const test::BackgroundProcess& process, const std::string& text) {
    for (int i = 0; i < 100; ++i) {
      if (process.output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::unique_ptr<sim::SimServer> m_sim;
  std::string m_models;
  std::string m_stalling_models;  // steady-right, and a model whose requests stall
};

TEST_F(InterruptionTest, SigtermStopsInOrderAndExits143) {
  const std::string out = path("out");
  test::BackgroundProcess goodput(test::goodput_binary(), run_args(out, 200), m_dir);
  ASSERT_TRUE(wait_for_lines(out, 2)) << goodput.output();
  goodput.signal(SIGTERM);
  EXPECT_EQ(goodput.wait(), 143) << goodput.output();
  const nlohmann::json results = test::read_json(fs::path(out) / "results.json");
  EXPECT_EQ(results["interrupted"], true);
  expect_reports_match_journal(out);
}

TEST_F(InterruptionTest, SecondSignalStillWritesTheReports) {
  const std::string out = path("out");
  std::vector<std::string> args = run_args(out, 200);
  args[3] = m_stalling_models;
  test::BackgroundProcess goodput(test::goodput_binary(), args, m_dir);
  ASSERT_TRUE(wait_for_lines(out, 2)) << goodput.output();
  // The second signal comes while a stalled request is being cancelled (signals sent at once
  // would merge into one).
  goodput.signal(SIGINT);
  wait_for_output(goodput, "stopping");
  goodput.signal(SIGINT);
  EXPECT_EQ(goodput.wait(), 130) << goodput.output();
  EXPECT_THAT(goodput.output(), HasSubstr("already stopping"));
  expect_reports_match_journal(out);
}

}  // namespace
}  // namespace goodput
