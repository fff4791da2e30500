// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using testing::param_error_field;
using testing::param_error_message;
using testing::params;

Completion stopped(StopReason reason, std::string server_word) {
  Completion completion = testing::answer("…");
  completion.stop_reason = reason;
  completion.server_stop_reason = std::move(server_word);
  return completion;
}

TEST(StopReason, ExpectedReasonPasses) {
  const auto checker = testing::make_checker("stop-reason", params({{"expected", "stop"s}}));
  const CheckResult result = checker->check(stopped(StopReason::stop, "eos"));
  EXPECT_EQ(result.outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("'stop' (server said 'eos')"));
}

TEST(StopReason, CutByTheTokenLimitIsExplained) {
  const auto checker = testing::make_checker("stop-reason", params({{"expected", "stop"s}}));
  const CheckResult result = checker->check(stopped(StopReason::length, "max_tokens"));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message,
            "stop-reason: expected 'stop', got 'length' (server said 'max_tokens'): the answer was cut by "
            "the token limit");
}

TEST(StopReason, NotRefusesOneReason) {
  const auto checker = testing::make_checker("stop-reason", params({{"not", "length"s}}));
  EXPECT_EQ(checker->check(stopped(StopReason::stop, "stop")).outcome, Outcome::pass);
  EXPECT_EQ(checker->check(stopped(StopReason::none, "")).outcome, Outcome::pass);
  const CheckResult result = checker->check(stopped(StopReason::length, "length"));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("must not be 'length', got 'length'"));
  EXPECT_THAT(result.message, HasSubstr("cut by the token limit"));
  EXPECT_EQ(checker->describe(), "stop reason is not 'length'");
}

TEST(StopReason, MissingServerWordIsSaid) {
  const auto checker = testing::make_checker("stop-reason", params({{"expected", "stop"s}}));
  EXPECT_THAT(checker->check(stopped(StopReason::none, "")).message,
              HasSubstr("got 'none' (the server sent no stop reason)"));
}

TEST(StopReason, EveryKnownWordIsAccepted) {
  for (const char* word : {"stop", "length", "tool_calls", "error", "cancelled", "other", "none"}) {
    EXPECT_EQ(param_error_field("stop-reason", params({{"expected", std::string(word)}})), "<no ParamError>") << word;
  }
}

TEST(StopReason, RejectsUnknownWordsAndBadCombinations) {
  EXPECT_EQ(param_error_field("stop-reason", params({{"expected", "max_tokens"s}})), "expected");
  EXPECT_THAT(param_error_message("stop-reason", params({{"not", "eos"s}})),
              HasSubstr("unknown stop reason 'eos'; expected one of stop, length, tool_calls"));
  EXPECT_EQ(param_error_field("stop-reason", params({{"not", "eos"s}})), "not");
  EXPECT_EQ(param_error_field("stop-reason", params({})), "expected");
  EXPECT_EQ(param_error_field("stop-reason", params({{"expected", "stop"s}, {"not", "length"s}})), "not");
}

}  // namespace
}  // namespace goodput::checkers
