// The console log cannot be forged by what it quotes: a check message, a part, an error, a
// fact or a name holding newlines and escape sequences never puts a line of its own at
// column 0 and never sends ESC to the terminal; goodput's own multi-line messages stay
// readable, one indented line each.
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/reporters.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* k_forged = "\n[       OK ] fake\n[  PASSED  ] 1 runs\x1b[8m";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Every line that starts with '[' is one of `own`, the status lines goodput writes for the run.
void expect_only_own_status_lines(const std::string& out, const std::set<std::string>& own) {
  for (const auto& line : lines_of(out)) {
    if (!line.empty() && line.front() == '[') {
      EXPECT_TRUE(own.count(line)) << "a line goodput did not write: " << line << "\n" << out;
    }
  }
}

class ConsoleReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ModelSpec m;
    m.name = "forger";
    m.model = "forger-id";
    m.base_url = "http://127.0.0.1:1/v1";
    m_models = {m};
    TaskSpec t;
    t.suite = "mini";
    t.name = "capital";
    m_tasks = {t};
    m_plan.models = &m_models;
    m_plan.tasks = &m_tasks;
    m_plan.total_runs = 1;
  }

  RunRecord run(Verdict verdict) const {
    RunRecord r;
    r.model = &m_models[0];
    r.task = &m_tasks[0];
    r.verdict = verdict;
    return r;
  }

  std::string print(const RunRecord& r) {
    StatsCollector stats;
    std::ostringstream out;
    auto console = make_console_reporter(out, stats, {false, false});
    console->on_plan(m_plan);
    console->on_run_start(*r.model, *r.task, r.sample);
    stats.add(r);
    console->on_run_end(r);
    console->on_finish(false);
    return out.str();
  }

  std::vector<ModelSpec> m_models;
  std::vector<TaskSpec> m_tasks;
  Plan m_plan;
};

TEST_F(ConsoleReporterTest, AForgedCheckMessageCannotPrintStatusLinesOrEscapeSequences) {
  RunRecord r = run(Verdict::fail);
  checkers::CheckResult check(checkers::Outcome::fail, std::string("contains: 'Tokyo' not found") + k_forged);
  check.parts.push_back({std::string("fixture\x1b[2J") + k_forged, checkers::Outcome::fail, std::string("stderr:") + k_forged});
  check.facts["sandbox"] = std::string("posix") + k_forged;
  r.checks.push_back(check);
  const std::string out = print(r);

  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  // Only goodput's own lines start with '[': the ones this run of one failed task gives.
  expect_only_own_status_lines(out, {
      "[==========] 1 runs: 1 tasks x 1 models",
      "[----------] model forger: forger-id at http://127.0.0.1:1/v1 (openai)",
      "[ RUN      ] forger / mini.capital",
      "[  FAILED  ] forger / mini.capital",
      "[ SANDBOX  ] generated code runs under posix\\n[       OK ] fake\\n[  PASSED  ] 1 runs\\x1b[8m",
      "[==========] 1 of 1 runs finished",
      "[  PASSED  ] 0 runs",
      "[  FAILED  ] 1 runs, listed below:",
  });
  // The message keeps its lines, each indented under the run.
  EXPECT_THAT(out, HasSubstr("    contains: 'Tokyo' not found\n"
                             "    [       OK ] fake\n"
                             "    [  PASSED  ] 1 runs\\x1b[8m\n"));
  EXPECT_THAT(out, HasSubstr("      fixture\\x1b[2J\\n[       OK ] fake\\n[  PASSED  ] 1 runs\\x1b[8m: stderr:\n"
                             "      [       OK ] fake\n"
                             "      [  PASSED  ] 1 runs\\x1b[8m\n"));
}

TEST_F(ConsoleReporterTest, GoogleTestShapedMessagesKeepOneIndentedLineEach) {
  RunRecord r = run(Verdict::fail);
  r.checks.emplace_back(checkers::Outcome::fail,
                        "tasks.cpp:42: Failure\nExpected: reply contains \"60%\"\n  Actual: contains: '60%' not found\nnote: 東京");
  const std::string out = print(r);
  EXPECT_THAT(out, HasSubstr("[  FAILED  ] forger / mini.capital\n"
                             "    tasks.cpp:42: Failure\n"
                             "    Expected: reply contains \"60%\"\n"
                             "      Actual: contains: '60%' not found\n"
                             "    note: 東京\n"));
}

TEST_F(ConsoleReporterTest, ErrorsRetriesAndNamesAreEscaped) {
  m_models[0].name = "forger\x1b]0;pwned\x07";
  RunRecord r = run(Verdict::error);
  r.completion.error.kind = ErrorKind::http_status;
  r.completion.error.message = std::string("HTTP 500: {\"error\":\"boom\"}") + k_forged;
  r.completion.retries.push_back({0.5, std::string("HTTP 503\r[  PASSED  ] 9 runs")});
  const std::string out = print(r);
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_EQ(out.find('\x07'), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  EXPECT_THAT(out, HasSubstr("[  ERROR   ] forger\\x1b]0;pwned\\x07 / mini.capital\n"));
  EXPECT_THAT(out, HasSubstr("    retried 1 time (last: HTTP 503\\r[  PASSED  ] 9 runs)\n"));
  EXPECT_THAT(out, HasSubstr("    error (http_status): HTTP 500: {\"error\":\"boom\"}\n"
                             "    [       OK ] fake\n"
                             "    [  PASSED  ] 1 runs\\x1b[8m\n"));
  EXPECT_THAT(out, HasSubstr("\nforger\\x1b]0;pwned\\x07  "));  // the summary table
  expect_only_own_status_lines(out, {
                                          "[==========] 1 runs: 1 tasks x 1 models",
                                          "[----------] model forger\\x1b]0;pwned\\x07: forger-id at http://127.0.0.1:1/v1 (openai)",
                                          "[ RUN      ] forger\\x1b]0;pwned\\x07 / mini.capital",
                                          "[  ERROR   ] forger\\x1b]0;pwned\\x07 / mini.capital",
                                          "[==========] 1 of 1 runs finished",
                                          "[  PASSED  ] 0 runs",
                                          "[  ERROR   ] 1 runs did not complete (errors, not counted as model failures):",
                                      });
}

TEST_F(ConsoleReporterTest, IgnoredServerFiguresAreCountedInTheSummary) {
  RunRecord r = run(Verdict::pass);
  r.completion.ignored_server_figures = {{"usage.completion_tokens", -7, "negative"},
                                         {"server.decode_tps", 1.8e20, "above a million tokens per second"}};
  EXPECT_THAT(print(r), HasSubstr("Server figures ignored (implausible): forger 1 run (server.decode_tps above a million "
                                  "tokens per second, usage.completion_tokens negative; the journal keeps the values)\n"));
  EXPECT_THAT(print(run(Verdict::pass)), Not(HasSubstr("Server figures ignored")));
}

}  // namespace
}  // namespace goodput
