// The run summary as Markdown: the heading's counts, one row per model, and the runs that did
// not pass with their first message; a pipe or line break in a message cannot end a row.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/reporters.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class MarkdownReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_path = fs::temp_directory_path() / ("goodput-md-" + std::to_string(::getpid()) + "-" +
                                          ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".md");
    ModelSpec m;
    m.name = "fast";
    m_models = {m};
    TaskSpec t;
    t.suite = "mini";
    t.name = "capital";
    m_tasks = {t};
    m_plan.models = &m_models;
    m_plan.tasks = &m_tasks;
    m_plan.total_runs = 3;
    m_plan.repeat = 3;
  }
  void TearDown() override { fs::remove(m_path); }

  // Three runs, passed, failed and errored, each changed by `edit` when given.
  std::string summary(bool append, const std::function<void(RunRecord&)>& edit = {}) {
    StatsCollector stats;
    auto md = make_markdown_reporter(m_path.string(), append, stats);
    md->on_plan(m_plan);
    for (int i = 0; i < 3; ++i) {
      RunRecord r;
      r.model = &m_models[0];
      r.task = &m_tasks[0];
      r.sample = i;
      r.verdict = i == 0 ? Verdict::pass : i == 1 ? Verdict::fail : Verdict::error;
      if (i == 1) r.checks.emplace_back(checkers::Outcome::fail, "expected Tokyo | found\nOsaka");
      if (i == 2) r.completion.error = {ErrorKind::connect, "cannot connect", 0};
      if (edit) edit(r);
      stats.add(r);
      md->on_run_end(r);
    }
    md->on_finish(false);
    std::ifstream in(m_path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path m_path;
  std::vector<ModelSpec> m_models;
  std::vector<TaskSpec> m_tasks;
  Plan m_plan;
};

TEST_F(MarkdownReporterTest, HeadingTableAndTheRunsThatDidNotPass) {
  const std::string md = summary(false);
  EXPECT_THAT(md, HasSubstr("## goodput run: ❌ 3 of 3 runs, 1 passed, 1 failed, 1 errors\n"));
  EXPECT_THAT(md, HasSubstr("| model | pass rate [95% CI] |"));
  EXPECT_THAT(md, HasSubstr("| fast | 1/2 50.0% ["));
  EXPECT_THAT(md, HasSubstr("<details><summary>2 runs did not pass</summary>"));
  EXPECT_THAT(md, HasSubstr("- `fast / mini.capital #2` fail: expected Tokyo \\| found Osaka\n"));
  EXPECT_THAT(md, HasSubstr("- `fast / mini.capital #3` error: connect: cannot connect\n"));
}

// README "Metrics": text that did not come token by token has no TTFT or decode rate; the
// table gives its time to first text and effective rate, marked † and explained, as the console does.
TEST_F(MarkdownReporterTest, BlockStreamsShowTimeToFirstTextAndEffectiveRateMarked) {
  const std::string md = summary(false, [](RunRecord& r) {
    r.verdict = Verdict::pass;
    r.checks.clear();
    r.completion.error = {};
    r.completion.metrics.delivery = Delivery::block_stream;
    r.completion.metrics.ttft_s = 0.5;
    r.completion.metrics.e2e_s = 2.0;
    r.completion.metrics.effective_tps = 40.0;
  });
  EXPECT_THAT(md, HasSubstr("| fast | 3/3 100.0% [43.9–100.0] | 0 | 0.50 s† | 40.0 tok/s† | 2.00 s |"));
  EXPECT_THAT(md, HasSubstr("\n† text not streamed token by token (blocks or one body): time to first text instead of TTFT"));
  // A token stream's row is unmarked and has no footnote.
  EXPECT_THAT(summary(false), ::testing::Not(HasSubstr("†")));
}

TEST_F(MarkdownReporterTest, MakesTheFilesDirectory) {
  const fs::path dir = m_path.parent_path() / (m_path.stem().string() + "-dir");
  m_path = dir / "sub" / "summary.md";
  EXPECT_THAT(summary(false), HasSubstr("## goodput run:"));
  fs::remove_all(dir);
}

TEST_F(MarkdownReporterTest, AppendsForAJobSummaryAndReplacesOtherwise) {
  std::ofstream(m_path) << "earlier step\n";
  EXPECT_THAT(summary(true), HasSubstr("earlier step\n## goodput run:"));
  EXPECT_EQ(summary(false).rfind("## goodput run:", 0), 0u);
}

}  // namespace
}  // namespace goodput
