// Drives the real `goodput compare` binary on results files written by `goodput run --sim`
// over tests/data/tasks/mini.yaml with tests/data/sim-test-profiles.yaml: sim-fast (right
// answers) as the baseline, sim-wrong (every task fails) as the candidate, from one file
// (--baseline-model / --candidate-model) and across two files; exit codes 0/1/2 and the
// Markdown and JSON outputs.
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/binary_test.hpp"
#include "support/shared_outputs.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using test::ProcessResult;
using test::quote;
using test::read_file;

// The results files: a run of both models (4 samples per task, so a 4/4 -> 0/4 drop is
// significant per task: one-sided Fisher p = 1/70), and one run of each model alone. Made once
// per build of goodput and shared by the tests of every process (support/shared_outputs.hpp);
// each test writes its own outputs into its own scratch directory.
class CompareCommandIntegrationTest : public test::BinaryTest {
 protected:
  CompareCommandIntegrationTest() : BinaryTest("compare-it") {}

  static void SetUpTestSuite() {
    const std::vector<std::pair<std::string, std::string>> runs = {
        {"both", " --model sim-fast --model sim-wrong"}, {"fast", " --model sim-fast"}, {"wrong", " --model sim-wrong"}};
    s_results = test::shared_outputs(
        "compare-it-results", {test::goodput_binary(), test::data_path("tasks/mini.yaml"), test::data_path("sim-test-profiles.yaml")},
        [&](const fs::path& dir) {
          const std::string common = "run " + quote(test::data_path("tasks/mini.yaml")) + " --sim-profiles " +
                                     quote(test::data_path("sim-test-profiles.yaml")) + " --repeat 4";
          for (const auto& [name, models] : runs) {
            const auto r = test::run_process(test::goodput_binary(), common + models + " -o " + quote((dir / name).string()), dir);
            test::write_file(dir / (name + ".exit"), std::to_string(r.exit_code));
            test::write_file(dir / (name + ".log"), r.out + r.err);
          }
        });
  }

  ProcessResult run_binary(const std::string& args) const { return run(args); }

  static std::string file(const std::string& name) { return quote((s_results / name / "results.json").string()); }
  std::string write_quoted(const std::string& name, const std::string& text) const { return quote(write(name, text)); }
  static nlohmann::json results(const std::string& name) { return test::read_json(s_results / name / "results.json"); }

  void SetUp() override {
    BinaryTest::SetUp();
    const auto exit_code = [](const std::string& name) { return read_file(s_results / (name + ".exit")); };
    const auto log = [](const std::string& name) { return read_file(s_results / (name + ".log")); };
    ASSERT_EQ(exit_code("both"), "1") << log("both");  // sim-wrong fails every task
    ASSERT_EQ(exit_code("fast"), "0") << log("fast");
    ASSERT_EQ(exit_code("wrong"), "1") << log("wrong");
  }

  static inline fs::path s_results;
};

TEST_F(CompareCommandIntegrationTest, TwoModelsOfOneFileGateFailsWithMarkdownAndJson) {
  const auto r = run_binary("compare " + file("both") + " --baseline-model sim-fast --candidate-model sim-wrong --fail-on regression" +
                            " --markdown " + quote(path("cmp.md")) + " --json " + quote(path("cmp.json")));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("mini.capital"));
  EXPECT_THAT(r.out, HasSubstr("REGRESSED"));
  EXPECT_THAT(r.out, HasSubstr("gate: FAILED"));
  EXPECT_THAT(r.out, HasSubstr("warning: the runs' fingerprints differ"));  // model swap: warned, compared
  EXPECT_THAT(r.out, HasSubstr("SIMULATED"));

  const auto j = nlohmann::json::parse(read_file(path("cmp.json")));
  EXPECT_EQ(j["kind"], "goodput.comparison");
  ASSERT_EQ(j["tasks"].size(), 3u);
  for (const auto& t : j["tasks"]) {
    EXPECT_EQ(t["verdict"], "regressed") << t.dump();
    EXPECT_EQ(t["baseline"]["passed"], 4);
    EXPECT_EQ(t["candidate"]["passed"], 0);
    EXPECT_NEAR(t["fisher"]["drop"].get<double>(), 1.0 / 70, 1e-9);
  }
  EXPECT_EQ(j["verdicts"]["regressed"], 3);
  EXPECT_EQ(j["gate"]["failed"], true);
  EXPECT_EQ(j["gate"]["exit_code"], 1);
  EXPECT_EQ(j["overall"]["tasks_dropped"], 3);
  EXPECT_EQ(j["overall"]["candidate"]["seconds_per_correct"], nullptr);
  EXPECT_EQ(j["overall"]["candidate"]["seconds_per_correct_missing"], "no correct answer");
  EXPECT_TRUE(j["overall"]["baseline"]["seconds_per_correct"].is_number());
  EXPECT_TRUE(j["latency"]["e2e"]["baseline_p50_s"].is_number());

  const std::string md = read_file(path("cmp.md"));
  EXPECT_THAT(md, HasSubstr("## goodput compare: ❌ regression"));
  EXPECT_THAT(md, HasSubstr("| `mini.arithmetic` | 4/4 100% | 0/4 0% | -100 pp |"));
  EXPECT_THAT(md, HasSubstr("**REGRESSED**"));
}

