// README "Pass rate per task": a task with min_pass_rate is judged per model over its samples.
// The simulator answers right with chance 0.7 from a fixed seed, which gives exactly 7 right
// answers in 10 requests; the tests check the verdict against two thresholds in the log, the
// exit code, results.json and the JUnit file, and that bad values are refused before any request.
#include <filesystem>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/binary_test.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::quote;

// Seed 6 draws 7 of its first 10 values below 0.7 (ChanceDraws in sim_server.cpp): 7 right
// answers out of 10, in whatever order the requests arrive.
constexpr const char* k_seven_of_ten_profiles = R"(models:
  - id: sim-sometimes
    ttft_ms: 5
    tokens_per_second: 2000
    seed: 6
    answers:
      - match: "capital of Japan"
        text: "Tokyo."
        chance: 0.7
      - match: "capital of Japan"
        text: "Kyoto."
  - id: sim-always
    ttft_ms: 5
    tokens_per_second: 2000
    answers:
      - match: "capital of Japan"
        text: "Tokyo."
)";

class TaskVerdictTest : public test::BinaryTest {
 protected:
  TaskVerdictTest() : BinaryTest("verdict") {}

  // One task asked 10 times, judged with `min_pass_rate` (a YAML scalar, or none when empty).
  std::string tasks(const std::string& min_pass_rate) const {
    return write("t.yaml", "suite: geo\ntasks:\n  - id: capital\n    prompt: 'What is the capital of Japan?'\n    repeat: 10\n" +
                               (min_pass_rate.empty() ? std::string() : "    min_pass_rate: " + min_pass_rate + "\n") +
                               "    assert: [{type: contains, value: Tokyo}]\n");
  }

  test::ProcessResult run_tasks(const std::string& min_pass_rate, const std::string& extra = "") const {
    return run("run " + quote(tasks(min_pass_rate)) + " --sim --sim-profiles " + quote(write("p.yaml", k_seven_of_ten_profiles)) +
               " -o " + quote(path("out")) + " --junit " + quote(path("junit.xml")) + extra);
  }

  std::string junit() const { return test::read_file(m_dir / "junit.xml"); }
  nlohmann::json results() const { return test::read_json(m_dir / "out" / "results.json"); }
};

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(TaskVerdictTest, SevenOfTenPassesAtSixtyPercent) {
  const auto r = run_tasks("0.6");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] sim-sometimes geo.capital 7/10 ≥ 60%\n"));
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] sim-always geo.capital 10/10 ≥ 60%\n"));
  // The samples that failed are still in the log as such.
  EXPECT_EQ(count(r.out, "[  FAILED  ] sim-sometimes / geo.capital #"), 3 + 3) << r.out;  // as they finish, and listed

  const nlohmann::json verdict = results()["summary"]["sim-sometimes"]["tasks"]["geo.capital"]["task_verdict"];
  EXPECT_EQ(verdict, (nlohmann::json{{"verdict", "pass"}, {"min_pass_rate", 0.6}, {"samples", 10}, {"passed", 7}, {"judged", 10}, {"errors", 0}}));
  EXPECT_EQ(results()["tasks"][0]["min_pass_rate"], 0.6);

  // The HTML report's matrix shows the verdict in the task x model's cell.
  const auto report = run("report " + quote(path("out")) + " -o " + quote(path("r.html")));
  ASSERT_EQ(report.exit_code, 0) << report.out << report.err;
  EXPECT_EQ(count(test::read_file(m_dir / "r.html"), "<span class=\"tv pass\">pass ≥ 60%</span>"), 2);
}

TEST_F(TaskVerdictTest, SevenOfTenFailsAtEightyPercent) {
  const auto r = run_tasks("0.8");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  FAILED  ] sim-sometimes geo.capital 7/10 < 80%\n"));
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] sim-always geo.capital 10/10 ≥ 80%\n"));
  EXPECT_EQ(results()["summary"]["sim-sometimes"]["tasks"]["geo.capital"]["task_verdict"]["verdict"], "fail");
  // The Markdown summary goes by the verdicts too.
  ASSERT_EQ(run_tasks("0.8", " --replace-output --markdown " + quote(path("s.md"))).exit_code, 1);
  const std::string md = test::read_file(m_dir / "s.md");
  EXPECT_THAT(md, HasSubstr("## goodput run: ❌ "));
  EXPECT_THAT(md, HasSubstr("| ❌ geo.capital | sim-sometimes | 7/10 < 80% |"));
  EXPECT_THAT(md, HasSubstr("| ✅ geo.capital | sim-always | 10/10 ≥ 80% |"));
  ASSERT_EQ(run_tasks("0.6", " --replace-output --markdown " + quote(path("s.md"))).exit_code, 0);
  EXPECT_THAT(test::read_file(m_dir / "s.md"), HasSubstr("## goodput run: ✅ "));
}

