// SPDX-License-Identifier: MIT
// python-passes against the real sandbox and /usr/bin/python3, with correct and subtly wrong
// converters (tests/data/converters) on the built-in JSON→CSV fixtures, plus a scripted
// sandbox for the ends a real run cannot produce on demand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "checker_test_support.hpp"
// The helpers are private to the checkers library, so they are included by path.
#include "../../checkers/src/python_sandbox.hpp"
#include "goodput/checkers/python_environment.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::AllOf;
using ::testing::Each;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing::param_error_field;
using testing::params;

using testing::converter;
using testing::fenced;
using testing::k_seed;
using testing::read;
const std::string k_fixtures = testing::k_json_to_csv_fixtures;
const std::string k_contract = k_fixtures + "/contract";

std::string capture_answer() {
  std::ifstream in(std::string(GOODPUT_TEST_DATA_DIR) + "/captures/llama-server/stream-code-block.sse");
  std::string line, answer;
  while (std::getline(in, line)) {
    if (line.rfind("data: ", 0) != 0 || line == "data: [DONE]") continue;
    const auto event = nlohmann::json::parse(line.substr(6));
    for (const auto& choice : event.value("choices", nlohmann::json::array())) {
      const auto& delta = choice.value("delta", nlohmann::json::object());
      if (delta.contains("content") && delta["content"].is_string()) answer += delta["content"].get<std::string>();
    }
  }
  return answer;
}

const CheckPart& part(const CheckResult& result, const std::string& fixture) {
  for (const auto& p : result.parts) {
    if (p.name == "fixture " + fixture) return p;
  }
  static const CheckPart k_missing{"<missing>", Outcome::error, "<no such part>"};
  return k_missing;
}

class PythonPasses : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(std::string(detail::k_python))) {
      GTEST_SKIP() << detail::k_python << " is not installed";
    }
  }

  static CheckResult seed(const std::string& answer, Params extra = {}) {
    extra.set("fixtures", k_seed);
    return testing::run("python-passes", extra, answer);
  }
  static CheckResult contract(const std::string& answer) {
    return testing::run("python-passes",
                        params({{"fixtures", k_contract}, {"entry", "json_to_csv"s}, {"style", "records"s}}),
                        answer);
  }
};

TEST_F(PythonPasses, TheCommonInterpretationPassesEverySeedFixture) {
  const CheckResult result = seed(fenced(converter("seed_dictwriter")));
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  ASSERT_EQ(result.parts.size(), 7u);
  EXPECT_THAT(result.parts, Each(Field(&CheckPart::outcome, Outcome::pass)));
  EXPECT_THAT(result.message, HasSubstr("all 7 fixtures pass, calling json_to_csv(records) -> str"));
  EXPECT_EQ(part(result, "quoting.json").message, "matches (3 rows, \\r\\n)");
  // How it ran is in the results.
  EXPECT_EQ(result.facts.at("entry"), "json_to_csv");
  EXPECT_EQ(result.facts.at("style"), "records: json_to_csv(records) -> str");
  EXPECT_THAT(result.facts.at("python"), AllOf(StartsWith("3."), HasSubstr("/usr/bin/python3")));
  EXPECT_THAT(result.facts.at("limits"), HasSubstr("wall 20 s"));
  EXPECT_THAT(result.facts.at("limits"), HasSubstr("memory 512 MB"));
  EXPECT_FALSE(result.facts.at("sandbox").empty());
  EXPECT_FALSE(result.facts.at("sandbox backend").empty());
  EXPECT_EQ(result.facts.at("code"), "block 1 of 1 (python), defines json_to_csv");
}

TEST_F(PythonPasses, TheContractConverterPassesEveryContractFixture) {
  const CheckResult result = contract(fenced(converter("contract_correct")));
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_EQ(result.parts.size(), 9u);
}

TEST_F(PythonPasses, TheRealCaptureAnswer) {
  const std::string answer = capture_answer();
  EXPECT_EQ(seed(answer).outcome, Outcome::pass) << seed(answer).message;
  // It writes Python's True/False and dicts as repr: the contract asks otherwise.
  const CheckResult result = contract(answer);
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(part(result, "scalars.json").message, "row 1, column flag: expected 'true' got 'True'");
  EXPECT_THAT(part(result, "nested.json").message, HasSubstr("row 1, column user: expected '{\"name\":\"Alice\""));
  EXPECT_EQ(part(result, "flat.json").outcome, Outcome::pass);
  EXPECT_EQ(part(result, "empty.json").outcome, Outcome::pass);  // "\r\n": a header with no fields
  EXPECT_EQ(part(result, "one_column.json").outcome, Outcome::pass);
}