TEST_F(CompareCommandIntegrationTest, ReportOnlyWithoutFailOnAndNoRegressionExitZero) {
  auto r = run_binary("compare " + file("both") + " --baseline-model sim-fast --candidate-model sim-wrong");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("would fail (not enforced"));
  // The reverse is an improvement; a model against itself is unchanged.
  r = run_binary("compare " + file("both") + " --baseline-model sim-wrong --candidate-model sim-fast --fail-on regression --json " +
                 quote(path("rev.json")));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(path("rev.json")))["verdicts"]["improved"], 3);
  r = run_binary("compare " + file("both") + " " + file("fast") + " --baseline-model sim-fast --fail-on regression --json " +
                 quote(path("same.json")));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(path("same.json")))["verdicts"]["unchanged"], 3);
  EXPECT_THAT(r.out, HasSubstr("gate: PASSED"));
}

TEST_F(CompareCommandIntegrationTest, AcrossTwoFiles) {
  auto r = run_binary("compare " + file("fast") + " " + file("wrong") + " --fail-on regression");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("REGRESSED"));
  r = run_binary("compare " + file("wrong") + " " + file("fast") + " --fail-on regression");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("improved"));
  // Gate settings from a file.
  const std::string gate = write_quoted("gate.yaml", "alpha: 0.05\nfail_on: regression\nmax_latency_increase: 20%\n");
  r = run_binary("compare " + file("fast") + " " + file("wrong") + " --config " + gate);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

TEST_F(CompareCommandIntegrationTest, ChangedPromptIsNotComparableAndDoesNotGate) {
  auto doc = results("wrong");
  for (auto& t : doc["tasks"]) t["prompt"] = t["prompt"].get<std::string>() + " Think first.";
  const std::string edited = write_quoted("edited.json", doc.dump());
  const auto r = run_binary("compare " + file("fast") + " " + edited + " --fail-on regression --json " + quote(path("nc.json")));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("not comparable: task text differs (prompt)"));
  EXPECT_EQ(nlohmann::json::parse(read_file(path("nc.json")))["verdicts"]["not_comparable"], 3);
}

