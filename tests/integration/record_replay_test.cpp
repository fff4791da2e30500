// Drives the real `goodput run` binary: an evaluation against `goodput sim` recorded with
// --record, then replayed with --replay (no server), must give the same verdicts and the same
// client metrics; what the recording lacks or no longer fits becomes an error run.
#include <fstream>
#include <map>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/binary_test.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::quote;
using test::read_file;

using RunKey = std::tuple<std::string, std::string, int>;

class RecordReplayTest : public test::BinaryTest {
 protected:
  RecordReplayTest() : BinaryTest("rr") {}

  std::string quoted_path(const std::string& name) const { return quote(path(name)); }
  static std::string mini_tasks() { return quote(test::data_path("tasks/mini.yaml")); }
  static std::string sim_args() { return "--sim-profiles " + quote(test::test_sim_profiles()) + " --model sim-fast --model sim-wrong"; }

  std::map<RunKey, nlohmann::json> journal(const std::string& out) const {
    std::map<RunKey, nlohmann::json> runs;
    std::ifstream in(m_dir / out / "journal.jsonl");
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line);
      runs[{j["model"], j["task"], j["sample"]}] = j;
    }
    return runs;
  }

  // Records mini.yaml x {sim-fast, sim-wrong} x 2 samples into "rec" (journal in "recorded").
  void record() {
    const auto r = run("run " + mini_tasks() + " " + sim_args() + " --repeat 2 -o " + quoted_path("recorded") + " --record " + quoted_path("rec"));
    ASSERT_EQ(r.exit_code, 1) << r.out << r.err;  // sim-wrong fails
    ASSERT_TRUE(fs::exists(m_dir / "rec" / "meta.json"));
    ASSERT_TRUE(fs::exists(m_dir / "rec" / "recording.jsonl"));
  }
};

TEST_F(RecordReplayTest, ReplayGivesTheRecordedVerdictsAndMetrics) {
  record();
  const auto meta = nlohmann::json::parse(read_file(m_dir / "rec" / "meta.json"));
  EXPECT_EQ(meta["models"].size(), 2u);
  EXPECT_EQ(meta["tasks"].size(), 3u);
  EXPECT_EQ(meta["tasks"][0]["prompt"], "What is the capital of Japan? Answer in one word.");

  const auto r = run("run " + mini_tasks() + " --replay " + quoted_path("rec") + " --repeat 2 -o " + quoted_path("replayed"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("replaying the recording"));
  EXPECT_THAT(r.out, HasSubstr("SIMULATED"));  // the label travels with the recording

  const auto recorded = journal("recorded");
  const auto replayed = journal("replayed");
  ASSERT_EQ(recorded.size(), 12u);
  ASSERT_EQ(replayed.size(), recorded.size());
  int passed = 0;
  for (const auto& [key, before] : recorded) {
    const auto it = replayed.find(key);
    ASSERT_NE(it, replayed.end()) << std::get<0>(key) << " " << std::get<1>(key) << " " << std::get<2>(key);
    const auto& after = it->second;
    for (const char* field : {"/verdict", "/checks", "/error", "/client", "/tokens", "/stop_reason", "/server_stop_reason",
                              "/answer", "/reasoning", "/retries", "/request_params", "/simulated", "/server/figures",
                              "/server/timings", "/server/system_fingerprint", "/fingerprint/request_params",
                              "/fingerprint/model", "/fingerprint/dialect", "/fingerprint/server_model"}) {
      const nlohmann::json::json_pointer at(field);
      ASSERT_TRUE(before.contains(at)) << field;
      ASSERT_TRUE(after.contains(at)) << field;
      EXPECT_EQ(after[at], before[at]) << field << " of " << before["model"] << " " << before["task"];
    }
    passed += before["verdict"] == "pass";
  }
  EXPECT_EQ(passed, 6);  // sim-fast passes all, sim-wrong none: both verdicts were compared

  // --model still selects among the recorded models.
  const auto only = run("run " + mini_tasks() + " --replay " + quoted_path("rec") + " --repeat 2 --model sim-fast -o " + quoted_path("fast"));
  EXPECT_EQ(only.exit_code, 0) << only.out << only.err;
  EXPECT_EQ(journal("fast").size(), 6u);
}

TEST_F(RecordReplayTest, ReplayWithoutARecordingExitsTwo) {
  const auto r = run("run " + mini_tasks() + " --replay " + quoted_path("nothing-here") + " -o " + quoted_path("out"));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("no recording here"));
  EXPECT_FALSE(fs::exists(m_dir / "out" / "journal.jsonl"));
  // --replay brings its own models.
  record();
  const auto both = run("run " + mini_tasks() + " --replay " + quoted_path("rec") + " --sim -o " + quoted_path("out"));
  EXPECT_EQ(both.exit_code, 2) << both.out << both.err;
  EXPECT_THAT(both.err, HasSubstr("--replay"));
  // Recording twice into one directory would mix two evaluations.
  const auto again = run("run " + mini_tasks() + " " + sim_args() + " -o " + quoted_path("out2") + " --record " + quoted_path("rec"));
  EXPECT_EQ(again.exit_code, 2) << again.out << again.err;
  EXPECT_THAT(again.err, HasSubstr("already holds a recording"));
}

