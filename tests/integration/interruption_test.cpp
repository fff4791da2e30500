// SPDX-License-Identifier: MIT
// `goodput run` stopped from outside, as a user or a CI runner stops it: SIGINT and SIGTERM
// (once, and again while it stops), and kill -9 at random moments followed by `--resume`.
// Whatever happens, the journal holds whole lines and the reports cover the finished runs.
#include <signal.h>

#include <chrono>
#include <map>
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

  // Waits (at most 100 ms: the stop it waits for takes up to a second) until `process` has
  // written `text`.
  static bool wait_for_output(const test::BackgroundProcess& process, const std::string& text) {
    for (int i = 0; i < 5; ++i) {
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
  if (!goodput.running()) GTEST_SKIP() << "goodput stopped before a second signal could be sent";
  goodput.signal(SIGINT);
  EXPECT_EQ(goodput.wait(), 130) << goodput.output();
  EXPECT_THAT(goodput.output(), HasSubstr("already stopping"));
  expect_reports_match_journal(out);
}

// (model, task, sample) -> verdict of every run in results.json; each run once.
std::map<std::string, std::string> verdicts_of(const fs::path& results_path) {
  const nlohmann::json results = test::read_json(results_path);
  std::map<std::string, std::string> verdicts;
  for (const auto& run : results["runs"]) {
    const std::string key = run["model"].get<std::string>() + "/" + run["task"].get<std::string>() + "#" + run["sample"].dump();
    EXPECT_TRUE(verdicts.emplace(key, run["verdict"].get<std::string>()).second) << key << " twice";
  }
  return verdicts;
}

// kill -9 at random moments (during start-up, between runs, while a line is written), then
// --resume, over and over: the final results hold every run once, with the verdicts of a run
// that was never stopped, and the journal has no torn line.
TEST_F(InterruptionTest, KillNineAtRandomMomentsThenResumeGivesTheVerdictsOfACleanRun) {
  constexpr int k_repeat = 40;  // 240 runs of about 30 ms, two models at once
  constexpr int k_kills = 20;
  const auto clean = run("run " + test::quote(test::data_path("tasks/mini.yaml")) + " --models " + test::quote(m_models) +
                          " --repeat " + std::to_string(k_repeat) + " -o " + test::quote(path("clean")));
  ASSERT_EQ(clean.exit_code, 1) << clean.output();  // steady-wrong fails

  const std::string out = path("killed");
  std::mt19937 random(20261205);
  std::uniform_int_distribution<int> delay_ms(0, 300);
  int kills = 0;
  int kills_among_runs = 0;  // after this attempt had written a run
  int exit_code = -1;
  for (int attempt = 0; attempt < 200 && exit_code < 0; ++attempt) {
    const bool resumable = fs::exists(fs::path(out) / "resume.json");
    const std::vector<std::string> args = resumable ? std::vector<std::string>{"run", "--resume", out} : run_args(out, k_repeat);
    const int lines_before = journal_lines(out);
    test::BackgroundProcess goodput(test::goodput_binary(), args, m_dir, "attempt");
    if (kills < k_kills) {
      // Every other kill waits for a run to be written first, so that kills land among the
      // runs (a request in flight, a line being written) and not only during start-up.
      if (attempt % 2 == 1)
        for (int i = 0; i < 500 && journal_lines(out) <= lines_before && goodput.running(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::this_thread::sleep_for(std::chrono::milliseconds(attempt % 2 == 1 ? delay_ms(random) / 8 : delay_ms(random)));
      if (goodput.running()) {
        goodput.signal(SIGKILL);
        EXPECT_EQ(goodput.wait(), -SIGKILL);
        ++kills;
        if (journal_lines(out) > lines_before) ++kills_among_runs;
        continue;
      }
    }
    exit_code = goodput.wait();
    ASSERT_EQ(exit_code, 1) << goodput.output();
  }
  EXPECT_GE(kills, k_kills);
  EXPECT_GE(kills_among_runs, k_kills / 4);
  RecordProperty("kills", kills);
  RecordProperty("kills_among_runs", kills_among_runs);
  const JsonlScan scan = read_jsonl_lines((fs::path(out) / "journal.jsonl").string(), [](const std::string& line, int number) {
    EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << "journal line " << number;
  });
  EXPECT_EQ(scan.torn_bytes, 0u);
  const auto expected = verdicts_of(fs::path(path("clean")) / "results.json");
  EXPECT_EQ(expected.size(), 2u * 3u * k_repeat);
  EXPECT_EQ(verdicts_of(fs::path(out) / "results.json"), expected);
  const nlohmann::json results = test::read_json(fs::path(out) / "results.json");
  EXPECT_EQ(results["planned_runs"], 2 * 3 * k_repeat);
  EXPECT_EQ(results["summary"]["steady-right"]["passed"], 3 * k_repeat);
  EXPECT_EQ(results["summary"]["steady-wrong"]["failed"], 3 * k_repeat);
}

// A server that was down: its runs end in errors, and a resume once it is up does them again;
// results.json has each run once, from its last line.
TEST_F(InterruptionTest, ResumeRedoesTheRunsThatEndedInAnError) {
  const int port = m_sim->port();
  m_models = write("models.yaml", test::models_yaml(m_sim->base_url(), {"steady-right"}, ", retry: {attempts: 0}"));
  m_sim->stop();
  const std::string out = path("out");
  const auto down = run("run " + test::quote(test::data_path("tasks/mini.yaml")) + " --models " + test::quote(m_models) + " -o " +
                        test::quote(out));
  ASSERT_EQ(down.exit_code, 1) << down.output();
  EXPECT_EQ(test::read_json(fs::path(out) / "results.json")["summary"]["steady-right"]["errors"], 3);

  m_sim = std::make_unique<sim::SimServer>(sim::load_sim_profiles(path("profiles.yaml")));
  m_sim->start("127.0.0.1", port);
  const auto up = run("run --resume " + test::quote(out));
  ASSERT_EQ(up.exit_code, 0) << up.output();
  EXPECT_THAT(up.out, HasSubstr("0 finished run(s) are taken from its journal, 3 to do"));
  EXPECT_EQ(test::read_jsonl(fs::path(out) / "journal.jsonl").size(), 6u);  // appended: the errors stay
  const nlohmann::json results = test::read_json(fs::path(out) / "results.json");
  EXPECT_EQ(results["runs"].size(), 3u);
  EXPECT_EQ(results["summary"]["steady-right"]["passed"], 3);
  EXPECT_EQ(results["summary"]["steady-right"]["errors"], 0);
}

// A resume takes the runs the journal has: results.json and the summary cover them all, and
// the ones it redoes are only those missing; a line cut by a kill is cut off first.
TEST_F(InterruptionTest, ResumeDoesOnlyTheMissingRunsAndDropsATornLine) {
  const std::string out = path("out");
  const std::string args = "run " + test::quote(test::data_path("tasks/mini.yaml")) + " --models " + test::quote(m_models) + " -o " +
                           test::quote(out) + " --repeat 2";
  ASSERT_EQ(run(args).exit_code, 1);
  // Keep the first 5 runs, then half of the 6th, as a kill while writing it leaves the file.
  const std::string journal = (fs::path(out) / "journal.jsonl").string();
  const std::vector<nlohmann::json> lines = test::read_jsonl(journal);
  ASSERT_EQ(lines.size(), 12u);
  std::string kept;
  for (int i = 0; i < 5; ++i) kept += lines[static_cast<std::size_t>(i)].dump() + "\n";
  const std::string sixth = lines[5].dump();
  test::write_file(journal, kept + sixth.substr(0, sixth.size() / 2));
  fs::remove(fs::path(out) / "results.json");

  const auto resumed = run("run --resume " + test::quote(out));
  EXPECT_EQ(resumed.exit_code, 1) << resumed.output();
  EXPECT_THAT(resumed.err, HasSubstr("its last line (" + std::to_string(sixth.size() / 2) + " bytes) was cut off"));
  EXPECT_THAT(resumed.out, HasSubstr("5 finished run(s) are taken from its journal, 7 to do"));
  EXPECT_THAT(resumed.out, HasSubstr("[==========] 12 runs"));
  EXPECT_THAT(resumed.out, HasSubstr("12 of 12 runs finished"));
  EXPECT_EQ(test::read_jsonl(journal).size(), 12u);
  expect_reports_match_journal(out);
  const nlohmann::json results = test::read_json(fs::path(out) / "results.json");
  EXPECT_EQ(results["summary"]["steady-right"]["passed"], 6);
  EXPECT_EQ(results["summary"]["steady-wrong"]["failed"], 6);
}

// --sim starts the simulator on a new port each time: that is no change of model.
TEST_F(InterruptionTest, ResumeOfASimRunIgnoresTheSimulatorsNewPort) {
  const std::string out = path("out");
  const auto first = run("run " + test::quote(test::data_path("tasks/mini.yaml")) + " --sim --sim-profiles " +
                         test::quote(path("profiles.yaml")) + " --model steady-right --model steady-wrong --repeat 2 -o " +
                         test::quote(out));
  ASSERT_EQ(first.exit_code, 1) << first.output();
  const std::string journal = (fs::path(out) / "journal.jsonl").string();
  const std::vector<nlohmann::json> lines = test::read_jsonl(journal);
  ASSERT_EQ(lines.size(), 12u);
  test::write_file(journal, lines[0].dump() + "\n" + lines[1].dump() + "\n" + lines[2].dump() + "\n");
  const auto resumed = run("run --resume " + test::quote(out));
  EXPECT_EQ(resumed.exit_code, 1) << resumed.output();
  EXPECT_THAT(resumed.out, HasSubstr("3 finished run(s) are taken from its journal, 9 to do"));
  expect_reports_match_journal(out);
  EXPECT_EQ(test::read_json(fs::path(out) / "results.json")["runs"].size(), 12u);
}

// The fingerprints go to fingerprints.json beside resume.json (saving them must not rewrite a
// resume.json that lists 10,000 tasks); a resume compares the server's with them.
TEST_F(InterruptionTest, ResumeRefusesAServerWhoseFingerprintChanged) {
  const std::string out = path("out");
  ASSERT_EQ(run("run " + test::quote(test::data_path("tasks/mini.yaml")) + " --sim --sim-profiles " + test::quote(path("profiles.yaml")) +
                " --model steady-right -o " + test::quote(out))
                .exit_code,
            0);
  EXPECT_FALSE(test::read_json(fs::path(out) / "resume.json").contains("fingerprints"));
  nlohmann::json fingerprints = test::read_json(fs::path(out) / "fingerprints.json");
  ASSERT_EQ(fingerprints["steady-right"]["model"], "steady-right");
  const std::string journal = (fs::path(out) / "journal.jsonl").string();
  const std::vector<nlohmann::json> lines = test::read_jsonl(journal);
  ASSERT_GE(lines.size(), 2u);
  test::write_file(journal, lines[0].dump() + "\n");
  fingerprints["steady-right"]["model"] = "another-model";
  test::write_file(fs::path(out) / "fingerprints.json", fingerprints.dump());
  const auto refused = run("run --resume " + test::quote(out));
  EXPECT_EQ(refused.exit_code, 2) << refused.output();
  EXPECT_THAT(refused.err, HasSubstr("model steady-right: model (\"another-model\" -> \"steady-right\")"));
  // Without the file (stopped before the servers were probed), the resume probes them now.
  fs::remove(fs::path(out) / "fingerprints.json");
  const auto resumed = run("run --resume " + test::quote(out));
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output();
  EXPECT_EQ(test::read_json(fs::path(out) / "fingerprints.json")["steady-right"]["model"], "steady-right");
}

TEST_F(InterruptionTest, ResumeRefusesChangedTasksOrModelsSayingWhat) {
  const std::string tasks = write("tasks.yaml", test::read_file(test::data_path("tasks/mini.yaml")));
  const std::string out = path("out");
  ASSERT_EQ(run("run " + test::quote(tasks) + " --models " + test::quote(m_models) + " -o " + test::quote(out)).exit_code, 1);
  const std::string journal_before = test::read_file(fs::path(out) / "journal.jsonl");

  std::string edited = test::read_file(tasks);
  edited.replace(edited.find("Answer in one word."), 19, "Answer in two words.");
  write("tasks.yaml", edited);
  auto r = run("run --resume " + test::quote(out));
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("refusing to resume"));
  EXPECT_THAT(r.err, HasSubstr("task mini.capital: prompt"));

  // An assertion's expected value is only in the file.
  write("tasks.yaml", test::read_file(test::data_path("tasks/mini.yaml")).replace(
                          test::read_file(test::data_path("tasks/mini.yaml")).find("value: tokyo"), 12, "value: kyoto"));
  r = run("run --resume " + test::quote(out));
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("was edited"));

  write("tasks.yaml", test::read_file(test::data_path("tasks/mini.yaml")));
  write("models.yaml", test::models_yaml(m_sim->base_url(), {"steady-right", "steady-wrong"}, ", params: {temperature: 0.5}"));
  r = run("run --resume " + test::quote(out));
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("model steady-right: params ({} -> {\"temperature\":0.5})"));

  // A judge of model-graded assertions is compared as the models are: another judge would
  // grade the runs still to do otherwise.
  write("models.yaml", test::models_yaml(m_sim->base_url(), {"steady-right", "steady-wrong"}) + "judges:\n  - {name: grader, base_url: '" +
                           m_sim->base_url() + "', model: steady-right}\n");
  r = run("run --resume " + test::quote(out));
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("judge grader"));
  EXPECT_EQ(test::read_file(fs::path(out) / "journal.jsonl"), journal_before);  // nothing ran
}

TEST_F(InterruptionTest, ResumeNeedsARunToResumeAndNoOtherSettings) {
  auto r = run("run --resume " + test::quote(path("nothing")));
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("holds no resume.json"));
  r = run("run --resume " + test::quote(path("nothing")) + " --repeat 3 --models " + test::quote(m_models));
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("drop --models, --repeat"));
  // A directory with a journal is not reused without --resume, and the message says how to resume.
  const std::string out = path("out");
  const std::string args = "run " + test::quote(test::data_path("tasks/mini.yaml")) + " --models " + test::quote(m_models) + " -o " +
                           test::quote(out);
  ASSERT_EQ(run(args).exit_code, 1);
  r = run(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("goodput run --resume " + out));
}

}  // namespace
}  // namespace goodput
