// SPDX-License-Identifier: MIT
// `model-graded`: the fixed judge prompt, reading the judge's verdict, and the checker's pass,
// fail and error paths with a scripted judge (tests/integration/model_graded_test.cpp asks a
// simulated judge through the runner).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checker_test_support.hpp"
#include "goodput/checkers/model_graded.hpp"
#include "goodput/judge_model.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using testing::answer;
using testing::make_checker;
using testing::param_error_field;
using testing::params;

// Answers every prompt with `reply` (or a transport error) and keeps the last prompt.
class ScriptedJudge final : public JudgeModel {
 public:
  explicit ScriptedJudge(std::string reply, ErrorKind error = ErrorKind::none) : m_reply(std::move(reply)), m_error(error) {}
  const std::string& name() const override { return m_name; }
  Completion ask(const std::string& prompt) const override {
    m_prompt = prompt;
    Completion c;
    c.answer = m_reply;
    c.stop_reason = StopReason::stop;
    c.error.kind = m_error;
    if (m_error != ErrorKind::none) c.error.message = "cannot connect to http://127.0.0.1:9/v1";
    c.metrics.e2e_s = 0.25;
    c.metrics.ttft_s = 0.125;
    c.tokens.prompt = 120;
    c.tokens.completion = 30;
    return c;
  }
  mutable std::string m_prompt;

 private:
  std::string m_name = "judge-a";
  std::string m_reply;
  ErrorKind m_error;
};

CheckResult graded(const JudgeModel* judge, const std::string& text, const std::string& judge_name = "") {
  Params p = params({{"rubric", "mentions Tokyo"s}});
  if (!judge_name.empty()) p.set("judge", judge_name);
  CheckContext context;
  context.prompt = "What is the capital of Japan?";
  context.judge = [&](std::string_view name) -> const JudgeModel* { return name.empty() || name == "judge-a" ? judge : nullptr; };
  return make_checker("model-graded", p)->check_in_context(answer(text), context);
}

TEST(JudgePrompt, HoldsTheRubricQuestionAndAnswerAndAsksForAVerdictLine) {
  const std::string prompt = judge_prompt("mentions Tokyo", "What is the capital?", "Tokyo.");
  EXPECT_THAT(prompt, HasSubstr("<rubric>\nmentions Tokyo\n</rubric>"));
  EXPECT_THAT(prompt, HasSubstr("<question>\nWhat is the capital?\n</question>"));
  EXPECT_THAT(prompt, HasSubstr("<answer>\nTokyo.\n</answer>"));
  EXPECT_THAT(prompt, HasSubstr("VERDICT: PASS\nif the answer meets the rubric"));
}

TEST(JudgeVerdict, ReadsTheLastVerdictLineAndTheReasoningBeforeIt) {
  auto v = parse_judge_verdict("It names Tokyo.\nVERDICT: PASS\n");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->pass);
  EXPECT_EQ(v->reasoning, "It names Tokyo.");
  v = parse_judge_verdict("First thought VERDICT: PASS was wrong.\nverdict: pass\nOn reflection no.\n**Verdict:** FAIL");
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->pass);
  EXPECT_EQ(v->reasoning, "First thought VERDICT: PASS was wrong.\nverdict: pass\nOn reflection no.");
  EXPECT_FALSE(parse_judge_verdict("The answer is good. PASS"));
  EXPECT_FALSE(parse_judge_verdict("VERDICT: PASSED"));
  EXPECT_FALSE(parse_judge_verdict(""));
}

TEST(ModelGraded, PassesOnAPassVerdictAndRecordsTheJudgeApart) {
  const ScriptedJudge judge("The answer names Tokyo as the capital.\nVERDICT: PASS");
  const CheckResult r = graded(&judge, "Tokyo.");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  EXPECT_THAT(judge.m_prompt, HasSubstr("<question>\nWhat is the capital of Japan?\n</question>"));
  EXPECT_THAT(judge.m_prompt, HasSubstr("<answer>\nTokyo.\n</answer>"));
  EXPECT_EQ(r.facts.at("judge"), "judge-a");
  EXPECT_EQ(r.facts.at("judge_verdict"), "PASS");
  EXPECT_EQ(r.facts.at("judge_reasoning"), "The answer names Tokyo as the capital.");
  EXPECT_EQ(r.facts.at("judge_e2e_s"), "0.25");
  EXPECT_EQ(r.facts.at("judge_ttft_s"), "0.125");
  EXPECT_EQ(r.facts.at("judge_prompt_tokens"), "120");
  EXPECT_EQ(r.facts.at("judge_completion_tokens"), "30");
}

TEST(ModelGraded, FailsOnAFailVerdictWithTheReasoningInTheMessage) {
  const ScriptedJudge judge("Kyoto is not the capital.\nVERDICT: FAIL");
  const CheckResult r = graded(&judge, "Kyoto.", "judge-a");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_THAT(r.message, HasSubstr("says FAIL"));
  EXPECT_THAT(r.message, HasSubstr("Kyoto is not the capital."));
  EXPECT_EQ(r.facts.at("judge_verdict"), "FAIL");
}

TEST(ModelGraded, AnUnreachableJudgeIsAnErrorNotAFailure) {
  const ScriptedJudge judge("", ErrorKind::connect);
  const CheckResult r = graded(&judge, "Tokyo.");
  EXPECT_EQ(r.outcome, Outcome::error);
  EXPECT_THAT(r.message, HasSubstr("could not be asked: connect: cannot connect"));
}

TEST(ModelGraded, AReplyWithoutAVerdictIsAnError) {
  const ScriptedJudge judge("Looks fine to me.");
  const CheckResult r = graded(&judge, "Tokyo.");
  EXPECT_EQ(r.outcome, Outcome::error);
  EXPECT_THAT(r.message, HasSubstr("gave no verdict"));
  EXPECT_THAT(r.message, HasSubstr("Looks fine to me."));
  EXPECT_EQ(r.facts.count("judge_verdict"), 0u);
}

TEST(ModelGraded, NoJudgeIsAnError) {
  const ScriptedJudge judge("VERDICT: PASS");
  EXPECT_EQ(graded(&judge, "Tokyo.", "judge-b").outcome, Outcome::error);
  const CheckResult alone = make_checker("model-graded", params({{"rubric", "x"s}}))->check(answer("Tokyo."));
  EXPECT_EQ(alone.outcome, Outcome::error);
  EXPECT_THAT(alone.message, HasSubstr("judges:"));
}

TEST(ModelGraded, AnEmptyRubricIsBadInput) {
  EXPECT_EQ(param_error_field("model-graded", params({{"rubric", " \n"s}})), "rubric");
}

}  // namespace
}  // namespace goodput::checkers
