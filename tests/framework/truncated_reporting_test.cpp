// A run whose reasoning the token limit cut before any answer (Verdict::truncated) reads as
// [ TRUNCATED ] in the console log and as a <failure type="truncated"> in JUnit XML; warm-up
// lines and server figures in the console.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/reporters.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ReportingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ModelSpec m;
    m.name = "thinker";
    m.model = "thinker-id";
    m.base_url = "http://127.0.0.1:1/v1";
    m_models = {m};
    TaskSpec t;
    t.suite = "mini";
    t.name = "capital";
    AssertionSpec a;
    a.type = "icontains";
    t.assertions.push_back(a);
    m_tasks = {t};
    m_plan.models = &m_models;
    m_plan.tasks = &m_tasks;
    m_plan.total_runs = 1;
  }

  RunRecord truncated_run() const {
    RunRecord r;
    r.model = &m_models[0];
    r.task = &m_tasks[0];
    r.verdict = Verdict::truncated;
    r.completion.stop_reason = StopReason::length;
    r.completion.reasoning = "thinking and thinking";
    r.checks.emplace_back(checkers::Outcome::fail, "the token limit cut the reasoning before any answer");
    return r;
  }

  std::vector<ModelSpec> m_models;
  std::vector<TaskSpec> m_tasks;
  Plan m_plan;
};

TEST_F(ReportingTest, ConsolePrintsTruncatedRuns) {
  StatsCollector stats;
  std::ostringstream out;
  auto console = make_console_reporter(out, stats, {false, false});
  console->on_plan(m_plan);
  const RunRecord run = truncated_run();
  stats.add(run);
  console->on_run_end(run);
  console->on_finish(false);
  EXPECT_THAT(out.str(), HasSubstr("[ TRUNCATED ] thinker / mini.capital\n"));
  EXPECT_THAT(out.str(), HasSubstr("[ TRUNCATED ] 1 runs"));
  EXPECT_THAT(out.str(), HasSubstr("1 of 1 runs finished"));
}

TEST_F(ReportingTest, JunitReportsTruncatedAsAFailureOfTypeTruncated) {
  const fs::path path = fs::temp_directory_path() / ("goodput-truncated-" + std::to_string(::getpid()) + ".xml");
  auto junit = make_junit_reporter(path.string());
  junit->on_plan(m_plan);
  junit->on_run_end(truncated_run());
  junit->on_finish(false);
  std::ifstream in(path);
  std::stringstream xml;
  xml << in.rdbuf();
  fs::remove(path);
  EXPECT_THAT(xml.str(), HasSubstr("<failure message=\"[ TRUNCATED ] "));
  EXPECT_THAT(xml.str(), HasSubstr("type=\"truncated\""));
  EXPECT_THAT(xml.str(), HasSubstr("failures=\"1\""));
}

TEST_F(ReportingTest, ConsoleShowsWarmupAndServerFigures) {
  StatsCollector stats;
  std::ostringstream out;
  auto console = make_console_reporter(out, stats, {false, true});
  console->on_plan(m_plan);
  WarmupResult warmup;
  warmup.e2e_s = 3.5;
  warmup.ttft_s = 3.4;
  console->on_warmup(m_models[0], warmup);
  RunRecord run = truncated_run();
  run.verdict = Verdict::pass;
  run.checks = {{checkers::Outcome::pass, "fine"}};
  run.completion.stop_reason = StopReason::stop;
  run.completion.metrics.ttft_s = 0.512;
  run.completion.metrics.decode_tps = 50;
  run.completion.server.prompt_s = 0.5;
  run.completion.server.decode_tps = 52;
  run.completion.retries.push_back({0.5, "connect: cannot connect"});
  stats.add(run);
  console->on_run_end(run);
  console->on_finish(false);
  EXPECT_THAT(out.str(), HasSubstr("[ WARM-UP  ] thinker: load time 3.50 s (TTFT 3.40 s), not counted in the statistics"));
  EXPECT_THAT(out.str(), HasSubstr("thinker: TTFT 0.51 s vs 0.50 s (prompt) — network + queue: +12 ms; decode 50.0 tok/s vs 52.0 tok/s"));
  EXPECT_THAT(out.str(), HasSubstr("retried 1 time (last: connect: cannot connect)"));
  EXPECT_THAT(out.str(), HasSubstr("Retries: thinker 1"));
}

}  // namespace
}  // namespace goodput
