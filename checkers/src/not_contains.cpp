// SPDX-License-Identifier: MIT
// `not-contains`: the answer does not hold `value`, byte for byte.
#include <string>
#include <utility>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "text_match.hpp"

namespace goodput::checkers::detail {

namespace {

class NotContainsChecker final : public Checker {
 public:
  explicit NotContainsChecker(std::string value) : m_value(std::move(value)) {}

  CheckResult check(const Completion& completion) const override {
    const std::string& answer = completion.answer;
    const auto found = find_all(answer, m_value);
    if (found.empty()) return {Outcome::pass, "not-contains: " + quote(m_value) + " does not appear"};
    const std::size_t first = found.front();
    std::string times = found.size() == 1 ? "once" : with_commas(found.size()) + " times";
    return {Outcome::fail, "not-contains: found " + quote(m_value) + " " + times +
                               ", first at character " +
                               with_commas(code_point_index(answer, first) + 1) + ": " +
                               quote_around(answer, first, first + m_value.size())};
  }

  std::string describe() const override { return "does not contain " + quote(m_value); }

 private:
  std::string m_value;
};

}  // namespace

CheckerType not_contains_type() {
  return {"not-contains",
          "the answer does not contain a text, byte for byte",
          {{"value", ParamType::string, true, "the text that must not appear in the answer"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            std::string value = params.string("value");
            if (value.empty()) {
              throw ParamError("value", "not-contains: 'value' is empty, which every answer "
                                        "contains; give the text that must not appear");
            }
            return std::make_unique<NotContainsChecker>(std::move(value));
          }};
}

}  // namespace goodput::checkers::detail