TEST_F(CompareCommandIntegrationTest, BadInputExitsTwo) {
  // Missing file.
  auto r = run_binary("compare " + quote(path("missing.json")) + " " + file("fast"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot be read"));
  // Several models and no --baseline-model.
  r = run_binary("compare " + file("both") + " " + file("fast"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--baseline-model"));
  // Another schema.
  auto doc = results("wrong");
  doc["schema_version"] = 2;
  r = run_binary("compare " + file("fast") + " " + write_quoted("v2.json", doc.dump()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("schema_version"));
  // No shared task.
  doc = results("wrong");
  for (auto& t : doc["tasks"]) t["id"] = "other." + t["id"].get<std::string>();
  for (auto& run : doc["runs"]) run["task"] = "other." + run["task"].get<std::string>();
  r = run_binary("compare " + file("fast") + " " + write_quoted("other.json", doc.dump()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("share no task"));
  // Unknown key in the gate file: file:line.
  const std::string gate = write_quoted("typo.yaml", "alpha: 0.05\nmax_latency: 20%\n");
  r = run_binary("compare " + file("fast") + " " + file("wrong") + " --config " + gate);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("typo.yaml:2"));
  // A bad flag value.
  r = run_binary("compare " + file("fast") + " " + file("wrong") + " --fail-on sometimes");
  EXPECT_EQ(r.exit_code, 2);
}

// What the gate can see at the sample counts at hand: sim-fast (every task passes) run once at
// --repeat 1 and once at --repeat 20 over mini.yaml's 3 tasks, each compared with itself.
// Figures from the plain-Python enumeration (tests/framework/detectable_drop_test.cpp): from
// the assumed 0.90, 3 pairs (pooled Fisher or McNemar) detect no drop at all; 60 vs 60 runs
// (pooled Fisher, alpha 0.05) detect 19 points; per task 20 vs 20 at alpha 0.05/3: 46 points.
class GateSampleCountIntegrationTest : public test::BinaryTest {
 protected:
  GateSampleCountIntegrationTest() : BinaryTest("gate-samples-it") {}

  static void SetUpTestSuite() {
    s_results = test::shared_outputs(
        "gate-samples-it-results",
        {test::goodput_binary(), test::data_path("tasks/mini.yaml"), test::data_path("sim-test-profiles.yaml")}, [](const fs::path& dir) {
          for (const auto& [name, repeat] : std::vector<std::pair<std::string, std::string>>{{"one", "1"}, {"twenty", "20"}}) {
            const auto r = test::run_process(test::goodput_binary(),
                                             "run " + quote(test::data_path("tasks/mini.yaml")) + " --sim-profiles " +
                                                 quote(test::data_path("sim-test-profiles.yaml")) + " --model sim-fast --repeat " +
                                                 repeat + " -o " + quote((dir / name).string()),
                                             dir);
            test::write_file(dir / (name + ".exit"), std::to_string(r.exit_code));
          }
        });
  }
  static std::string file(const std::string& name) { return quote((s_results / name / "results.json").string()); }
  void SetUp() override {
    BinaryTest::SetUp();
    ASSERT_EQ(read_file(s_results / "one.exit"), "0");
    ASSERT_EQ(read_file(s_results / "twenty.exit"), "0");
  }
  static inline fs::path s_results;
};

TEST_F(GateSampleCountIntegrationTest, OneSamplePerTaskIsWarnedAndInconclusiveWithALimit) {
  auto r = run("compare " + file("one") + " " + file("one") + " --fail-on regression");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("warning: with 3 vs 3 judged runs the gate detects (80% power) no drop in the overall pass rate, "
                               "not even to 0%: any drop passes unseen; run more samples per task (--repeat)"));
  EXPECT_THAT(r.out, HasSubstr("smallest drop detected (80% power): overall none, not even from an assumed 90% (observed 100%) "
                               "to 0%; 3 vs 3 runs, pooled one-sided Fisher or McNemar, alpha 0.05; per task none for 3 task(s)"));
  EXPECT_THAT(r.out, HasSubstr("gate: PASSED"));
  r = run("compare " + file("one") + " " + file("one") + " --fail-on regression --min-detectable-drop 20% --json " +
          quote(path("c.json")));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("gate: INCONCLUSIVE"));
  const auto j = nlohmann::json::parse(read_file(path("c.json")));
  EXPECT_EQ(j["gate"]["inconclusive"], true);
  EXPECT_EQ(j["gate"]["exit_code"], 3);
  EXPECT_TRUE(j["overall"]["detectable_drop"]["drop"].is_null());
}

TEST_F(GateSampleCountIntegrationTest, TwentySamplesPerTaskSeeANineteenPointDrop) {
  const auto r = run("compare " + file("twenty") + " " + file("twenty") + " --fail-on regression --min-detectable-drop 20% --json " +
                     quote(path("c.json")));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("judged runs the gate")));  // no sample-count warning
  EXPECT_THAT(r.out, HasSubstr("smallest drop detected (80% power): overall 19 points from an assumed 90% (observed 100%); "
                               "60 vs 60 runs, pooled one-sided Fisher, alpha 0.05; per task 46 points (one-sided Fisher at "
                               "alpha/3, Holm)"));
  EXPECT_THAT(r.out, HasSubstr("gate: PASSED"));
  const auto j = nlohmann::json::parse(read_file(path("c.json")));
  EXPECT_NEAR(j["overall"]["detectable_drop"]["drop"].get<double>(), 0.19, 1e-12);
  EXPECT_NEAR(j["tasks"][0]["detectable_drop"]["drop"].get<double>(), 0.46, 1e-12);
  EXPECT_EQ(j["gate"]["inconclusive"], false);
  // A limit below what 60 runs see: inconclusive.
  EXPECT_EQ(run("compare " + file("twenty") + " " + file("twenty") + " --fail-on regression --min-detectable-drop 15%").exit_code, 3);
}

}  // namespace
}  // namespace goodput