TEST_F(PythonPasses, NoQuotingSplitsCellsOnCommas) {
  const CheckResult result = seed(fenced(converter("no_quoting")));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(part(result, "quoting.json").outcome, Outcome::fail);
  EXPECT_EQ(part(result, "quoting.json").message, "row 2, column note: expected 'a, b' got 'a'");
  EXPECT_EQ(part(result, "flat.json").outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("2 of 7 fixtures fail"));
  EXPECT_THAT(result.message,
              HasSubstr("first: fixture japanese.json: row 2, column 都市: expected '京都, 日本' got '京都'"));
}

TEST_F(PythonPasses, WrongHeaderOrder) {
  const CheckResult result = seed(fenced(converter("sorted_header")));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(part(result, "key_order.json").message, StartsWith("header, column 1: expected 'zeta' got 'alpha'"));
}

TEST_F(PythonPasses, DroppedMissingKeysShiftTheCells) {
  const CheckResult result = seed(fenced(converter("drops_missing")));
  EXPECT_EQ(part(result, "different_keys.json").message,
            "row 1: expected 4 cells got 2 (column email missing)");
  EXPECT_EQ(part(result, "flat.json").outcome, Outcome::pass);
}

TEST_F(PythonPasses, ATrailingBlankLineIsADifference) {
  const CheckResult result = seed(fenced(converter("trailing_blank")));
  EXPECT_EQ(part(result, "flat.json").message,
            "row 4: expected the end of the CSV, got an extra blank line at the end");
  EXPECT_EQ(part(result, "empty.json").message,
            "expected an empty CSV (no header, no rows), got 2 lines, starting with (a blank line)");
}

TEST_F(PythonPasses, MangledJapanese) {
  const CheckResult result = seed(fenced(converter("mangles_japanese")));
  EXPECT_THAT(part(result, "japanese.json").message,
              StartsWith("header, column 1: expected '名前' got '\\u540d\\u524d'"));
  EXPECT_EQ(part(result, "quoting.json").outcome, Outcome::pass);
  EXPECT_THAT(result.message, HasSubstr("1 of 7 fixtures fail"));
}

TEST_F(PythonPasses, FirstRecordKeysOnlyRaisesOnOtherKeysAndEmptyInput) {
  const CheckResult result = seed(fenced(converter("first_keys_only")));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(part(result, "different_keys.json").message,
              AllOf(StartsWith("json_to_csv(records) -> str raised ValueError: dict contains fields not in fieldnames: 'email'"),
                    HasSubstr("(line 11, in json_to_csv: writer.writerows(data))")));
  EXPECT_THAT(part(result, "empty.json").message, HasSubstr("raised IndexError: list index out of range"));
  EXPECT_EQ(part(result, "flat.json").outcome, Outcome::pass);
}

TEST_F(PythonPasses, PrintsAtImportAndDuringCallsChangeNothing) {
  const CheckResult result = seed(fenced(converter("prints_at_import")));
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
}

// What the process wrote to its stderr (the driver captures sys.stderr itself; this is what
// reaches file descriptor 2: os.write, a subprocess, a crash) is kept in the facts, for the
// HTML report's run panel: its last 20 lines, at most 2,000 bytes of them. Nothing: no fact.
TEST_F(PythonPasses, TheEndOfStderrIsKeptInTheFacts) {
  EXPECT_EQ(seed(fenced(converter("seed_dictwriter"))).facts.count("stderr"), 0u);
  const std::string noisy = "import os\nfor i in range(100):\n    os.write(2, b'noise %d\\n' % i)\n" + converter("seed_dictwriter");
  const CheckResult result = seed(fenced(noisy));
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  const std::string& tail = result.facts.at("stderr");
  EXPECT_THAT(tail, AllOf(StartsWith("noise 80\n"), HasSubstr("\nnoise 99")));
  EXPECT_THAT(tail, Not(HasSubstr("noise 79")));
  const std::string wide = "import os\nfor i in range(30):\n    os.write(2, b'%d' % i + b'x' * 300 + b'\\n')\n" + converter("seed_dictwriter");
  const std::string cut = seed(fenced(wide)).facts.at("stderr");
  EXPECT_LE(cut.size(), 2003u);
  EXPECT_THAT(cut, AllOf(StartsWith("..."), ::testing::EndsWith("x")));
}

