// examples/dataset through the real binary and the simulator: a task template over a JSONL
// of 52 rows with vars, defaults and a Python judge, and a dataset error stopping the run
// before any request.
#include <filesystem>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/binary_test.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;

class DatasetExampleTest : public test::BinaryTest {
 protected:
  DatasetExampleTest() : BinaryTest("dataset-example") {}
  std::string profiles() const { return test::quote(test::source_path("examples/sim/dataset-profiles.yaml")); }
};

TEST_F(DatasetExampleTest, EveryRowIsACaseJudgedWithItsOwnValues) {
  // The rows whose ids start with a, b or c (each judged in the sandbox by the example's own
  // Python judge too): 12 of the 52, four of them named wrong by sim-hasty.
  const auto r = run("run " + test::quote(test::source_path("examples/dataset")) + " --sim-profiles " + profiles() +
                     " --filter 'capitals.capital_a*:capitals.capital_b*:capitals.capital_c*:capitals.greeting' -o " +
                     test::quote(path("out")));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // sim-hasty names ten wrong capitals
  std::map<std::string, std::map<std::string, std::string>> verdicts;  // model -> task -> verdict
  for (const auto& line : test::read_jsonl(m_dir / "out" / "journal.jsonl"))
    verdicts[line["model"]][line["task"]] = line["verdict"];
  ASSERT_EQ(verdicts["sim-atlas"].size(), 13u);
  for (const auto& [task, verdict] : verdicts["sim-atlas"]) EXPECT_EQ(verdict, "pass") << task;
  std::vector<std::string> failed;
  for (const auto& [task, verdict] : verdicts["sim-hasty"])
    if (verdict != "pass") failed.push_back(task);
  EXPECT_EQ(failed, (std::vector<std::string>{"capitals.capital_au", "capitals.capital_br", "capitals.capital_ca",
                                              "capitals.capital_ch"}));
  EXPECT_THAT(r.out, HasSubstr("'Canberra' not found"));
}

TEST_F(DatasetExampleTest, ADatasetErrorStopsTheRunBeforeAnyRequest) {
  write("rows.jsonl", "{\"id\": \"a\", \"q\": \"x\"}\n{\"id\": \"b\", \"q\": [1]}\n");
  const std::string tasks = write("t.yaml", "suite: s\ntasks:\n  - id: t\n    dataset: rows.jsonl\n    id_column: id\n"
                                            "    prompt: \"{{q}}\"\n    assert: [{type: contains, value: x}]\n");
  const auto r = run("run " + test::quote(tasks) + " --sim-profiles " + profiles() + " -o " + test::quote(path("out")));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("rows.jsonl:2:13: dataset.q: is an array"));
  EXPECT_FALSE(std::filesystem::exists(m_dir / "out"));
}

}  // namespace
}  // namespace goodput
