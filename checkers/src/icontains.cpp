// SPDX-License-Identifier: MIT
// `icontains`: like contains, ignoring ASCII case and full-width forms ("６０％" matches
// "60%", "ＡＩ" matches "ai"). Japanese text is compared as it is.
#include <string>
#include <utility>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/utf8.hpp"
#include "text_match.hpp"

namespace goodput::checkers::detail {

namespace {

class IcontainsChecker final : public Checker {
 public:
  explicit IcontainsChecker(std::string value) : m_value(std::move(value)) {}

  CheckResult check(const Completion& completion) const override {
    const std::string& answer = completion.answer;
    if (const auto found = find_loose(answer, m_value)) {
      return {Outcome::pass,
              "icontains: found " + quote(m_value) + " at character " +
                  with_commas(code_point_index(answer, found->begin) + 1) + " as " +
                  quote(std::string_view(answer).substr(found->begin, found->end - found->begin))};
    }
    if (answer.empty()) {
      return {Outcome::fail, "icontains: expected " + quote(m_value) + ", but the answer is empty"};
    }
    return {Outcome::fail, "icontains: " + quote(m_value) +
                               " not found in the answer, even ignoring case and full-width forms (" +
                               with_commas(utf8::length(answer)) + " characters: " + quote(answer) +
                               ")"};
  }

  std::string describe() const override {
    return "contains " + quote(m_value) + " (ignoring case and full-width forms)";
  }

 private:
  std::string m_value;
};

}  // namespace

CheckerType icontains_type() {
  return {"icontains",
          "the answer contains a text, ignoring ASCII case and full-width forms",
          {{"value", ParamType::string, true,
            "the text that must appear; case and full-width forms are ignored"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            std::string value = params.string("value");
            if (value.empty()) {
              throw ParamError("value", "icontains: 'value' is empty, which every answer "
                                        "contains; give the text that must appear");
            }
            return std::make_unique<IcontainsChecker>(std::move(value));
          },
          /*negatable=*/true};
}

}  // namespace goodput::checkers::detail