// Exactly the share: 7 of 10 meets 0.7 (0.7 x 10 is not 7 in binary floating point).
TEST_F(TaskVerdictTest, TheShareItselfPasses) {
  const auto r = run_tasks("0.7");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] sim-sometimes geo.capital 7/10 ≥ 70%\n"));
}

// Without min_pass_rate every sample is its own verdict: one failure fails the run.
TEST_F(TaskVerdictTest, WithoutMinPassRateEverySampleCounts) {
  const auto r = run_tasks("");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("task verdicts")));
  const std::string xml = junit();
  EXPECT_EQ(count(xml, "<testcase "), 20) << xml;
  EXPECT_EQ(count(xml, "<failure "), 3) << xml;
  EXPECT_THAT(xml, HasSubstr("classname=\"sim-sometimes.geo\" name=\"capital#1\""));
  EXPECT_FALSE(results()["summary"]["sim-sometimes"]["tasks"]["geo.capital"].contains("task_verdict"));
}

// JUnit: one test case per task x model, the samples inside, a failure only below the share.
TEST_F(TaskVerdictTest, JunitHasOneCasePerTaskAndModelWithTheSamplesInside) {
  ASSERT_EQ(run_tasks("0.8").exit_code, 1);
  std::string xml = junit();
  EXPECT_EQ(count(xml, "<testcase "), 2) << xml;
  EXPECT_EQ(count(xml, "<failure "), 1) << xml;
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"goodput\" tests=\"2\" failures=\"1\" errors=\"0\""));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"sim-sometimes.geo\" name=\"capital\""));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"sim-always.geo\" name=\"capital\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"too few samples passed: 7/10 &lt; 80%\" type=\"min_pass_rate\">"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"min_pass_rate\" value=\"0.8\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"passed\" value=\"7\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"sample_10\" value="));
  EXPECT_THAT(xml, HasSubstr("<system-out>passed 7/10 &lt; 80% (min_pass_rate 0.8)\n#1 "));
  // Each sample's verdict is there: 7 passes and 3 failures in sim-sometimes' system-out.
  const std::size_t out_at = xml.find("<system-out>passed 7/10");
  const std::string out = xml.substr(out_at, xml.find("</system-out>", out_at) - out_at);
  EXPECT_EQ(count(out, " pass\n"), 7) << out;
  EXPECT_EQ(count(out, " fail: contains"), 3) << out;

  ASSERT_EQ(run_tasks("0.6", " --replace-output").exit_code, 0);
  xml = junit();
  EXPECT_EQ(count(xml, "<testcase "), 2) << xml;
  EXPECT_EQ(count(xml, "<failure "), 0) << xml;
}

// Errors are not failures: samples that did not complete leave the verdict open when they
// could change it (here every sample errs: nothing is decided).
TEST_F(TaskVerdictTest, ErrorsThatCouldChangeTheVerdictLeaveItUndecided) {
  const std::string profiles = write("p.yaml", "models:\n  - id: sim-down\n    ttft_ms: 5\n    tokens_per_second: 2000\n    answers:\n"
                                               "      - match: 'capital'\n        text: 'Tokyo.'\n        fault: {kind: error, after_tokens: 1}\n");
  const std::string models_args = " --sim --sim-profiles " + quote(profiles);
  const auto r = run("run " + quote(tasks("0.5")) + models_args + " -o " + quote(path("out")) + " --junit " + quote(path("junit.xml")));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  ERROR   ] sim-down geo.capital 0/10 with 10 errors: undecided at 50%\n"));
  EXPECT_THAT(junit(), HasSubstr("<error message=\"too few samples judged to decide: 0/10 with 10 errors: undecided at 50%\" type=\"min_pass_rate\">"));
  EXPECT_EQ(results()["summary"]["sim-down"]["tasks"]["geo.capital"]["task_verdict"]["verdict"], "error");
}

TEST_F(TaskVerdictTest, AShareOutsideZeroToOneIsBadInputNamingTheLine) {
  for (const std::string bad : {"1.5", "-0.1", "eighty"}) {
    const auto r = run_tasks(bad);
    EXPECT_EQ(r.exit_code, 2) << bad << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("t.yaml:6:20: tasks[0].min_pass_rate: ")) << r.err;
    EXPECT_THAT(r.err, HasSubstr("from 0 to 1")) << r.err;
    EXPECT_FALSE(std::filesystem::exists(m_dir / "out")) << bad;
  }
}

}  // namespace
}  // namespace goodput
