// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "checker_test_support.hpp"
// The helpers are private to the checkers library, so they are included by path.
#include "../../checkers/src/python_sandbox.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::param_error_field;
using testing::params;

class PythonCompiles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(std::string(detail::k_python))) {
      GTEST_SKIP() << detail::k_python << " is not installed";
    }
  }
  static CheckResult compiles(const std::string& answer, Params values = {}) {
    return testing::run("python-compiles", values, answer);
  }
};

TEST_F(PythonCompiles, PassesForValidCodeAndRecordsHowItRan) {
  const CheckResult result = compiles(
      "以下のコードです。\n```python\nimport csv\n\ndef json_to_csv(records):\n    return ''\n```\n");
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_THAT(result.message, StartsWith("python-compiles: the code compiles with Python 3."));
  EXPECT_THAT(result.message, HasSubstr("(4 lines; block 1 of 1 (python), defines json_to_csv)"));
  EXPECT_THAT(result.facts.at("python"), HasSubstr("(/usr/bin/python3)"));
  EXPECT_THAT(result.facts.at("limits"), StartsWith("wall 10 s, CPU 10 s, memory 512 MB"));
  EXPECT_FALSE(result.facts.at("sandbox").empty());
}

TEST_F(PythonCompiles, NothingRuns) {
  // Compiling does not execute: an endless loop or an exit at the top level still compiles.
  EXPECT_EQ(compiles("```python\nimport sys\nwhile True:\n    pass\nsys.exit(3)\n```").outcome, Outcome::pass);
}

TEST_F(PythonCompiles, ReportsTheSyntaxErrorWithItsLine) {
  const CheckResult result = compiles("```python\nimport csv\nprint \"hello\"\n```\n");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, StartsWith("python-compiles: SyntaxError at line 2, column 1: "));
  EXPECT_THAT(result.message, HasSubstr("'print \"hello\"'"));

  const CheckResult indent = compiles("```python\ndef f():\nreturn 1\n```\n");
  EXPECT_THAT(indent.message, StartsWith("python-compiles: IndentationError at line 2"));
}

TEST_F(PythonCompiles, ACutOffBlockSaysSo) {
  const CheckResult result = compiles("```python\ndef json_to_csv(records):\n    return (\n");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("the answer ends inside the code block (cut off?)"));
}

TEST_F(PythonCompiles, NoCodeIsAFailure) {
  const CheckResult result = compiles("I would use the csv module.");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, StartsWith("python-compiles: no Python code block found in the answer"));
}

TEST_F(PythonCompiles, EntryPicksTheBlockThatDefinesIt) {
  const std::string answer =
      "```python\ndef helper(:\n```\n```python\ndef json_to_csv(records):\n    return ''\n```\n";
  EXPECT_EQ(compiles(answer).outcome, Outcome::fail);
  EXPECT_EQ(compiles(answer, params({{"entry", "json_to_csv"s}})).outcome, Outcome::pass);
}

class FailingSandbox final : public sandbox::Sandbox {
 public:
  sandbox::Result run(const sandbox::Request&) override {
    sandbox::Result result;
    result.reason = sandbox::EndReason::failed_to_start;
    result.error = "no such file: /usr/bin/python3";
    return result;
  }
  sandbox::Isolation isolation() const override { return {}; }
};

TEST(PythonCompilesScripted, ASandboxThatCannotStartIsAnError) {
  detail::set_python_sandbox_for_testing(std::make_shared<FailingSandbox>());
  const CheckResult result = testing::run("python-compiles", {}, "```python\nx = 1\n```\n");
  detail::set_python_sandbox_for_testing(nullptr);
  EXPECT_EQ(result.outcome, Outcome::error);
  EXPECT_THAT(result.message, HasSubstr("no such file: /usr/bin/python3"));
}

// A sandbox that returns a scripted result.
class ScriptedCompileSandbox final : public sandbox::Sandbox {
 public:
  explicit ScriptedCompileSandbox(sandbox::Result result) : m_result(std::move(result)) {}
  sandbox::Result run(const sandbox::Request& request) override {
    EXPECT_TRUE(request.result_channel);
    return m_result;
  }
  sandbox::Isolation isolation() const override { return {}; }

 private:
  sandbox::Result m_result;
};

CheckResult compile_with(sandbox::Result scripted) {
  detail::set_python_sandbox_for_testing(std::make_shared<ScriptedCompileSandbox>(std::move(scripted)));
  const CheckResult result = testing::run("python-compiles", {}, "```python\nx = 1\n```\n");
  detail::set_python_sandbox_for_testing(nullptr);
  return result;
}

TEST(PythonCompilesScripted, APythonThatNeverGreetsIsAnError) {
  sandbox::Result scripted;
  scripted.reason = sandbox::EndReason::exited;
  scripted.exit_code = 1;
  scripted.stderr_text = "python3: can't open file\n";
  const CheckResult result = compile_with(scripted);
  EXPECT_EQ(result.outcome, Outcome::error) << result.message;
  EXPECT_THAT(result.message, HasSubstr("did not start"));
}

TEST(PythonCompilesScripted, ACompilerThatDiesOnTheCodeIsAFailure) {
  // Python started (its greeting is there), then the code's text crashed or starved the
  // compiler: that is the code's doing.
  sandbox::Result scripted;
  scripted.reason = sandbox::EndReason::signalled;
  scripted.term_signal = 11;
  scripted.channel_text = "{\"event\": \"hello\", \"python\": \"3.11.2\"}\n";
  const CheckResult result = compile_with(scripted);
  EXPECT_EQ(result.outcome, Outcome::fail) << result.message;
  EXPECT_THAT(result.message, HasSubstr("without a verdict"));
}

TEST_F(PythonCompiles, TheTaskChoosesTheSandboxBackend) {
  const CheckResult result = compiles("```python\ndef f():\n    return 1\n```", params({{"sandbox", "process"s}}));
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_EQ(result.facts.at("sandbox backend"), "process");
  EXPECT_THAT(result.facts.at("sandbox"), StartsWith("process"));
}

TEST(PythonCompilesParams, UnknownSandboxIsBadInput) {
  EXPECT_EQ(param_error_field("python-compiles", params({{"sandbox", "docker"s}})), "sandbox");
  EXPECT_EQ(param_error_field("python-passes", params({{"fixtures", std::string(GOODPUT_SOURCE_DIR) + "/tasks/seed/fixtures/json_to_csv/seed"},
                                                       {"sandbox", "vm"s}})),
            "sandbox");
}

TEST(PythonCompilesParams, TimeoutMustBePositive) {
  EXPECT_EQ(param_error_field("python-compiles", params({{"timeout", -1.0}})), "timeout");
  EXPECT_EQ(param_error_field("python-compiles", params({{"timeout", 5.0}})), "<no ParamError>");
  EXPECT_EQ(param_error_field("python-compiles", {}), "<no ParamError>");
}

}  // namespace
}  // namespace goodput::checkers
