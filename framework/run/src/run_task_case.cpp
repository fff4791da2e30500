// SPDX-License-Identifier: MIT
// A C++ task case as one run of the runner (goodput/runner.hpp): its TaskContext
// (goodput/task.hpp) asks and checks, and the run record takes its turns, checks and verdict.
#include <atomic>

#include "goodput/results.hpp"
#include "goodput/runner.hpp"
#include "goodput/task.hpp"

namespace goodput {

void run_task_case(RunRecord& run, Provider& provider, const std::atomic<bool>* cancel) {
  TaskContext context(provider, run.model, run.task, cancel);
  context.run(run.task->body);
  run.turns = context.turns();
  run.completion = run.turns.empty() ? Completion{} : run.turns.back().completion;
  run.checks.clear();
  run.check_types.clear();
  for (const auto& check : context.checks()) {
    run.checks.push_back(check.result);
    run.check_types.push_back(check.type);
  }
  switch (context.outcome()) {
    case checkers::Outcome::pass: run.verdict = Verdict::pass; break;
    case checkers::Outcome::fail: run.verdict = Verdict::fail; break;
    case checkers::Outcome::error: run.verdict = Verdict::error; break;
  }
}

}  // namespace goodput
