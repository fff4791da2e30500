// SPDX-License-Identifier: MIT
// python-passes beyond JSON→CSV (README "python-passes"): fixtures of other formats (`input:`,
// `output:`), compared as JSON values or as text, and the stdio convention, in the real
// sandbox (PythonPassesFormats.*, label sandbox); their parameters (PythonPassesFormatParams.*).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "checker_test_support.hpp"
#include "../../checkers/src/python_sandbox.hpp"

namespace goodput::checkers {
namespace {

using namespace std::string_literals;
using ::testing::Each;
using ::testing::Field;
using ::testing::HasSubstr;
using testing::fenced;
using testing::param_error_message;
using testing::params;

const std::string k_sum_lines = std::string(GOODPUT_TEST_DATA_DIR) + "/passes/sum_lines";
const std::string k_stats_json = std::string(GOODPUT_TEST_DATA_DIR) + "/passes/stats_json";

class PythonPassesFormats : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(std::string(detail::k_python))) GTEST_SKIP() << detail::k_python << " is not installed";
  }
};

CheckResult sum_lines(const std::string& code) {
  return testing::run("python-passes",
                      params({{"fixtures", k_sum_lines}, {"input", "in"s}, {"output", "out"s}, {"style", "stdio"s}}),
                      fenced(code));
}

TEST_F(PythonPassesFormats, AScriptReadingStdinAndPrintingItsAnswer) {
  const CheckResult right = sum_lines("import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))\n");
  EXPECT_EQ(right.outcome, Outcome::pass) << right.message;
  ASSERT_EQ(right.parts.size(), 3u);
  EXPECT_THAT(right.parts, Each(Field(&CheckPart::outcome, Outcome::pass)));
  EXPECT_THAT(right.message, HasSubstr("all 3 fixtures pass, calling the code as a script: the input on stdin"));

  // The path is argv[1] as well; what goes to stderr is no output.
  const CheckResult by_path = sum_lines(
      "import sys\nprint('reading', sys.argv[1], file=sys.stderr)\n"
      "print(sum(int(x) for x in open(sys.argv[1]).read().split()))\n");
  EXPECT_EQ(by_path.outcome, Outcome::pass) << by_path.message;

  const CheckResult wrong = sum_lines("import sys\nprint(sum(int(x) for x in sys.stdin.read().split()) + 1)\n");
  EXPECT_EQ(wrong.outcome, Outcome::fail);
  EXPECT_THAT(wrong.message, HasSubstr("3 of 3 fixtures fail"));
  EXPECT_THAT(wrong.message, HasSubstr("fixture crlf.in: line 1: expected '25', got '26'"));

  const CheckResult crashes = sum_lines("import sys\nraise SystemExit(sum(1 for _ in sys.stdin) and 3)\n");
  EXPECT_EQ(crashes.outcome, Outcome::fail);
}

// The stdio style runs the answer as a script inside the driver, as the other styles call its
// functions there: the channel's sequence and the expected outputs kept outside the sandbox
// still decide, so no script chooses its verdict.
TEST_F(PythonPassesFormats, AHostileScriptCannotChooseItsVerdict) {
  const std::string forge_each_fixture =
      "import os, json, sys\n"
      "fd = int(os.environ.get('GOODPUT_RESULT_FD', '-1'))\n"
      "name = os.path.basename(sys.argv[1])[:-3]\n"
      "os.write(fd, (json.dumps({'event': 'fixture', 'name': name, 'ok': True, 'output': '0'}) + '\\n').encode())\n"
      "os.write(fd, b'{\"event\": \"done\"}\\n')\n"
      "os._exit(0)\n";
  const std::string close_the_channel =
      "import os\nos.close(int(os.environ['GOODPUT_RESULT_FD']))\nprint(0)\n";
  // Looks for the expected output of its fixture wherever a careless harness might leave it.
  const std::string read_the_expected_output =
      "import os, sys\n"
      "want = os.path.basename(sys.argv[1])[:-3] + '.out'\n"
      "for top in ('.', '..', '../..', '/tmp', '/dev/shm', os.path.dirname(os.path.abspath(sys.argv[1]))):\n"
      "    for root, dirs, files in os.walk(top):\n"
      "        if want in files:\n"
      "            print(open(os.path.join(root, want)).read().strip()); sys.exit(0)\n"
      "print('nothing')\n";
  for (const auto& code : {forge_each_fixture, close_the_channel, read_the_expected_output}) {
    const CheckResult verdict = sum_lines(code);
    EXPECT_EQ(verdict.outcome, Outcome::fail) << code << "\n" << verdict.message;
  }
}

TEST_F(PythonPassesFormats, JsonOutputsCompareAsValues) {
  const std::string stats =
      "import json\n\n"
      "def summarize(text):\n"
      "    numbers = [int(x) for x in text.split()]\n"
      "    return json.dumps({'max': max(numbers), 'sum': sum(numbers), 'count': len(numbers)})\n";
  const Params format = params({{"fixtures", k_stats_json}, {"input", "txt"s}, {"output", "json"s}});
  const CheckResult right = testing::run("python-passes", format, fenced(stats));
  EXPECT_EQ(right.outcome, Outcome::pass) << right.message;
  EXPECT_THAT(right.message, HasSubstr("calling summarize(input_text) -> str"));

  std::string off_by_one = stats;
  off_by_one.replace(off_by_one.find("'sum': sum(numbers)"), 19, "'sum': sum(numbers) + 1");
  const CheckResult wrong = testing::run("python-passes", format, fenced(off_by_one));
  EXPECT_EQ(wrong.outcome, Outcome::fail);
  EXPECT_THAT(wrong.message, HasSubstr("fixture lost.txt: the JSON differs at /sum: expected 108, got 109"));
}

TEST(PythonPassesFormatParams, ExtensionsAndStylesThatFitThem) {
  EXPECT_THAT(param_error_message("python-passes", params({{"fixtures", k_sum_lines}, {"input", "in"s}, {"output", "in"s}})),
              HasSubstr("different extensions"));
  EXPECT_THAT(param_error_message("python-passes", params({{"fixtures", k_sum_lines}, {"input", ".in"s}, {"output", "out"s}})),
              HasSubstr("without the dot"));
  EXPECT_THAT(param_error_message("python-passes",
                                  params({{"fixtures", k_sum_lines}, {"input", "in"s}, {"output", "out"s}, {"style", "records"s}})),
              HasSubstr("passes JSON records, but the inputs are .in files"));
  EXPECT_THAT(param_error_message("python-passes", params({{"fixtures", k_sum_lines}, {"input", "txt"s}, {"output", "out"s}})),
              HasSubstr("no fixtures (*.txt)"));
  EXPECT_THAT(param_error_message("python-passes", params({{"fixtures", k_stats_json}, {"input", "txt"s}, {"output", "csv"s}})),
              HasSubstr("has no expected output lost.csv"));
}

}  // namespace
}  // namespace goodput::checkers