TEST_F(PythonPasses, AMainWithArgparseIsRunAsACommandLine) {
  const CheckResult result = seed(fenced(converter("main_argparse")));
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_EQ(result.facts.at("style"), "cli: main() as a command line: candidate.py INPUT OUTPUT");
  EXPECT_EQ(result.facts.count("import"), 0u);  // the main guard did not run on load
}

TEST_F(PythonPasses, ArgparseAtTheTopLevelDoesNotHangAndTheFunctionIsStillUsed) {
  const CheckResult result = seed(fenced(converter("argparse_top_level")));
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_THAT(result.message, HasSubstr("note: loading the code exited (SystemExit: 2)"));
  EXPECT_THAT(result.facts.at("import"), HasSubstr("line 23, in <module>: args = parser.parse_args()"));
}

TEST_F(PythonPasses, AnEndlessLoopAtImportIsAFailureNotAnError) {
  const CheckResult result = seed(fenced(converter("loops_forever")), params({{"timeout", 3.0}}));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message,
            "python-passes: the code does not load: its top-level code did not finish within 1 s (an endless loop?)");
  ASSERT_EQ(result.parts.size(), 7u);
  EXPECT_THAT(result.parts, Each(Field(&CheckPart::message, "not run: the code does not load")));
}

TEST_F(PythonPasses, AHangOnOneFixtureFailsThatFixtureOnly) {
  const std::string code =
      converter("seed_dictwriter") + "\n_inner = json_to_csv\n\ndef json_to_csv(records):\n"
      "    while not records:\n        pass\n    return _inner(records)\n";
  const CheckResult result = seed(fenced(code), params({{"timeout", 4.0}}));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(part(result, "empty.json").message,
            "json_to_csv(records) -> str did not return in time (an endless loop?) "
            "(line 22, in json_to_csv: while not records:)");
  EXPECT_EQ(part(result, "flat.json").outcome, Outcome::pass);
}

TEST_F(PythonPasses, PathsInAndOutWithABom) {
  const CheckResult result = seed(fenced(converter("paths_bom")));
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
  EXPECT_EQ(result.facts.at("style"), "paths: convert_json_to_csv(input_path, output_path)");
  EXPECT_EQ(part(result, "flat.json").message, "matches (3 rows, BOM, \\r\\n)");
}

TEST_F(PythonPasses, AStyleTheTaskNamesIsTheOnlyOneTried) {
  const CheckResult result =
      seed(fenced(converter("paths_bom")), params({{"style", "records"s}}));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message,
              HasSubstr("no way of calling the code worked on any fixture: "
                        "convert_json_to_csv(records) -> str raised TypeError: convert_json_to_csv() "
                        "missing 1 required positional argument: 'output_path' [different_keys.json]"));
}

TEST_F(PythonPasses, AMissingEntryPointIsNamed) {
  const CheckResult result = contract(fenced(converter("paths_bom")));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_EQ(result.message,
            "python-passes: the code defines no top-level function json_to_csv (it defines convert_json_to_csv)");
}

TEST_F(PythonPasses, NoCodeAndSyntaxErrorsFailEveryFixture) {
  const CheckResult none = seed("Use pandas: df.to_csv()");
  EXPECT_EQ(none.outcome, Outcome::fail);
  EXPECT_THAT(none.message, StartsWith("python-passes: no Python code block found in the answer (23 characters"));
  EXPECT_THAT(none.parts, Each(Field(&CheckPart::outcome, Outcome::fail)));

  const CheckResult broken = seed(fenced("def json_to_csv(records)\n    return ''\n"));
  EXPECT_EQ(broken.outcome, Outcome::fail);
  EXPECT_THAT(broken.message, StartsWith("python-passes: the code does not load: SyntaxError: expected ':' (line 1)"));
}

TEST_F(PythonPasses, ReasoningIsNeverJudged) {
  Completion completion = testing::answer("I cannot write code.");
  completion.reasoning = "```python\n" + converter("seed_dictwriter") + "```\n";
  const auto checker = testing::make_checker("python-passes", params({{"fixtures", k_seed}}));
  const CheckResult result = checker->check(completion);
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("the reasoning holds a code block, but reasoning is not judged"));
}

