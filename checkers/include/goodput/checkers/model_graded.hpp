// SPDX-License-Identifier: MIT
// The `model-graded` assertion's fixed parts (README "Model-graded assertions"): the prompt a
// judge model gets, and how its reply is read.
//
//   assert:
//     - type: model-graded
//       rubric: names the herd-immunity threshold 1 - 1/R0 = 60%
//       judge: qwen-judge          # optional: the models file's first judge
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace goodput::checkers {

// The judge's prompt: the rubric, the task's prompt and the answer, each in its own tags, and
// the instruction to end with a line `VERDICT: PASS` or `VERDICT: FAIL`.
std::string judge_prompt(std::string_view rubric, std::string_view question, std::string_view answer);

struct JudgeVerdict {
  bool pass = false;
  std::string reasoning;  // the reply before the verdict line, trimmed
};

// The last line of `reply` that reads `VERDICT: PASS` or `VERDICT: FAIL` (any case; Markdown
// emphasis, quotes and spaces around the words ignored) and the text before it; nullopt when
// no line does.
std::optional<JudgeVerdict> parse_judge_verdict(std::string_view reply);

}  // namespace goodput::checkers
