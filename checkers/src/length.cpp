// SPDX-License-Identifier: MIT
// `length`: the answer's length in characters (Unicode code points), never in bytes: a
// Japanese character is one character but three UTF-8 bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/utf8.hpp"

namespace goodput::checkers::detail {

namespace {

std::string bounds(std::optional<std::int64_t> min, std::optional<std::int64_t> max) {
  if (min && max) {
    return *min == *max ? "exactly " + with_commas(*min)
                        : "between " + with_commas(*min) + " and " + with_commas(*max);
  }
  return min ? "at least " + with_commas(*min) : "at most " + with_commas(*max);
}

class LengthChecker final : public Checker {
 public:
  LengthChecker(std::optional<std::int64_t> min, std::optional<std::int64_t> max) : m_min(min), m_max(max) {}

  CheckResult check(const Completion& completion) const override {
    const auto length = static_cast<std::int64_t>(utf8::length(completion.answer));
    const bool ok = (!m_min || length >= *m_min) && (!m_max || length <= *m_max);
    std::string message = "length: " + with_commas(length) + " characters";
    if (ok) return {Outcome::pass, message + " (" + bounds(m_min, m_max) + ")"};
    message += ", expected " + bounds(m_min, m_max);
    // A short answer that hit the token limit is the limit's fault as much as the model's.
    if (completion.stop_reason == StopReason::length && m_min && length < *m_min) {
      message += "; the answer was cut by the token limit (stop reason 'length')";
    }
    return {Outcome::fail, std::move(message)};
  }

  std::string describe() const override { return bounds(m_min, m_max) + " characters"; }

 private:
  std::optional<std::int64_t> m_min;
  std::optional<std::int64_t> m_max;
};

}  // namespace

CheckerType length_type() {
  return {"length",
          "the answer's length in characters (code points, not bytes) is within bounds",
          {{"min", ParamType::integer, false, "fewest characters allowed"},
           {"max", ParamType::integer, false, "most characters allowed"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const auto min = params.optional_integer("min");
            const auto max = params.optional_integer("max");
            if (!min && !max) throw ParamError("min", "length: give 'min', 'max' or both");
            if (min && *min < 0) {
              throw ParamError("min", "length: 'min' is " + with_commas(*min) + "; it cannot be negative");
            }
            if (max && *max < 0) {
              throw ParamError("max", "length: 'max' is " + with_commas(*max) + "; it cannot be negative");
            }
            if (min && max && *min > *max) {
              throw ParamError("max", "length: 'max' (" + with_commas(*max) + ") is less than 'min' (" +
                                          with_commas(*min) + ")");
            }
            return std::make_unique<LengthChecker>(min, max);
          },
          /*negatable=*/true};
}

}  // namespace goodput::checkers::detail
