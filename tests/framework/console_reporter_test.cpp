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

// The progress line: drawn after each event on a terminal, erased (\r, erase-line) before the
// next log line, so the log itself reads as without it; absent from files and CI logs.
TEST_F(ConsoleReporterTest, TheProgressLineCountsRunsAndIsErasedBeforeEachLogLine) {
  m_plan.total_runs = 3;
  StatsCollector stats;
  std::ostringstream out;
  ConsoleOptions options;
  options.live = true;
  options.show_timing = false;
  auto console = make_console_reporter(out, stats, options);
  console->on_plan(m_plan);
  RunRecord passed = run(Verdict::pass);
  passed.completion.tokens.completion = 40;
  RunRecord failed = run(Verdict::fail);
  failed.sample = 1;
  RunRecord errored = run(Verdict::error);
  errored.sample = 2;
  for (const RunRecord* r : {&passed, &failed}) {
    console->on_run_start(*r->model, *r->task, r->sample);
    stats.add(*r);
    console->on_run_end(*r);
  }
  const std::string after_two = out.str();
  EXPECT_THAT(after_two, HasSubstr("[ 0/3 runs ] 0 passed, 0 failed, 0 errors"));
  EXPECT_THAT(after_two, HasSubstr("[ 1/3 runs ] 1 passed, 0 failed, 0 errors · ETA "));
  EXPECT_THAT(after_two, HasSubstr(" tok/s")) << "40 completion tokens were counted";
  // The last thing written is the progress line, without a line break.
  const std::string last = after_two.substr(after_two.rfind('\n') + 1);
  EXPECT_THAT(last, HasSubstr("[ 2/3 runs ] 1 passed, 1 failed, 0 errors · ETA ")) << after_two;
  console->on_run_start(*errored.model, *errored.task, errored.sample);
  stats.add(errored);
  console->on_run_end(errored);
  console->on_finish(false);
  const std::string all = out.str();
  EXPECT_THAT(all, HasSubstr("[ 3/3 runs ] 1 passed, 1 failed, 1 errors"));
  EXPECT_THAT(all, Not(HasSubstr("[ 3/3 runs ] 1 passed, 1 failed, 1 errors · ETA"))) << "nothing is left to wait for";
  // Every progress line is erased before the next log line: removing "progress\r\e[K" leaves the plain log.
  std::string plain;
  for (const auto& line : lines_of(all)) {
    const auto erased = line.rfind("\r\x1b[K");
    plain += (erased == std::string::npos ? line : line.substr(erased + 4)) + "\n";
  }
  for (const auto& line : lines_of(plain)) EXPECT_EQ(line.find("runs ] "), std::string::npos) << line;
  EXPECT_THAT(plain, HasSubstr("\n[       OK ] forger / mini.capital\n"));
  EXPECT_EQ(all.back(), '\n') << "the summary ends the output, not a progress line";
}

TEST_F(ConsoleReporterTest, WithoutATerminalNoProgressLineAndNoColour) {
  const std::string out = print(run(Verdict::pass));
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_THAT(out, Not(HasSubstr("runs ] ")));
}

TEST_F(ConsoleReporterTest, ColourMarksOkFailedAndErrorTags) {
  StatsCollector stats;
  std::ostringstream out;
  ConsoleOptions options;
  options.color = true;
  options.show_timing = false;
  auto console = make_console_reporter(out, stats, options);
  m_plan.total_runs = 3;
  console->on_plan(m_plan);
  for (const Verdict v : {Verdict::pass, Verdict::fail, Verdict::error}) {
    RunRecord r = run(v);
    stats.add(r);
    console->on_run_end(r);
  }
  console->on_finish(false);
  EXPECT_THAT(out.str(), HasSubstr("\x1b[32m[       OK ] \x1b[0mforger / mini.capital"));
  EXPECT_THAT(out.str(), HasSubstr("\x1b[31m[  FAILED  ] \x1b[0mforger / mini.capital"));
  EXPECT_THAT(out.str(), HasSubstr("\x1b[33m[  ERROR   ] \x1b[0mforger / mini.capital"));
  EXPECT_EQ(out.str().find('\r'), std::string::npos) << "colour alone draws no progress line";
}

TEST(ConsoleOptionsFor, ColourAndProgressFollowTheTerminalNoColorCiAndTheFlag) {
  EXPECT_TRUE(console_options_for("auto", true, nullptr, nullptr).color);
  EXPECT_TRUE(console_options_for("auto", true, nullptr, nullptr).live);
  EXPECT_FALSE(console_options_for("auto", false, nullptr, nullptr).color);
  EXPECT_FALSE(console_options_for("auto", false, nullptr, nullptr).live);
  EXPECT_FALSE(console_options_for("auto", true, "1", nullptr).color) << "NO_COLOR";
  EXPECT_TRUE(console_options_for("auto", true, "", nullptr).color) << "an empty NO_COLOR is unset (no-color.org)";
  EXPECT_TRUE(console_options_for("always", false, "1", nullptr).color);
  EXPECT_FALSE(console_options_for("never", true, nullptr, nullptr).color);
  EXPECT_TRUE(console_options_for("never", true, nullptr, nullptr).live) << "--color does not decide the progress line";
  EXPECT_FALSE(console_options_for("auto", true, nullptr, "true").live) << "CI set: plain lines";
  EXPECT_TRUE(console_options_for("auto", true, nullptr, "true").color);
}

}  // namespace
}  // namespace goodput