TEST_F(RecordReplayTest, ARunTheRecordingLacksIsAnErrorRun) {
  record();
  const auto r = run("run " + mini_tasks() + " --replay " + quoted_path("rec") + " --repeat 3 -o " + quoted_path("replayed"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto replayed = journal("replayed");
  ASSERT_EQ(replayed.size(), 18u);
  for (const auto& [key, line] : replayed) {
    if (std::get<2>(key) < 2) {
      EXPECT_NE(line["verdict"], "error") << line.dump();
      continue;
    }
    EXPECT_EQ(line["verdict"], "error") << line.dump();
    EXPECT_THAT(line["error"]["message"].get<std::string>(), HasSubstr("has no run for"));
  }
}

TEST_F(RecordReplayTest, AChangedPromptIsAnErrorRun) {
  record();
  std::string tasks = read_file(test::data_path("tasks/mini.yaml"));
  const std::string old_prompt = "What is the capital of Japan? Answer in one word.";
  const auto at = tasks.find(old_prompt);
  ASSERT_NE(at, std::string::npos);
  tasks.replace(at, old_prompt.size(), "What is the capital of France? Answer in one word.");
  std::ofstream(m_dir / "mini.yaml") << tasks;

  const auto r = run("run " + quoted_path("mini.yaml") + " --replay " + quoted_path("rec") + " --repeat 2 -o " + quoted_path("replayed"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto replayed = journal("replayed");
  ASSERT_EQ(replayed.size(), 12u);
  for (const auto& [key, line] : replayed) {
    if (std::get<1>(key) == "mini.capital") {
      EXPECT_EQ(line["verdict"], "error") << line.dump();
      EXPECT_THAT(line["error"]["message"].get<std::string>(), HasSubstr("recorded for a different prompt"));
    } else {
      EXPECT_EQ(line["verdict"], std::get<0>(key) == "sim-fast" ? "pass" : "fail") << line.dump();
    }
  }
}

// A C++ task case keeps every ask(): a two-turn conversation replays turn by turn.
TEST_F(RecordReplayTest, CppTaskCasesReplayEveryTurn) {
  const std::string binary = GOODPUT_EXAMPLE_TASK_BINARY;
  const auto r = run_binary(binary, "--sim-profiles " + quote(test::test_sim_profiles()) + " --model sim-fast -o " + quoted_path("recorded") +
                                        " --record " + quoted_path("rec"));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto replay = run_binary(binary, "--replay " + quoted_path("rec") + " -o " + quoted_path("replayed"));
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  const auto recorded = journal("recorded");
  const auto replayed = journal("replayed");
  ASSERT_EQ(replayed.size(), recorded.size());
  bool multi_turn = false;
  for (const auto& [key, before] : recorded) {
    const auto& after = replayed.at(key);
    EXPECT_EQ(after["verdict"], before["verdict"]);
    EXPECT_EQ(after["client"], before["client"]);
    ASSERT_TRUE(before.contains("turns"));
    EXPECT_EQ(after["turns"], before["turns"]);
    multi_turn = multi_turn || before["turns"].size() > 1;
  }
  EXPECT_TRUE(multi_turn);
}

}  // namespace
}  // namespace goodput