TEST_F(PythonPasses, DescribeNamesTheConventions) {
  const auto checker = testing::make_checker("python-passes", params({{"fixtures", k_seed}}));
  EXPECT_THAT(checker->describe(), AllOf(HasSubstr("7 fixtures from seed"), HasSubstr("f(records) -> str"),
                                         HasSubstr("f(input_path, output_path)"), HasSubstr("main()")));
}

// ---- README "Python packages": what an answer may import ----

constexpr const char* k_pandas_converter =
    "```python\nimport pandas as pd\n\ndef json_to_csv(records):\n    return pd.DataFrame(records).to_csv(index=False)\n```\n";

bool pandas_installed() { return std::system("/usr/bin/python3 -c 'import pandas' >/dev/null 2>&1") == 0; }

TEST_F(PythonPasses, APandasAnswerIsJudgedOnItsOutputWhenTheTaskAllowsPandas) {
  if (!pandas_installed()) GTEST_SKIP() << "python3-pandas is not installed (scripts/install-deps.sh installs it)";
  Params extra;
  extra.set("packages", std::vector<std::string>{"pandas", "numpy"});
  const CheckResult result = seed(k_pandas_converter, extra);
  // It ran: every fixture was judged on what the code wrote, none on an import.
  EXPECT_NE(result.outcome, Outcome::error) << result.message;
  EXPECT_THAT(result.message, Not(HasSubstr("imports")));
  EXPECT_THAT(result.message, Not(HasSubstr("ModuleNotFoundError")));
  ASSERT_EQ(result.parts.size(), 7u) << result.message;
  for (const auto& p : result.parts) {
    if (p.outcome != Outcome::pass) {
      EXPECT_THAT(p.name, StartsWith("fixture ")) << p.message;  // a real difference, named
    }
  }
  EXPECT_EQ(part(result, "flat.json").outcome, Outcome::pass) << part(result, "flat.json").message;
  EXPECT_EQ(part(result, "japanese.json").outcome, Outcome::pass) << part(result, "japanese.json").message;
  // The versions are reported (and reach each run's fingerprint).
  EXPECT_THAT(result.facts.at("python packages"), AllOf(HasSubstr("pandas 1."), HasSubstr("numpy 1.")));
}

TEST_F(PythonPasses, TheSameAnswerFailsATaskThatAllowsOnlyTheStandardLibrary) {
  const CheckResult result = contract(k_pandas_converter);
  EXPECT_EQ(result.outcome, Outcome::fail) << result.message;
  EXPECT_THAT(result.message, HasSubstr("the answer imports 'pandas'; this task allows only: the standard library"));
}

TEST_F(PythonPasses, AnUnknownModuleIsAFailureNeverAnError) {
  for (const char* import_line : {"import goodput_no_such_module_xyz", "import requests", "import importlib\nimportlib.import_module('requests')",
                                  "__import__('goodput_no_such_module_xyz')"}) {
    Params extra;
    extra.set("packages", std::vector<std::string>{"numpy"});
    const CheckResult result = seed(fenced(std::string(import_line) + "\n\n" + converter("seed_dictwriter")), extra);
    EXPECT_EQ(result.outcome, Outcome::fail) << import_line << ": " << result.message;
    EXPECT_THAT(result.message, HasSubstr("this task allows only: numpy, the standard library")) << import_line;
  }
}

TEST_F(PythonPasses, AFallbackImportStillWorks) {
  // try: import ujson ... except ImportError: the refusal is an ImportError like a missing module's.
  const CheckResult result =
      seed(fenced("try:\n    import ujson as fastjson\nexcept ImportError:\n    fastjson = None\n\n" + converter("seed_dictwriter")));
  EXPECT_EQ(result.outcome, Outcome::pass) << result.message;
}

TEST(PythonEnvironmentProbe, ReportsVersionsAndWhatDoesNotImport) {
  if (!std::filesystem::exists(std::string(detail::k_python))) GTEST_SKIP() << detail::k_python << " is not installed";
  const PythonEnvironment env = probe_python_packages({"json", "goodput_no_such_module_xyz"});
  ASSERT_EQ(env.error, "");
  EXPECT_THAT(env.python_version, StartsWith("3."));
  EXPECT_EQ(env.versions.count("json"), 1u);  // the standard library has no distribution version
  ASSERT_EQ(env.missing.count("goodput_no_such_module_xyz"), 1u);
  EXPECT_THAT(env.missing.at("goodput_no_such_module_xyz"), HasSubstr("ModuleNotFoundError"));
  EXPECT_THROW(checked_python_packages({"a-b"}), std::invalid_argument);
  EXPECT_THROW(checked_python_packages({"np", "np"}), std::invalid_argument);
  EXPECT_EQ(checked_python_packages({"numpy", "yaml"}).size(), 2u);
}

