// SPDX-License-Identifier: MIT
// The Checker interface: one assertion of a task, judging one Completion. Implementations
// live one per file in checkers/src/ and are listed once in checkers/src/registry.cpp.
//
//   # in a task file
//   assert:
//     - type: number
//       expected: 100000
//       near: 追加
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "goodput/completion.hpp"
#include "goodput/judge_model.hpp"
#include "goodput/params.hpp"

namespace goodput::checkers {

enum class Outcome { pass, fail, error };
std::string_view to_string(Outcome outcome);

// One part of a check that has several, e.g. one fixture of `python-passes`.
struct CheckPart {
  std::string name;  // "fixture quoting.json"
  Outcome outcome = Outcome::fail;
  std::string message;
};

struct CheckResult {
  CheckResult() = default;
  CheckResult(Outcome o, std::string m) : outcome(o), message(std::move(m)) {}

  Outcome outcome = Outcome::fail;
  // For a failure: what was expected, what was found, in words a person can act on.
  // For a pass: a short confirmation ("found 100000 near '追加'").
  std::string message;
  std::vector<CheckPart> parts;  // each judged on its own; empty for single checks
  // Facts about how the check ran that belong in the results (sandbox isolation, limits,
  // interpreter), as name -> value.
  std::map<std::string, std::string> facts;
};

// What a check may need beyond the completion: the task's prompt and, for `model-graded`, the
// judge models of the run. The runner passes one per run; most checkers need neither.
struct CheckContext {
  std::string_view prompt;  // the task's prompt, as sent
  // The judge named `name` (the models file's `judges:`), or the default judge when `name` is
  // empty; nullptr when the run has no such judge. Empty: no judges at all.
  std::function<const JudgeModel*(std::string_view name)> judge;
};

class Checker {
 public:
  virtual ~Checker() = default;
  // Called once per completed run, off the request path, possibly from another thread than
  // the one that built the checker (never concurrently on one instance). Judges
  // `completion.answer` (reasoning is never judged unless a checker says so). Must not throw
  // on any model output; `Outcome::error` means the checker itself could not judge.
  virtual CheckResult check(const Completion& completion) const = 0;
  // check() with the run's context; only a checker that needs the context overrides it.
  virtual CheckResult check_in_context(const Completion& completion, const CheckContext& context) const {
    (void)context;
    return check(completion);
  }
  // One line: "contains '60%'", "100 numbered items, numbered 1..100".
  virtual std::string describe() const = 0;
};

struct CheckerType {
  std::string name;     // the `type:` in YAML, e.g. "list-count"
  std::string summary;  // one line for help output
  std::vector<ParamSpec> params;
  // Builds a checker from validated params; throws ParamError for unusable values.
  std::function<std::unique_ptr<Checker>(const Params&)> make;
  // Whether `not: true` may turn its verdict around (README "not, weight and threshold"):
  // assertions on the answer's text; never a limit (max-latency) or a run of code.
  bool negatable = false;
};

// `not: true`: passes where `checker` fails and fails where it passes; an error stays an
// error (a checker that could not judge says nothing about the answer either way).
std::unique_ptr<Checker> negated(std::unique_ptr<Checker> checker);

// Every built-in assertion type, in a stable order.
const std::vector<CheckerType>& checker_types();
const CheckerType* find_checker_type(std::string_view name);

}  // namespace goodput::checkers
