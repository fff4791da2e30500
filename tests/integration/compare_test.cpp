// Drives the real `goodput compare` binary on results files written by `goodput run --sim`
// over tests/data/tasks/mini.yaml with tests/data/sim-test-profiles.yaml: sim-fast (right
// answers) as the baseline, sim-wrong (every task fails) as the candidate, from one file
// (--baseline-model / --candidate-model) and across two files; exit codes 0/1/2 and the
// Markdown and JSON outputs.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The results files are produced once for the whole suite: a run of both models (4 samples
// per task, so a 4/4 -> 0/4 drop is significant per task: one-sided Fisher p = 1/70), and
// one run of each model alone.
class CompareCommandIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = fs::temp_directory_path() / ("goodput-compare-it-" + std::to_string(::getpid()));
    fs::remove_all(s_dir);
    fs::create_directories(s_dir);
    const std::string common = "run " + quote(std::string(GOODPUT_TEST_DATA_DIR) + "/tasks/mini.yaml") + " --sim-profiles " +
                               quote(std::string(GOODPUT_TEST_DATA_DIR) + "/sim-test-profiles.yaml") + " --repeat 4";
    s_both = run_binary(common + " --model sim-fast --model sim-wrong -o " + quote((s_dir / "both").string()));
    s_fast = run_binary(common + " --model sim-fast -o " + quote((s_dir / "fast").string()));
    s_wrong = run_binary(common + " --model sim-wrong -o " + quote((s_dir / "wrong").string()));
  }
  static void TearDownTestSuite() { fs::remove_all(s_dir); }

  static ProcessResult run_binary(const std::string& args) {
    const std::string out = (s_dir / "stdout.txt").string();
    const std::string err = (s_dir / "stderr.txt").string();
    const std::string cmd = std::string(GOODPUT_BINARY) + " " + args + " >" + quote(out) + " 2>" + quote(err) + " </dev/null";
    const int status = std::system(cmd.c_str());
    ProcessResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  static std::string file(const std::string& name) { return quote((s_dir / name / "results.json").string()); }
  static std::string path(const std::string& name) { return (s_dir / name).string(); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(s_dir / name) << text;
    return quote((s_dir / name).string());
  }
  static nlohmann::json results(const std::string& name) { return nlohmann::json::parse(slurp(s_dir / name / "results.json")); }

  void SetUp() override {
    ASSERT_EQ(s_both.exit_code, 1) << s_both.out << s_both.err;  // sim-wrong fails every task
    ASSERT_EQ(s_fast.exit_code, 0) << s_fast.out << s_fast.err;
    ASSERT_EQ(s_wrong.exit_code, 1) << s_wrong.out << s_wrong.err;
  }

  static inline fs::path s_dir;
  static inline ProcessResult s_both, s_fast, s_wrong;
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

  const auto j = nlohmann::json::parse(slurp(path("cmp.json")));
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
  EXPECT_EQ(j["time_to_correct_s"]["candidate"], "inf");
  EXPECT_TRUE(j["latency"]["e2e"]["baseline_p50_s"].is_number());

  const std::string md = slurp(path("cmp.md"));
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
  EXPECT_EQ(nlohmann::json::parse(slurp(path("rev.json")))["verdicts"]["improved"], 3);
  r = run_binary("compare " + file("both") + " " + file("fast") + " --baseline-model sim-fast --fail-on regression --json " +
                 quote(path("same.json")));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(path("same.json")))["verdicts"]["unchanged"], 3);
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
  const std::string gate = write("gate.yaml", "alpha: 0.05\nfail_on: regression\nmax_latency_increase: 20%\n");
  r = run_binary("compare " + file("fast") + " " + file("wrong") + " --config " + gate);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
}

TEST_F(CompareCommandIntegrationTest, ChangedPromptIsNotComparableAndDoesNotGate) {
  auto doc = results("wrong");
  for (auto& t : doc["tasks"]) t["prompt"] = t["prompt"].get<std::string>() + " Think first.";
  const std::string edited = write("edited.json", doc.dump());
  const auto r = run_binary("compare " + file("fast") + " " + edited + " --fail-on regression --json " + quote(path("nc.json")));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("not comparable: task text differs (prompt)"));
  EXPECT_EQ(nlohmann::json::parse(slurp(path("nc.json")))["verdicts"]["not_comparable"], 3);
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
  r = run_binary("compare " + file("fast") + " " + write("v2.json", doc.dump()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("schema_version"));
  // No shared task.
  doc = results("wrong");
  for (auto& t : doc["tasks"]) t["id"] = "other." + t["id"].get<std::string>();
  for (auto& run : doc["runs"]) run["task"] = "other." + run["task"].get<std::string>();
  r = run_binary("compare " + file("fast") + " " + write("other.json", doc.dump()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("share no task"));
  // Unknown key in the gate file: file:line.
  const std::string gate = write("typo.yaml", "alpha: 0.05\nmax_latency: 20%\n");
  r = run_binary("compare " + file("fast") + " " + file("wrong") + " --config " + gate);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("typo.yaml:2"));
  // A bad flag value.
  r = run_binary("compare " + file("fast") + " " + file("wrong") + " --fail-on sometimes");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace goodput