TEST(PythonPassesParams, RejectsUnusableValues) {
  EXPECT_EQ(param_error_field("python-passes", params({{"fixtures", std::string(GOODPUT_TEST_DATA_DIR)}})),
            "fixtures");  // no *.json with a .csv beside it
  EXPECT_EQ(param_error_field("python-passes", params({{"fixtures", k_seed}, {"style", "magic"s}})), "style");
  EXPECT_EQ(param_error_field("python-passes", params({{"fixtures", k_seed}, {"entry", "json-to-csv"s}})), "entry");
  EXPECT_EQ(param_error_field("python-passes", params({{"fixtures", k_seed}, {"timeout", 0.0}})), "timeout");
  EXPECT_EQ(param_error_field("python-passes", params({{"fixtures", k_seed}, {"memory_mb", std::int64_t{8}}})),
            "memory_mb");
  EXPECT_EQ(param_error_field("python-passes", params({{"fixtures", k_seed}, {"packages", std::vector<std::string>{"scikit-learn"}}})),
            "packages");
  EXPECT_EQ(param_error_field("python-passes", params({{"fixtures", k_seed}})), "<no ParamError>");
}

// A sandbox that returns a scripted result and keeps the request it was given.
class ScriptedSandbox final : public sandbox::Sandbox {
 public:
  explicit ScriptedSandbox(sandbox::Result result) : m_result(std::move(result)) {}
  sandbox::Result run(const sandbox::Request& request) override {
    last = request;
    return m_result;
  }
  sandbox::Isolation isolation() const override {
    sandbox::Isolation isolation;
    isolation.backend = "scripted";
    return isolation;
  }
  sandbox::Request last;

 private:
  sandbox::Result m_result;
};

class PythonPassesScripted : public ::testing::Test {
 protected:
  void TearDown() override { detail::set_python_sandbox_for_testing(nullptr); }

  std::shared_ptr<ScriptedSandbox> use(sandbox::Result result) {
    auto box = std::make_shared<ScriptedSandbox>(std::move(result));
    detail::set_python_sandbox_for_testing(box);
    return box;
  }
  static CheckResult check() {
    return testing::run("python-passes", params({{"fixtures", k_seed}}), fenced(converter("seed_dictwriter")));
  }
};

TEST_F(PythonPassesScripted, ExpectedOutputsNeverEnterTheSandbox) {
  const auto box = use(sandbox::Result{});
  check();
  std::vector<std::string> names;
  for (const auto& file : box->last.files) {
    names.push_back(file.path);
    EXPECT_EQ(file.content.find("Alice,Tokyo"), std::string::npos) << file.path;
    EXPECT_EQ(file.path.find(".csv"), std::string::npos) << file.path;
  }
  EXPECT_THAT(names, ::testing::Contains("inputs/flat.json"));
  EXPECT_THAT(names, ::testing::Contains("candidate.py"));
  EXPECT_EQ(box->last.argv.front(), "/usr/bin/python3");
  EXPECT_TRUE(box->last.result_channel);
}

TEST_F(PythonPassesScripted, ASandboxThatCannotStartIsAnError) {
  sandbox::Result result;
  result.reason = sandbox::EndReason::failed_to_start;
  result.error = "fork failed: resource temporarily unavailable";
  use(result);
  const CheckResult verdict = check();
  EXPECT_EQ(verdict.outcome, Outcome::error);
  EXPECT_THAT(verdict.message, HasSubstr("fork failed"));
  EXPECT_THAT(verdict.parts, Each(Field(&CheckPart::outcome, Outcome::error)));
  EXPECT_EQ(verdict.facts.at("sandbox backend"), "scripted");
}

// The driver's channel, one JSON object per line.
std::string channel(const std::vector<nlohmann::json>& events) {
  std::string text;
  for (const auto& event : events) text += event.dump() + "\n";
  return text;
}

const nlohmann::json k_hello = {{"event", "hello"}, {"protocol", 2}, {"python", "3.11.2"}};
const nlohmann::json k_load = {{"event", "load"}};

