// SPDX-License-Identifier: MIT
// `contains`: the answer holds `value`, byte for byte.
#include <string>
#include <utility>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/utf8.hpp"
#include "text_match.hpp"

namespace goodput::checkers::detail {

namespace {

class ContainsChecker final : public Checker {
 public:
  explicit ContainsChecker(std::string value) : m_value(std::move(value)) {}

  CheckResult check(const Completion& completion) const override {
    const std::string& answer = completion.answer;
    const std::size_t pos = answer.find(m_value);
    if (pos != std::string::npos) {
      return {Outcome::pass, "contains: found " + quote(m_value) + " at character " +
                                 with_commas(code_point_index(answer, pos) + 1)};
    }
    if (answer.empty()) {
      return {Outcome::fail, "contains: expected " + quote(m_value) + ", but the answer is empty"};
    }
    std::string message = "contains: " + quote(m_value) + " not found in the answer (" +
                          with_commas(utf8::length(answer)) + " characters";
    // The commonest near miss is a different case or full-width digits ("６０％"); say so,
    // since the fix is then to use icontains rather than to blame the model.
    if (const auto loose = find_loose(answer, m_value)) {
      message += "); it appears with a different case or width at character " +
                 with_commas(code_point_index(answer, loose->begin) + 1) + ": " +
                 quote_around(answer, loose->begin, loose->end) + " (icontains would match)";
    } else {
      message += ": " + quote(answer) + ")";
    }
    return {Outcome::fail, std::move(message)};
  }

  std::string describe() const override { return "contains " + quote(m_value); }

 private:
  std::string m_value;
};

}  // namespace

CheckerType contains_type() {
  return {"contains",
          "the answer contains a text, byte for byte",
          {{"value", ParamType::string, true, "the text that must appear in the answer"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            std::string value = params.string("value");
            if (value.empty()) {
              throw ParamError("value", "contains: 'value' is empty, which every answer contains; "
                                        "give the text that must appear");
            }
            return std::make_unique<ContainsChecker>(std::move(value));
          },
          /*negatable=*/true};
}

}  // namespace goodput::checkers::detail
