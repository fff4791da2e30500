// The judges of README "Assertion reference" through the real binary against the simulator:
// a task's own Python judge, `json`, `not`, weights and a threshold, and the score they leave
// in the journal; a judge that raises is an error, never a model failure.
#include <filesystem>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/binary_test.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using test::quote;

class JudgesTest : public test::SimBinaryTest {
 protected:
  JudgesTest() : SimBinaryTest("judges") {}
  test::ProcessResult run_tasks(const std::string& tasks) {
    return run("run " + quote(write("t.yaml", tasks)) + " --models " + quote(models_file({"sim-fast"})) + " -o " +
               quote(path("out")));
  }
  std::map<std::string, nlohmann::json> runs_by_task() const {
    std::map<std::string, nlohmann::json> out;
    for (const auto& line : test::read_jsonl(m_dir / "out" / "journal.jsonl")) out[line["task"]] = line;
    return out;
  }
};

// sim-fast answers "primary colors" with "1. Red\n2. Green\n3. Blue".
TEST_F(JudgesTest, WeightedJudgesPassOnTheirShareAndRecordTheScore) {
  write("judges/blue.py", "def check(answer, vars):\n    return 'Blue' in answer, 'mentions Blue'\n");
  const auto r = run_tasks(R"(suite: t
tasks:
  - id: weighted
    prompt: Name the three primary colors.
    threshold: 0.75
    assert:
      - {type: contains, value: Red}
      - {type: contains, value: Purple}
      - {type: python, file: judges/blue.py, weight: 2}
      - {type: json, not: true}
      - {type: list-count, count: 3}
  - id: strict
    prompt: Name the three primary colors.
    assert:
      - {type: contains, value: Red}
      - {type: contains, value: Purple, weight: 0.5}
)");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // `strict` fails
  EXPECT_THAT(r.out, HasSubstr("[       OK ] sim-fast / t.weighted"));
  EXPECT_THAT(r.out, HasSubstr("    score 0.83 >= threshold 0.75\n    contains: 'Purple' not found"));
  EXPECT_THAT(r.out, HasSubstr("    score 0.67 (no threshold: every assertion must pass)"));
  auto runs = runs_by_task();
  const nlohmann::json& weighted = runs["t.weighted"];
  EXPECT_EQ(weighted["verdict"], "pass") << weighted.dump();
  EXPECT_DOUBLE_EQ(weighted["score"].get<double>(), 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(weighted["threshold"].get<double>(), 0.75);
  ASSERT_EQ(weighted["checks"].size(), 5u);
  EXPECT_EQ(weighted["checks"][2]["outcome"], "pass");
  EXPECT_EQ(weighted["checks"][2]["message"], "python: check() passed the answer: mentions Blue");
  EXPECT_EQ(weighted["checks"][2]["weight"], 2);
  EXPECT_EQ(weighted["checks"][3]["outcome"], "pass");
  // Without a threshold every assertion must pass; the weights still give the score.
  const nlohmann::json& strict = runs["t.strict"];
  EXPECT_EQ(strict["verdict"], "fail");
  EXPECT_DOUBLE_EQ(strict["score"].get<double>(), 1.0 / 1.5);
  EXPECT_FALSE(strict.contains("threshold"));
}

TEST_F(JudgesTest, AJudgeThatRaisesIsAnErrorWithItsTraceback) {
  const auto r = run_tasks(R"(suite: t
tasks:
  - id: broken_judge
    prompt: Name the three primary colors.
    threshold: 0.1
    assert:
      - {type: contains, value: Red}
      - type: python
        code: |
          def check(answer, vars):
              return answer["colors"] == 3
)");
  auto runs = runs_by_task();
  const nlohmann::json& run = runs["t.broken_judge"];
  EXPECT_EQ(run["verdict"], "error") << run.dump();
  EXPECT_FALSE(run.contains("score"));
  EXPECT_EQ(run["checks"][1]["outcome"], "error");
  EXPECT_THAT(run["checks"][1]["message"].get<std::string>(),
              HasSubstr("python: the judge (the inline code) raised TypeError: string indices must be integers"));
  EXPECT_THAT(run["checks"][1]["message"].get<std::string>(), HasSubstr("line 2, in check"));
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(JudgesTest, NotOnALimitIsRefusedBeforeAnyRequest) {
  const auto r = run_tasks("suite: t\ntasks:\n  - id: a\n    prompt: Name the three primary colors.\n"
                           "    assert:\n      - {type: max-latency, e2e: 5, not: true}\n");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("t.yaml:6:42: tasks[0].assert[0].not: 'max-latency' cannot be negated"));
  EXPECT_FALSE(std::filesystem::exists(m_dir / "out"));
}

TEST_F(JudgesTest, AssertionsListsTheJudgesAndWhereNotApplies) {
  const auto r = run("assertions");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\njson — "));
  EXPECT_THAT(r.out, HasSubstr("\npython — the task's own check(answer, vars)"));
  const std::string contains = r.out.substr(0, r.out.find("\nnot-contains — "));
  EXPECT_THAT(contains, HasSubstr("    not (boolean): true turns the verdict around"));
  const std::size_t latency = r.out.find("\nmax-latency — ");
  ASSERT_NE(latency, std::string::npos);
  const std::string latency_entry = r.out.substr(latency, r.out.find("\njson — ") - latency);  // up to the next type
  EXPECT_THAT(latency_entry, HasSubstr("e2e (number)"));
  EXPECT_THAT(latency_entry, Not(HasSubstr("not (boolean)")));
  EXPECT_THAT(r.out, HasSubstr("Every assertion also takes weight (number, default 1)"));
}

}  // namespace
}  // namespace goodput
