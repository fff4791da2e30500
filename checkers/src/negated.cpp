// SPDX-License-Identifier: MIT
// `not: true` on an assertion: the verdict turned around, the explanation kept, since what
// the checker found is exactly what the person needs to see ("not contains: found 'London'").
#include <utility>

#include "goodput/checkers/checker.hpp"

namespace goodput::checkers {

namespace {

class NegatedChecker final : public Checker {
 public:
  explicit NegatedChecker(std::unique_ptr<Checker> inner) : m_inner(std::move(inner)) {}

  CheckResult check(const Completion& completion) const override {
    CheckResult result = m_inner->check(completion);
    if (result.outcome == Outcome::error) return result;
    result.outcome = result.outcome == Outcome::pass ? Outcome::fail : Outcome::pass;
    result.message = "not " + result.message;
    for (CheckPart& part : result.parts) {
      if (part.outcome != Outcome::error) part.outcome = part.outcome == Outcome::pass ? Outcome::fail : Outcome::pass;
    }
    return result;
  }

  std::string describe() const override { return "not: " + m_inner->describe(); }

 private:
  std::unique_ptr<Checker> m_inner;
};

}  // namespace

std::unique_ptr<Checker> negated(std::unique_ptr<Checker> checker) {
  return std::make_unique<NegatedChecker>(std::move(checker));
}

}  // namespace goodput::checkers
