// SPDX-License-Identifier: MIT
// `stop-reason`: why generation ended, normalised (completion.hpp), e.g. `not: length` so that
// an answer cut by the token limit never passes as complete.
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "builtin_types.hpp"
#include "check_message.hpp"

namespace goodput::checkers::detail {

namespace {

constexpr std::array k_reasons{StopReason::stop,      StopReason::length, StopReason::tool_calls,
                               StopReason::error,     StopReason::cancelled, StopReason::other,
                               StopReason::none};

std::string known_words() {
  std::string words;
  for (const StopReason reason : k_reasons) {
    if (!words.empty()) words += ", ";
    words += to_string(reason);
  }
  return words;
}

StopReason parse_reason(std::string_view field, const std::string& word) {
  for (const StopReason reason : k_reasons) {
    if (to_string(reason) == word) return reason;
  }
  throw ParamError(std::string(field), "stop-reason: unknown stop reason " + quote(word) +
                                           "; expected one of " + known_words());
}

std::string got(const Completion& completion) {
  std::string text = "'" + std::string(to_string(completion.stop_reason)) + "'";
  if (completion.server_stop_reason.empty()) {
    text += " (the server sent no stop reason)";
  } else {
    text += " (server said " + quote(completion.server_stop_reason) + ")";
  }
  switch (completion.stop_reason) {
    case StopReason::length: text += ": the answer was cut by the token limit"; break;
    case StopReason::cancelled: text += ": the server or a filter cancelled generation"; break;
    case StopReason::none: text += ": generation did not finish normally"; break;
    default: break;
  }
  return text;
}

class StopReasonChecker final : public Checker {
 public:
  StopReasonChecker(StopReason reason, bool negated) : m_reason(reason), m_negated(negated) {}

  CheckResult check(const Completion& completion) const override {
    const bool same = completion.stop_reason == m_reason;
    if (same != m_negated) return {Outcome::pass, "stop-reason: " + got(completion)};
    const std::string word = "'" + std::string(to_string(m_reason)) + "'";
    if (m_negated) return {Outcome::fail, "stop-reason: must not be " + word + ", got " + got(completion)};
    return {Outcome::fail, "stop-reason: expected " + word + ", got " + got(completion)};
  }

  std::string describe() const override {
    return std::string("stop reason is ") + (m_negated ? "not " : "") + "'" +
           std::string(to_string(m_reason)) + "'";
  }

 private:
  StopReason m_reason;
  bool m_negated;
};

}  // namespace

CheckerType stop_reason_type() {
  const std::string words = known_words();
  return {"stop-reason",
          "why generation ended (normalised: " + words + ")",
          {{"expected", ParamType::string, false, "the stop reason required: one of " + words},
           {"not", ParamType::string, false, "a stop reason refused, e.g. length: one of " + words}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const auto expected = params.optional_string("expected");
            const auto refused = params.optional_string("not");
            if (expected && refused) {
              throw ParamError("not", "stop-reason: give 'expected' or 'not', not both");
            }
            if (!expected && !refused) {
              throw ParamError("expected", "stop-reason: give 'expected' (e.g. stop) or 'not' (e.g. length)");
            }
            if (expected) return std::make_unique<StopReasonChecker>(parse_reason("expected", *expected), false);
            return std::make_unique<StopReasonChecker>(parse_reason("not", *refused), true);
          }};
}

}  // namespace goodput::checkers::detail