TEST_F(PythonPassesScripted, ADriverThatDiesBeforeLoadingTheCodeIsAnError) {
  sandbox::Result result;
  result.reason = sandbox::EndReason::exited;
  result.exit_code = 1;
  result.stderr_text = "Traceback...\nModuleNotFoundError: No module named 'json'\n";
  result.channel_text = channel({k_hello});
  use(result);
  const CheckResult verdict = check();
  EXPECT_EQ(verdict.outcome, Outcome::error);
  EXPECT_THAT(verdict.message, HasSubstr("the goodput driver stopped before loading the code"));
  EXPECT_THAT(verdict.message, HasSubstr("No module named 'json'"));
}

TEST_F(PythonPassesScripted, APythonThatNeverGreetsIsAnError) {
  sandbox::Result result;
  result.reason = sandbox::EndReason::exited;
  result.exit_code = 127;
  use(result);
  const CheckResult verdict = check();
  EXPECT_EQ(verdict.outcome, Outcome::error);
  EXPECT_THAT(verdict.message, HasSubstr("the goodput driver did not start"));
}

TEST_F(PythonPassesScripted, ATimeOutKeepsTheFixturesAlreadyDone) {
  sandbox::Result result;
  result.reason = sandbox::EndReason::timed_out;
  result.channel_text = channel(
      {k_hello, k_load, {{"event", "import"}, {"ok", true}},
       {{"event", "functions"}, {"names", {"json_to_csv"}}},
       {{"event", "attempt"}, {"function", "json_to_csv"}, {"style", "records"}, {"ok", true}},
       {{"event", "chosen"}, {"entry", "json_to_csv"}, {"style", "records"}},
       {{"event", "fixture"}, {"name", "different_keys"}, {"ok", true},
        {"output", "id,name,email,phone\n1,Alice,,\n2,,bob@example.com,\n3,Carol,,090-1234-5678\n"}},
       {{"event", "current"}, {"fixture", "empty"}}});
  use(result);
  const CheckResult verdict = check();
  EXPECT_EQ(verdict.outcome, Outcome::fail);
  EXPECT_EQ(part(verdict, "different_keys.json").outcome, Outcome::pass);
  EXPECT_EQ(part(verdict, "empty.json").message,
            "did not finish: the Python process hit the 20 s time limit (an endless loop?)");
  EXPECT_EQ(part(verdict, "flat.json").message,
            "not run: the Python process hit the 20 s time limit before it got there");
}

TEST_F(PythonPassesScripted, ATimeOutWhileTryingTheCodeIsAFailure) {
  sandbox::Result result;
  result.reason = sandbox::EndReason::timed_out;
  result.channel_text = channel({k_hello, k_load, {{"event", "import"}, {"ok", true}},
                                 {{"event", "functions"}, {"names", {"json_to_csv"}}},
                                 {{"event", "current"}, {"fixture", "flat"}}});
  use(result);
  const CheckResult verdict = check();
  EXPECT_EQ(verdict.outcome, Outcome::fail);
  EXPECT_EQ(verdict.message,
            "python-passes: the Python process hit the 20 s time limit while trying the code on fixture flat.json");
}

TEST_F(PythonPassesScripted, RunningOutOfMemoryWhileLoadingIsAFailure) {
  sandbox::Result result;
  result.reason = sandbox::EndReason::memory_limit;
  result.channel_text = channel({k_hello, k_load});
  use(result);
  const CheckResult verdict = check();
  EXPECT_EQ(verdict.outcome, Outcome::fail);
  EXPECT_EQ(verdict.message,
            "python-passes: loading the code, the Python process ran out of memory (limit 512 MB)");
}

