// SPDX-License-Identifier: MIT
// `model-graded` through the real binary: the demo's simulated judge (sim-judge in
// examples/sim/seed-profiles.yaml: PASS when the answer holds what the rubric quotes after
// `must mention`) grades simulated models' answers, named under judges: in the models file or
// served by --sim as a `judge: true` profile. Pass, fail, and the error paths: a judge that is down or gives
// no verdict, and bad input (an unknown judge, no judge at all) before any request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/sim_profiles.hpp"
#include "support/binary_test.hpp"

namespace goodput {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using test::quote;

class ModelGradedTest : public test::BinaryTest {
 protected:
  ModelGradedTest() : BinaryTest("graded") {}
  void SetUp() override {
    BinaryTest::SetUp();
    sim::SimConfig config = sim::load_sim_profiles(test::test_sim_profiles());
    for (auto& p : sim::load_sim_profiles(test::data_path("sim-judge-profiles.yaml")).profiles) config.profiles.push_back(std::move(p));
    for (auto& p : sim::load_sim_profiles(test::source_path("examples/sim/seed-profiles.yaml")).profiles)
      if (p.judge) config.profiles.push_back(std::move(p));
    m_sim = test::start_sim(std::move(config));
  }
  void TearDown() override {
    m_sim->stop();
    BinaryTest::TearDown();
  }

  // Models under test, then `judges` (YAML list entries) at the simulator.
  std::string models(const std::vector<std::string>& ids, const std::string& judges) {
    std::string text = test::models_yaml(m_sim->base_url(), ids);
    return quote(write("models.yaml", text + "judges:\n" + judges));
  }
  std::string judge_entry(const std::string& name, const std::string& model) const {
    return "  - {name: " + name + ", base_url: " + m_sim->base_url() + ", model: " + model + "}\n";
  }
  std::string tasks(const std::string& extra = "") const {
    return quote(write("judged.yaml", "suite: judged\ntasks:\n  - id: capital\n    prompt: 'What is the capital of Japan? Answer in one word.'\n"
                                      "    assert:\n      - type: model-graded\n        rubric: 'must mention \"Tokyo\"'\n" + extra));
  }
  json results() const { return test::read_json(m_dir / "out" / "results.json"); }
  static const json& run_of(const json& doc, const std::string& model) {
    for (const auto& r : doc["runs"])
      if (r["model"] == model) return r;
    static const json none;
    return none;
  }

  std::unique_ptr<sim::SimServer> m_sim;
};

TEST_F(ModelGradedTest, TheJudgePassesARightAnswerAndFailsAWrongOneWithItsReasoningRecorded) {
  const auto r = run("run " + tasks() + " --models " + models({"sim-fast", "sim-wrong"}, judge_entry("rule-judge", "sim-judge")) +
                     " -o " + quote(path("out")));
  EXPECT_EQ(r.exit_code, 1) << r.output();  // sim-wrong fails
  EXPECT_THAT(r.out, HasSubstr("says FAIL"));
  EXPECT_THAT(r.out, HasSubstr("Judges of model-graded checks (their time and tokens are not in the models' figures)\n"
                               "  rule-judge: 2 calls · e2e p50 "));
  const json doc = results();
  const json& right = run_of(doc, "sim-fast");
  const json& wrong = run_of(doc, "sim-wrong");
  EXPECT_EQ(right["verdict"], "pass") << right.dump(2);
  EXPECT_EQ(wrong["verdict"], "fail") << wrong.dump(2);
  const json& facts = right["checks"][0]["facts"];
  EXPECT_EQ(facts["judge"], "rule-judge");
  EXPECT_EQ(facts["judge_verdict"], "PASS");
  EXPECT_EQ(facts["judge_reasoning"], "The answer mentions what the rubric asks for.");
  EXPECT_EQ(wrong["checks"][0]["facts"]["judge_verdict"], "FAIL");
  // The judge's figures are its own: the run's tokens and times are the answer's ("Tokyo." is
  // two tokens; the judge's reply is more).
  EXPECT_EQ(right["tokens"]["completion"], 2);
  EXPECT_GT(std::stoi(facts["judge_completion_tokens"].get<std::string>()), 2);
  EXPECT_GT(std::stod(facts["judge_e2e_s"].get<std::string>()), 0);
  EXPECT_EQ(doc["summary"]["sim-fast"]["completion_tokens_mean"], 2);
}

TEST_F(ModelGradedTest, AJudgeThatIsDownOrGivesNoVerdictIsAnErrorNotAFailure) {
  const std::string judges = judge_entry("mumbler", "sim-judge-mumbling") +
                             "  - {name: down, base_url: 'http://127.0.0.1:9/v1', model: x, retry: {attempts: 0}}\n";
  const auto r = run("run " + tasks("      - type: model-graded\n        rubric: 'must mention \"Tokyo\"'\n        judge: down\n") +
                     " --models " + models({"sim-fast"}, judges) + " -o " + quote(path("out")));
  EXPECT_EQ(r.exit_code, 1) << r.output();
  const json doc = results();
  const json& run = run_of(doc, "sim-fast");
  EXPECT_EQ(run["verdict"], "error") << run.dump(2);
  ASSERT_EQ(run["checks"].size(), 2u);
  EXPECT_EQ(run["checks"][0]["outcome"], "error");
  EXPECT_THAT(run["checks"][0]["message"].get<std::string>(), HasSubstr("'mumbler' gave no verdict"));
  EXPECT_EQ(run["checks"][1]["outcome"], "error");
  EXPECT_THAT(run["checks"][1]["message"].get<std::string>(), HasSubstr("'down' could not be asked: connect"));
  EXPECT_EQ(doc["summary"]["sim-fast"]["failed"], 0);
}

TEST_F(ModelGradedTest, AnUnknownJudgeOrNoJudgeIsBadInputBeforeAnyRequest) {
  auto r = run("run " + tasks("        judge: nope\n") + " --models " + models({"sim-fast"}, judge_entry("rule-judge", "sim-judge")) +
               " -o " + quote(path("out")));
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("judged.yaml:6:9: judge: no judge named 'nope' (judges: rule-judge)"));
  r = run("run " + tasks() + " --models " + quote(write("plain.yaml", test::models_yaml(m_sim->base_url(), {"sim-fast"}))) + " -o " +
          quote(path("out")));
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("model-graded needs a judge model"));
  EXPECT_FALSE(std::filesystem::exists(m_dir / "out"));
}

TEST_F(ModelGradedTest, SimProfilesMarkedJudgeAreServedAsJudgesAndNotEvaluated) {
  const auto r = run("run " + tasks() + " --sim --sim-profiles " + quote(test::source_path("examples/sim/seed-profiles.yaml")) +
                     " --sim-profiles " + quote(test::test_sim_profiles()) + " --model sim-fast -o " + quote(path("out")));
  EXPECT_EQ(r.exit_code, 0) << r.output();
  const json doc = results();
  ASSERT_EQ(doc["runs"].size(), 1u);
  EXPECT_EQ(run_of(doc, "sim-fast")["checks"][0]["facts"]["judge"], "sim-judge");
  // Not a model to evaluate, so --model cannot name it.
  const auto judge_as_model = run("run " + tasks() + " --sim --model sim-judge -o " + quote(path("out2")));
  EXPECT_EQ(judge_as_model.exit_code, 2) << judge_as_model.output();
  EXPECT_THAT(judge_as_model.err, HasSubstr("no model named 'sim-judge'"));
}

}  // namespace
}  // namespace goodput
