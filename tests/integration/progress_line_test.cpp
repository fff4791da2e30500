// The live progress line, seen as a terminal sees it: `goodput run --sim` on a pseudo-terminal
// (support/terminal.hpp). On a terminal the line (runs done/total, verdicts so far, ETA,
// tokens/s) is drawn under the log and erased ("\r\e[K") before every log line; with CI set,
// or stdout not a terminal, there is none; NO_COLOR drops the colours. Each capture is kept
// under <build>/tests/artifacts/progress-line/ for people to read (escapes made visible).
#include <filesystem>
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/binary_test.hpp"
#include "support/terminal.hpp"

#ifndef GOODPUT_TEST_ARTIFACTS
#define GOODPUT_TEST_ARTIFACTS "test-artifacts"
#endif

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* k_erase = "\r\033[K";

class ProgressLineTest : public test::BinaryTest {
 protected:
  ProgressLineTest() : BinaryTest("progress") {}

  // 3 tasks x 2 models x 3 samples = 18 runs on the simulator, some failing, in a terminal.
  test::ProcessResult run_on_terminal(const test::TerminalEnv& env, const std::string& artifact) const {
    const std::vector<std::string> args{"run",        test::data_path("tasks/mini.yaml"), "--sim",   "--sim-profiles",
                                        test::test_sim_profiles(), "--model", "sim-fast", "--model",
                                        "sim-wrong",  "--repeat", "3", "-o", path("out-" + artifact)};
    const test::ProcessResult r = test::run_in_terminal(test::goodput_binary(), args, m_dir, env);
    const fs::path dir = fs::path(GOODPUT_TEST_ARTIFACTS) / "progress-line";
    fs::create_directories(dir);
    std::ofstream(dir / (artifact + ".raw")) << r.out;
    std::ofstream(dir / (artifact + ".txt")) << test::visible_controls(r.out);
    return r;
  }

  // Without CI and NO_COLOR, whatever this test process has: a developer's terminal.
  static test::TerminalEnv terminal_env() { return {{"TERM=xterm-256color"}, {"CI", "NO_COLOR"}}; }
};

// The progress line's text, up to where the next write begins.
const std::regex k_progress(R"(\[ (\d+)/18 runs \] (\d+) passed, (\d+) failed, (\d+) errors( · ETA (?:[0-9.]+ s|\d+ m \d+ s))?( · [0-9.]+ tok/s)?)");

TEST_F(ProgressLineTest, OnATerminalTheLineIsDrawnAndErasedBeforeEveryLogLine) {
  const auto r = run_on_terminal(terminal_env(), "terminal");
  ASSERT_EQ(r.exit_code, 1) << test::visible_controls(r.out);  // sim-wrong fails
  int lines = 0, with_eta = 0, with_rate = 0, highest = 0;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), k_progress); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    ++lines;
    with_eta += m[5].matched;
    with_rate += m[6].matched;
    const int done = std::stoi(m[1]);
    EXPECT_GE(done, highest) << "the count of finished runs went back";
    highest = done;
    EXPECT_EQ(std::stoi(m[2]) + std::stoi(m[3]) + std::stoi(m[4]), done) << m.str();
    // Nothing is written after the line but the erase that precedes the next log line.
    const std::size_t end = static_cast<std::size_t>(m.position(0) + m.length(0));
    EXPECT_EQ(r.out.compare(end, std::strlen(k_erase), k_erase), 0)
        << "after '" << m.str() << "': '" << test::visible_controls(r.out.substr(end, 40)) << "'";
  }
  EXPECT_GE(lines, 18) << test::visible_controls(r.out);  // at least once per finished run
  EXPECT_EQ(highest, 18);
  EXPECT_GT(with_eta, 0) << "no ETA while runs were left";
  EXPECT_GT(with_rate, 0) << "no tokens/s";
  // Log lines start at column 0, right after the erase, and in colour.
  EXPECT_THAT(r.out, HasSubstr(std::string(k_erase) + "\033[32m[       OK ] \033[0msim-fast / mini."));
  EXPECT_THAT(r.out, HasSubstr("\033[31m[  FAILED  ] \033[0msim-wrong / mini."));
  // The summary is written after the last erase: no progress line is left on the screen.
  const std::size_t last_erase = r.out.rfind(k_erase);
  EXPECT_THAT(r.out.substr(last_erase), HasSubstr("runs finished"));
  EXPECT_FALSE(std::regex_search(r.out.substr(last_erase), k_progress));
}

TEST_F(ProgressLineTest, WithCiSetThereIsNoProgressLine) {
  test::TerminalEnv env = terminal_env();
  env.set.push_back("CI=1");
  const auto r = run_on_terminal(env, "ci");
  ASSERT_EQ(r.exit_code, 1) << test::visible_controls(r.out);
  EXPECT_FALSE(std::regex_search(r.out, k_progress)) << test::visible_controls(r.out);
  EXPECT_THAT(r.out, Not(HasSubstr(k_erase)));
  EXPECT_THAT(r.out, HasSubstr("[  FAILED  ] \033[0msim-wrong"));  // colour is the terminal's business, not CI's
}

TEST_F(ProgressLineTest, NoColorDropsTheColoursAndCiWithItLeavesPlainText) {
  test::TerminalEnv env = terminal_env();
  env.set.push_back("NO_COLOR=1");
  auto r = run_on_terminal(env, "no-color");
  ASSERT_EQ(r.exit_code, 1) << test::visible_controls(r.out);
  EXPECT_THAT(r.out, Not(HasSubstr("\033[3")));  // no SGR colour
  EXPECT_TRUE(std::regex_search(r.out, k_progress)) << "the progress line is not a colour";
  EXPECT_THAT(r.out, HasSubstr("[  FAILED  ] sim-wrong / mini."));

  env.set.push_back("CI=1");
  r = run_on_terminal(env, "ci-no-color");
  ASSERT_EQ(r.exit_code, 1) << test::visible_controls(r.out);
  EXPECT_EQ(r.out.find('\033'), std::string::npos) << test::visible_controls(r.out);
  // Plain lines, each ended by the terminal's CR LF alone.
  std::string without_line_ends = r.out;
  for (std::size_t at = without_line_ends.find("\r\n"); at != std::string::npos; at = without_line_ends.find("\r\n", at))
    without_line_ends.erase(at, 1);
  EXPECT_EQ(without_line_ends.find('\r'), std::string::npos) << test::visible_controls(r.out);
}

}  // namespace
}  // namespace goodput