// Whatever the channel holds after "load" came from a process the candidate controls: any line
// the driver would not write is interference, a failure, never an error and never a pass.
TEST_F(PythonPassesScripted, LinesTheDriverWouldNotWriteAreInterference) {
  const nlohmann::json fixture_ok = {{"event", "fixture"}, {"name", "flat"}, {"ok", true},
                                     {"output", "x\n"}};
  // The driver's own lines up to the fixtures of the chosen way.
  const std::vector<nlohmann::json> chosen = {
      k_hello, k_load, {{"event", "import"}, {"ok", true}},
      {{"event", "functions"}, {"names", {"json_to_csv"}}},
      {{"event", "chosen"}, {"entry", "json_to_csv"}, {"style", "records"}}};
  auto after_chosen = [&chosen](std::vector<nlohmann::json> more) {
    std::vector<nlohmann::json> all = chosen;
    all.insert(all.end(), more.begin(), more.end());
    return channel(all);
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"garbage", channel({k_hello, k_load}) + "forged\n"},
      {"unterminated", channel({k_hello, k_load}) + "{\"event\": \"import\""},
      {"second hello", channel({k_hello, k_load, k_hello})},
      {"second load", channel({k_hello, k_load, k_load})},
      {"unknown event", channel({k_hello, k_load, {{"event", "pass"}}})},
      {"no event", channel({k_hello, k_load, {{"verdict", "pass"}}})},
      {"not an object", channel({k_hello, k_load}) + "[1,2]\n"},
      {"unknown fixture", after_chosen({{{"event", "fixture"}, {"name", "../x"}, {"ok", true}}})},
      {"duplicate fixture", after_chosen({fixture_ok, fixture_ok})},
      {"after done", after_chosen({{{"event", "done"}}, fixture_ok})},
      {"done before import", channel({k_hello, k_load, {{"event", "done"}}})},
      {"fixture before chosen", channel({k_hello, k_load, {{"event", "import"}, {"ok", true}},
                                         {{"event", "functions"}, {"names", {"f"}}}, fixture_ok})},
      {"deep nesting", channel({k_hello, k_load}) + std::string(100000, '[') + "\n"},
  };
  for (const auto& [name, text] : cases) {
    sandbox::Result result;
    result.reason = sandbox::EndReason::exited;
    result.exit_code = 0;
    result.channel_text = text;
    use(result);
    const CheckResult verdict = check();
    EXPECT_EQ(verdict.outcome, Outcome::fail) << name << ": " << verdict.message;
    EXPECT_THAT(verdict.message, HasSubstr("interfered with the harness")) << name;
  }
  // The specific reasons, for the record.
  sandbox::Result result;
  result.reason = sandbox::EndReason::exited;
  result.exit_code = 0;
  result.channel_text = after_chosen({fixture_ok, fixture_ok});
  use(result);
  EXPECT_THAT(check().message, HasSubstr("reports fixture 'flat' a second time"));
  result.channel_text = after_chosen({{{"event", "fixture"}, {"name", "../x"}, {"ok", true}}});
  use(result);
  EXPECT_THAT(check().message, HasSubstr("reports a fixture the job does not have: '../x'"));
  result.channel_text = channel({k_hello, k_load, {{"event", "done"}}});
  use(result);
  EXPECT_THAT(check().message, HasSubstr("line 3 is out of the driver's order (\"done\" after \"load\")"));
}

TEST_F(PythonPassesScripted, ACutChannelIsInterference) {
  sandbox::Result result;
  result.reason = sandbox::EndReason::output_limit;
  result.channel_truncated = true;
  result.channel_text = channel({k_hello, k_load}) + "{\"event\": \"fixture\", \"output\": \"xxxx";
  use(result);
  const CheckResult verdict = check();
  EXPECT_EQ(verdict.outcome, Outcome::fail);
  EXPECT_THAT(verdict.message, HasSubstr("interfered with the harness"));
  EXPECT_THAT(verdict.message, HasSubstr("result channel"));
}

TEST_F(PythonPassesScripted, AnUncleanExitAfterTheLastReportIsInterference) {
  sandbox::Result result;
  result.reason = sandbox::EndReason::signalled;
  result.term_signal = 9;
  result.channel_text = channel({k_hello, k_load, {{"event", "import"}, {"ok", true}},
                                 {{"event", "functions"}, {"names", nlohmann::json::array()}},
                                 {{"event", "done"}}});
  use(result);
  const CheckResult verdict = check();
  EXPECT_EQ(verdict.outcome, Outcome::fail);
  EXPECT_THAT(verdict.message, HasSubstr("after the driver's last report"));
}

TEST_F(PythonPassesScripted, GarbageBeforeLoadIsGoodputsError) {
  // Before "load" nothing of the candidate's has run: a bad line there is the driver's.
  sandbox::Result result;
  result.reason = sandbox::EndReason::exited;
  result.exit_code = 1;
  result.channel_text = channel({k_hello}) + "not json\n";
  use(result);
  EXPECT_EQ(check().outcome, Outcome::error);
}

}  // namespace
}  // namespace goodput::checkers
