// SPDX-License-Identifier: MIT
// JSON Lines files that survive kill -9 (goodput/journal_file.hpp): whole lines appended, a
// last line cut by a kill left out by every reader (the results writer included), and a run
// redone by --resume counted once, from its last line.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/journal_file.hpp"
#include "goodput/reporters.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;

class JournalFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("goodput-journal-file-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (m_dir / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path m_dir;
};

std::string run_line(const std::string& model, const std::string& verdict, int sample = 0) {
  return nlohmann::json{{"model", model}, {"task", "s.t"}, {"sample", sample}, {"verdict", verdict}}.dump() + "\n";
}

TEST_F(JournalFileTest, AppendsWholeLinesToWhatIsThere) {
  const std::string path = write("j.jsonl", "first\n");
  {
    LineAppender file(path);
    EXPECT_TRUE(file.append("second\n"));
    EXPECT_TRUE(file.append(std::string(1 << 20, 'x') + "\n"));
  }
  EXPECT_EQ(slurp(path), "first\nsecond\n" + std::string(1 << 20, 'x') + "\n");
}

TEST_F(JournalFileTest, AnUnopenableFileIsAConfigError) {
  EXPECT_THROW(LineAppender((m_dir / "no-such-dir" / "j.jsonl").string()), ConfigError);
}

TEST_F(JournalFileTest, ALastLineWithoutItsLineBreakIsLeftOut) {
  const std::string path = write("j.jsonl", run_line("a", "pass") + "\n" + run_line("b", "fail") + R"({"model":"c","ta)");
  std::vector<std::pair<std::string, int>> seen;
  const JsonlScan scan = read_jsonl_lines(path, [&](const std::string& line, int number) { seen.emplace_back(line, number); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].second, 3);  // numbered with the blank line
  EXPECT_EQ(scan.lines, 2);
  EXPECT_EQ(scan.torn_bytes, 16u);
  EXPECT_EQ(scan.whole_bytes, run_line("a", "pass").size() + 1 + run_line("b", "fail").size());
  EXPECT_NE(torn_line_warning(path, scan).find("16 bytes"), std::string::npos);
}

TEST_F(JournalFileTest, AMissingFileReadsAsEmpty) {
  const JsonlScan scan = read_jsonl_lines((m_dir / "none.jsonl").string(), [](const std::string&, int) { FAIL(); });
  EXPECT_EQ(scan.lines, 0);
  EXPECT_EQ(scan.torn_bytes, 0u);
}

TEST_F(JournalFileTest, TheLastLineOfARunCounts) {
  const std::string path = write("j.jsonl", run_line("a", "error") + run_line("b", "pass") + "not json\n" + run_line("a", "pass"));
  const JournalIndex index = index_journal(path);
  EXPECT_EQ(index.unreadable, 1);
  ASSERT_EQ(index.last_line.size(), 2u);
  EXPECT_EQ(index.last_line.at(RunKey{"a", "s.t", 0}), 4);
  EXPECT_EQ(index.last_line.at(RunKey{"b", "s.t", 0}), 2);
}

// results.json copies the journal's runs: a run redone by --resume once (its last line), and
// never a line cut by a kill, which would make results.json invalid JSON.
TEST_F(JournalFileTest, ResultsCopyEachRunOnceAndNoTornLine) {
  const std::string journal =
      write("journal.jsonl", run_line("a", "error") + run_line("b", "pass") + run_line("a", "fail") + R"({"model":"a","task":)");
  StatsCollector stats;
  ResultsInfo info;
  info.results_path = (m_dir / "results.json").string();
  info.journal_path = journal;
  const auto reporter = make_results_reporter(info, stats);
  const std::vector<ModelSpec> models;
  const std::vector<TaskSpec> tasks;
  Plan plan;
  plan.models = &models;
  plan.tasks = &tasks;
  reporter->on_plan(plan);
  reporter->on_finish(false);
  const nlohmann::json results = nlohmann::json::parse(slurp(info.results_path));
  ASSERT_EQ(results["runs"].size(), 2u);
  EXPECT_EQ(results["runs"][0]["model"], "b");
  EXPECT_EQ(results["runs"][1]["model"], "a");
  EXPECT_EQ(results["runs"][1]["verdict"], "fail");
}

}  // namespace
}  // namespace goodput
