// SPDX-License-Identifier: MIT
// `model-graded`: a judge model reads the answer against a rubric and says PASS or FAIL. The
// judge comes from the run (CheckContext::judge); its verdict, reasoning, latency and tokens go
// into the check's facts, never into the run's own figures. A judge that cannot be asked or
// gives no verdict makes the check an error: the model under test is not failed for it.
#include <cctype>
#include <string>
#include <utility>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/checkers/model_graded.hpp"
#include "goodput/judge_model.hpp"

namespace goodput::checkers {

namespace {

constexpr std::string_view k_judge_instructions =
    "You are grading an answer against a rubric. Judge only whether the answer meets the rubric; do not answer "
    "the question yourself.\n\n";
constexpr std::string_view k_judge_reply_format =
    "First explain your judgement in a few sentences. Then end your reply with one line that is exactly\n"
    "VERDICT: PASS\n"
    "if the answer meets the rubric, or exactly\n"
    "VERDICT: FAIL\n"
    "if it does not.\n";

std::string_view judge_trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// "**Verdict:** pass", "> VERDICT: FAIL" -> "VERDICT:PASS", "VERDICT:FAIL": letters and the
// colon, upper-cased.
std::string judge_verdict_key(std::string_view line) {
  std::string key;
  for (const char c : line) {
    if (std::isalpha(static_cast<unsigned char>(c)) != 0) key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    else if (c == ':') key += c;
  }
  return key;
}

}  // namespace

std::string judge_prompt(std::string_view rubric, std::string_view question, std::string_view answer) {
  std::string prompt(k_judge_instructions);
  prompt += "<rubric>\n";
  prompt += rubric;
  prompt += "\n</rubric>\n\n<question>\n";
  prompt += question;
  prompt += "\n</question>\n\n<answer>\n";
  prompt += answer;
  prompt += "\n</answer>\n\n";
  prompt += k_judge_reply_format;
  return prompt;
}

std::optional<JudgeVerdict> parse_judge_verdict(std::string_view reply) {
  std::optional<JudgeVerdict> verdict;
  std::size_t start = 0;
  while (start <= reply.size()) {
    std::size_t end = reply.find('\n', start);
    if (end == std::string_view::npos) end = reply.size();
    const std::string key = judge_verdict_key(reply.substr(start, end - start));
    if (key == "VERDICT:PASS" || key == "VERDICT:FAIL")
      verdict = JudgeVerdict{key == "VERDICT:PASS", std::string(judge_trimmed(reply.substr(0, start)))};
    start = end + 1;
  }
  return verdict;
}

namespace detail {

namespace {

std::string judge_seconds_fact(const std::optional<double>& seconds) { return seconds ? format_number(*seconds) : "null"; }
std::string judge_tokens_fact(const std::optional<std::int64_t>& tokens) { return tokens ? std::to_string(*tokens) : "null"; }

class ModelGradedChecker final : public Checker {
 public:
  ModelGradedChecker(std::string rubric, std::string judge) : m_rubric(std::move(rubric)), m_judge(std::move(judge)) {}

  CheckResult check(const Completion& completion) const override { return check_in_context(completion, {}); }

  CheckResult check_in_context(const Completion& completion, const CheckContext& context) const override {
    const JudgeModel* judge = context.judge ? context.judge(m_judge) : nullptr;
    if (!judge)
      return {Outcome::error, "model-graded: no judge model " + (m_judge.empty() ? std::string("(the default)") : quote(m_judge)) +
                                  " is available to this run; name one under judges: in the models file"};
    const Completion reply = judge->ask(judge_prompt(m_rubric, context.prompt, completion.answer));
    CheckResult result;
    result.facts["judge"] = judge->name();
    result.facts["judge_e2e_s"] = judge_seconds_fact(reply.metrics.e2e_s);
    result.facts["judge_ttft_s"] = judge_seconds_fact(reply.metrics.ttft_s);
    result.facts["judge_prompt_tokens"] = judge_tokens_fact(reply.tokens.prompt);
    result.facts["judge_completion_tokens"] = judge_tokens_fact(reply.tokens.completion);
    const std::string who = "model-graded: the judge " + quote(judge->name());
    if (!reply.ok()) {
      result.outcome = Outcome::error;
      result.message = who + " could not be asked: " + std::string(to_string(reply.error.kind)) + ": " + reply.error.message;
      return result;
    }
    const std::optional<JudgeVerdict> verdict = parse_judge_verdict(reply.answer);
    if (!verdict) {
      result.outcome = Outcome::error;
      result.message = who + " gave no verdict (a last line 'VERDICT: PASS' or 'VERDICT: FAIL')" +
                       (reply.stop_reason == StopReason::length ? std::string(" before its token limit; raise its max_tokens") : "") +
                       ": " + quote(reply.answer, 200);
      return result;
    }
    result.facts["judge_verdict"] = verdict->pass ? "PASS" : "FAIL";
    result.facts["judge_reasoning"] = verdict->reasoning;
    result.outcome = verdict->pass ? Outcome::pass : Outcome::fail;
    result.message = who + " says " + (verdict->pass ? "PASS" : "FAIL") + " for the rubric " + quote(m_rubric) + ": " +
                     quote(verdict->reasoning, 300);
    return result;
  }

  std::string describe() const override {
    return "judged against the rubric " + quote(m_rubric) + (m_judge.empty() ? std::string() : " by " + quote(m_judge));
  }

 private:
  std::string m_rubric;
  std::string m_judge;
};

}  // namespace

CheckerType model_graded_type() {
  return {"model-graded",
          "a judge model from the models file reads the answer against a rubric and says PASS or FAIL (README \"Model-graded assertions\")",
          {{"rubric", ParamType::string, true, "what a passing answer does, in words the judge model reads"},
           {"judge", ParamType::string, false, "the judge's name under judges: in the models file (default: the first)"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            std::string rubric = params.string("rubric");
            if (judge_trimmed(rubric).empty())
              throw ParamError("rubric", "model-graded: 'rubric' is empty; say what a passing answer does");
            return std::make_unique<ModelGradedChecker>(std::move(rubric), params.optional_string("judge").value_or(""));
          }};
}

}  // namespace detail

}  // namespace goodput::checkers
