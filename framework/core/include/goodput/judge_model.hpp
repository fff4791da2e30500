// SPDX-License-Identifier: MIT
// A model asked to judge an answer: what a `model-graded` assertion sends its prompt to. The
// checkers sit below the providers, so they see only this; the runner supplies one per judge
// of the models file, sending through the same Provider as the models under test.
#pragma once

#include <string>

#include "goodput/completion.hpp"

namespace goodput {

class JudgeModel {
 public:
  virtual ~JudgeModel() = default;
  // The judge's name, as the models file gives it.
  virtual const std::string& name() const = 0;
  // The judge's reply to `prompt`, sent as one user message with the judge's own parameters.
  // Blocks until the reply ended; transport problems come back in Completion::error, never as
  // exceptions. Called from the thread that judges runs, one call at a time.
  virtual Completion ask(const std::string& prompt) const = 0;
};

}  // namespace goodput
