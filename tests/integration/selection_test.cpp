// Run selection and CI outputs, driving the real `goodput` binary against `goodput sim` (in
// this process, on loopback): --list-tasks (text and the JSON CMake discovery reads),
// --filter, sharding by flag and by GTEST_* variables, `goodput merge` giving back the
// unsharded run, merge refusing inputs that do not belong together, and --junit.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "support/binary_test.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using test::quote;
using test::read_file;

class SelectionTest : public test::SimBinaryTest {
 protected:
  SelectionTest() : SimBinaryTest("sel") {}

  std::string models(const std::vector<std::string>& ids, const std::string& base_url = "") { return quote(models_file(ids, "", base_url)); }

  std::string mini() const { return quote(test::data_path("tasks/mini.yaml")); }
  json results(const std::string& dir) const { return test::read_json(m_dir / dir / "results.json"); }
  void write_json(const std::string& name, const json& doc) const { write(name, doc.dump(2)); }
};

using RunOutcomeKey = std::tuple<std::string, std::string, int, std::string, std::string>;  // model, task, sample, verdict, answer

std::multiset<RunOutcomeKey> run_keys(const json& doc) {
  std::multiset<RunOutcomeKey> keys;
  for (const auto& r : doc["runs"]) keys.emplace(r["model"], r["task"], r["sample"], r["verdict"], r["answer"]);
  return keys;
}

TEST_F(SelectionTest, ListTasksJsonIsOneDocumentForDiscoveryAndSendsNothing) {
  // Nothing listens on this port: listing must not try to reach the model.
  const auto r = run("run " + mini() + " --models " + models({"alpha", "beta"}, "http://127.0.0.1:9/v1") +
                     " --list-tasks --format json --repeat 2 -o " + quote(path("out")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(fs::exists(m_dir / "out")) << "listing writes no results";
  const json doc = json::parse(r.out);
  ASSERT_EQ(doc["tasks"].size(), 3u);
  const json& capital = doc["tasks"][0];
  EXPECT_EQ(capital["id"], "mini.capital");
  EXPECT_EQ(capital["suite"], "mini");
  EXPECT_EQ(capital["name"], "capital");
  EXPECT_THAT(capital["file"].get<std::string>(), HasSubstr("mini.yaml"));
  EXPECT_EQ(capital["line"], 5);
  EXPECT_EQ(capital["tags"], json({"smoke", "en"}));
  EXPECT_EQ(capital["repeat"], 2);
  EXPECT_EQ(capital["runs"], 4);
  EXPECT_EQ(capital["models"], json({"alpha", "beta"}));
  ASSERT_EQ(doc["models"].size(), 2u);
  EXPECT_EQ(doc["models"][0]["name"], "alpha");
  EXPECT_EQ(doc["models"][0]["base_url"], "http://127.0.0.1:9/v1");
  EXPECT_TRUE(doc["shard"].is_null());
}

TEST_F(SelectionTest, ListTasksShowsWhatTheFilterAndTheShardLeave) {
  auto r = run("run " + mini() + " --models " + models({"alpha"}) + " --list-tasks --filter='*-mini.colors'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "mini.\n  capital  # alpha\n  arithmetic  # alpha\n");

  // 3 runs in stable order: alpha/mini.arithmetic, alpha/mini.capital, alpha/mini.colors.
  r = run("run " + mini() + " --models " + models({"alpha"}) + " --list-tasks --format json --shard 1/2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json doc = json::parse(r.out);
  ASSERT_EQ(doc["tasks"].size(), 1u);
  EXPECT_EQ(doc["tasks"][0]["id"], "mini.capital");
  EXPECT_EQ(doc["shard"], json({{"index", 1}, {"total", 2}}));

  r = run("run " + mini() + " --models " + models({"alpha"}) + " --list-tasks --format json", "GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  doc = json::parse(r.out);
  ASSERT_EQ(doc["tasks"].size(), 2u);
  EXPECT_EQ(doc["tasks"][0]["id"], "mini.arithmetic");
  EXPECT_EQ(doc["tasks"][1]["id"], "mini.colors");
}

TEST_F(SelectionTest, FilterRunsOnlyTheSelectedTasks) {
  const auto r = run("run " + mini() + " --models " + models({"sim-fast"}) + " --filter='mini.*-mini.colors' -o " + quote(path("out")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json doc = results("out");
  std::set<std::string> ran;
  for (const auto& run : doc["runs"]) ran.insert(run["task"]);
  EXPECT_EQ(ran, (std::set<std::string>{"mini.capital", "mini.arithmetic"}));
  EXPECT_EQ(doc["tasks"].size(), 2u) << "results list the selected tasks only";
  EXPECT_EQ(doc["filter"], "mini.*-mini.colors");
  EXPECT_THAT(r.out, HasSubstr("2 runs: 2 tasks x 1 models"));
}

TEST_F(SelectionTest, AFilterThatSelectsNothingIsBadInput) {
  const auto r = run("run " + mini() + " --models " + models({"sim-fast"}) + " --filter=mini.captial -o " + quote(path("out")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("'mini.captial' selects none of the 3 tasks"));
  EXPECT_FALSE(fs::exists(m_dir / "out"));
}

TEST_F(SelectionTest, BadShardSettingsAreBadInputNamingTheVariable) {
  const std::string base = "run " + mini() + " --models " + models({"sim-fast"}) + " -o " + quote(path("out"));
  auto r = run(base, "GTEST_SHARD_INDEX=1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("GTEST_TOTAL_SHARDS is not"));
  r = run(base, "GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=3");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("GTEST_SHARD_INDEX=3, GTEST_TOTAL_SHARDS=3"));
  r = run(base + " --shard 2/2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--shard"));
  EXPECT_FALSE(fs::exists(m_dir / "out"));
}

TEST_F(SelectionTest, ShardsMergeIntoTheUnshardedRun) {
  const std::string base = "run " + mini() + " --models " + models({"sim-fast", "sim-wrong"}) + " --repeat 2";
  const std::string status_file = path("shard-status");
  ASSERT_EQ(run(base + " -o " + quote(path("all"))).exit_code, 1);  // sim-wrong fails
  auto r0 = run(base + " --shard 0/2 -o " + quote(path("s0")), "GTEST_SHARD_STATUS_FILE=" + quote(status_file));
  ASSERT_EQ(r0.exit_code, 1) << r0.out << r0.err;
  EXPECT_THAT(r0.out, HasSubstr("Note: shard 0/2"));
  EXPECT_TRUE(fs::exists(status_file)) << "touched, as gtest does";
  const auto r1 = run(base + " -o " + quote(path("s1")), "GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=1");
  ASSERT_EQ(r1.exit_code, 1) << r1.out << r1.err;

  const json all = results("all"), s0 = results("s0"), s1 = results("s1");
  EXPECT_EQ(s0["shard"], json({{"index", 0}, {"total", 2}}));
  EXPECT_EQ(s1["shard"], json({{"index", 1}, {"total", 2}}));
  EXPECT_TRUE(all["shard"].is_null());
  EXPECT_EQ(s0["runs"].size() + s1["runs"].size(), 12u);
  EXPECT_EQ(s0["runs"].size(), 6u);

  const auto m = run("merge " + quote(path("merged.json")) + " " + quote(path("s0/results.json")) + " " + quote(path("s1/results.json")));
  ASSERT_EQ(m.exit_code, 0) << m.out << m.err;
  EXPECT_THAT(m.out, HasSubstr("12 runs from 2 files"));
  EXPECT_EQ(m.err, "");
  const json merged = json::parse(read_file(m_dir / "merged.json"));
  EXPECT_EQ(run_keys(merged), run_keys(all));
  EXPECT_EQ(merged["planned_runs"], 12);
  EXPECT_TRUE(merged["shard"].is_null());
  EXPECT_EQ(merged["merged_from"].size(), 2u);
  EXPECT_EQ(merged["tasks"], all["tasks"]);
  EXPECT_EQ(merged["models"], all["models"]);
  for (const std::string model : {"sim-fast", "sim-wrong"}) {
    const json& a = all["summary"][model];
    const json& b = merged["summary"][model];
    for (const char* field : {"runs", "passed", "failed", "errors", "truncated", "pass_rate", "seconds_per_correct_missing", "tasks_never_passed"})
      EXPECT_EQ(b[field], a[field]) << model << " " << field;
    for (const auto& [id, task] : a["tasks"].items()) EXPECT_EQ(b["tasks"][id]["passed"], task["passed"]) << id;
    // Timings differ between the two evaluations; the merged ones are those of the shards.
    EXPECT_TRUE(b["e2e_p50_s"].is_number());
  }

  // -o form, and a merge of one shard warns that the other is missing.
  const auto partial = run("merge -o " + quote(path("partial.json")) + " " + quote(path("s0/results.json")));
  EXPECT_EQ(partial.exit_code, 0) << partial.err;
  EXPECT_THAT(partial.err, HasSubstr("shard 1/2 is not among the inputs"));
}

// examples/ci-shards: the workflow's shard jobs and final job are its two scripts, run here
// as the matrix runs them (3 shards against the simulator), then merged and gated both ways.
TEST_F(SelectionTest, CiShardsExampleShardsMergesAndGates) {
  const YAML::Node workflow = YAML::LoadFile(test::source_path("examples/ci-shards/goodput-shards.yml"));
  EXPECT_EQ(workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"].size(), workflow["env"]["SHARDS"].as<std::size_t>())
      << "SHARDS must count the matrix's shards";
  std::string shard_steps, gate_steps;
  for (const auto& step : workflow["jobs"]["shard"]["steps"]) shard_steps += step["run"] ? step["run"].as<std::string>() : "";
  for (const auto& step : workflow["jobs"]["gate"]["steps"]) gate_steps += step["run"] ? step["run"].as<std::string>() : "";
  EXPECT_THAT(shard_steps, HasSubstr("run-shard.sh ${{ matrix.shard }} \"$SHARDS\" shard-${{ matrix.shard }}"));
  EXPECT_THAT(gate_steps, HasSubstr("merge-and-gate.sh shards merged $GATE_ARGS"));

  const std::string env = "GOODPUT=" + quote(test::goodput_binary());
  const std::string run_args = " " + mini() + " --models " + models({"sim-fast", "sim-wrong"}) + " --repeat 4";
  std::size_t shard_runs = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string dir = "shards/shard-" + std::to_string(i);
    // sim-wrong fails its tasks: a result for the gate, not a failed shard job.
    const auto r = test::run_process(test::source_path("examples/ci-shards/run-shard.sh"),
                               std::to_string(i) + " 3 " + quote(path(dir)) + run_args, m_dir, env);
    ASSERT_EQ(r.exit_code, 0) << r.output();
    const json shard = results(dir);
    EXPECT_EQ(shard["shard"], json({{"index", i}, {"total", 3}}));
    EXPECT_TRUE(fs::exists(m_dir / dir / "junit.xml"));
    shard_runs += shard["runs"].size();
  }
  EXPECT_EQ(shard_runs, 24u);  // 3 tasks x 2 models x 4 samples, each in one shard

  const std::string gate = test::source_path("examples/ci-shards/merge-and-gate.sh");
  const auto regressed = test::run_process(gate, quote(path("shards")) + " " + quote(path("merged")) +
                                               " --baseline-model sim-fast --candidate-model sim-wrong --fail-on regression", m_dir, env);
  EXPECT_EQ(regressed.exit_code, 1) << regressed.output();
  const json merged = results("merged");
  EXPECT_EQ(merged["runs"].size(), 24u);
  EXPECT_EQ(merged["merged_from"].size(), 3u);
  EXPECT_TRUE(merged["shard"].is_null());
  EXPECT_THAT(read_file(m_dir / "merged" / "comparison.md"), HasSubstr("regressed"));
  EXPECT_TRUE(test::read_json(m_dir / "merged" / "comparison.json").is_object());

  const auto improved = test::run_process(gate, quote(path("shards")) + " " + quote(path("merged2")) +
                                              " --baseline-model sim-wrong --candidate-model sim-fast --fail-on regression", m_dir, env);
  EXPECT_EQ(improved.exit_code, 0) << improved.output();

  // A stored baseline file (here the first merge: the same runs) comes before the merged run.
  const auto against_file = test::run_process(gate, quote(path("shards")) + " " + quote(path("merged3")) + " " +
                                                  quote(path("merged/results.json")) +
                                                  " --baseline-model sim-wrong --candidate-model sim-wrong --fail-on regression", m_dir, env);
  EXPECT_EQ(against_file.exit_code, 0) << against_file.output();

  const auto no_shards = test::run_process(gate, quote(path("nothing")) + " " + quote(path("merged4")), m_dir, env);
  EXPECT_EQ(no_shards.exit_code, 2);
  EXPECT_THAT(no_shards.err, HasSubstr("did the shard jobs upload their results?"));
}

TEST_F(SelectionTest, MergeRecomputesTheSummaryFromTheRuns) {
  ASSERT_EQ(run("run " + mini() + " --models " + models({"sim-fast"}) + " --shard 0/2 -o " + quote(path("s0"))).exit_code, 0);
  ASSERT_EQ(run("run " + mini() + " --models " + models({"sim-fast"}) + " --shard 1/2 -o " + quote(path("s1"))).exit_code, 0);
  const json s0 = results("s0"), s1 = results("s1");
  const auto m = run("merge " + quote(path("m.json")) + " " + quote(path("s0/results.json")) + " " + quote(path("s1/results.json")));
  ASSERT_EQ(m.exit_code, 0) << m.err;
  const json merged = json::parse(read_file(m_dir / "m.json"));
  std::vector<double> e2e;
  for (const auto& r : merged["runs"]) e2e.push_back(r["client"]["e2e_s"]);
  ASSERT_EQ(e2e.size(), 3u);
  std::sort(e2e.begin(), e2e.end());
  EXPECT_DOUBLE_EQ(merged["summary"]["sim-fast"]["e2e_p50_s"].get<double>(), e2e[1]);
  EXPECT_NEAR(merged["summary"]["sim-fast"]["e2e_mean_s"].get<double>(), (e2e[0] + e2e[1] + e2e[2]) / 3, 1e-12);
  EXPECT_EQ(merged["summary"]["sim-fast"]["runs"], 3);
}

TEST_F(SelectionTest, MergeRefusesInputsThatDoNotBelongTogether) {
  ASSERT_EQ(run("run " + mini() + " --models " + models({"sim-fast"}) + " --shard 0/2 -o " + quote(path("s0"))).exit_code, 0);
  ASSERT_EQ(run("run " + mini() + " --models " + models({"sim-fast"}) + " --shard 1/2 -o " + quote(path("s1"))).exit_code, 0);
  const json s1 = results("s1");
  const std::string s0_path = quote(path("s0/results.json"));
  const auto merge_with = [&](const json& other) {
    write_json("other.json", other);
    return run("merge " + quote(path("out.json")) + " " + s0_path + " " + quote(path("other.json")));
  };

  json changed = s1;
  changed["tasks"][0]["prompt"] = "Another prompt";
  auto r = merge_with(changed);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("task 'mini.capital' differs"));
  EXPECT_THAT(r.err, HasSubstr("prompt"));

  changed = s1;
  changed["tasks"][1]["params"]["temperature"] = 0.7;
  r = merge_with(changed);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("params"));

  changed = s1;
  changed["tasks"].erase(2);
  r = merge_with(changed);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("tasks differ"));

  changed = s1;
  // Simulated endpoints get a new port per shard, so only a real endpoint's URL must match.
  changed["models"][0]["base_url"] = "http://127.0.0.1:1/v1";
  changed["models"][0]["simulated"] = false;
  r = merge_with(changed);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("model 'sim-fast' differs"));
  EXPECT_THAT(r.err, HasSubstr("base_url"));

  changed = s1;
  changed["models"][0]["extra_body"] = {{"reasoning_effort", "high"}};
  r = merge_with(changed);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("extra_body"));

  changed = s1;
  changed["schema_version"] = 2;
  r = merge_with(changed);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("schema_version"));

  r = run("merge " + quote(path("out.json")) + " " + s0_path + " " + s0_path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("is also in"));

  r = run("merge " + quote(path("out.json")) + " " + quote(path("nothing.json")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("cannot be read"));

  // The output forgotten: the first input would be overwritten.
  r = run("merge " + s0_path + " " + quote(path("s1/results.json")));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not overwriting"));
  EXPECT_EQ(results("s0")["shard"]["index"], 0);

  EXPECT_FALSE(fs::exists(m_dir / "out.json"));
}

TEST_F(SelectionTest, JunitReportParsesAndCountsFailuresAndErrors) {
  const std::string junit = path("reports/junit.xml");
  const auto r = run("run " + mini() + " --models " + models({"sim-fast", "sim-wrong", "sim-faulty"}) + " --junit " + quote(junit) +
                     " -o " + quote(path("out")));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("junit: " + junit));
  const std::string script = path("check.py");
  std::ofstream(script) << "import sys, xml.etree.ElementTree as ET\n"
                           "root = ET.parse(sys.argv[1]).getroot()\n"
                           "for s in root.findall('testsuite'):\n"
                           "    print(s.get('name'), s.get('tests'), s.get('failures'), s.get('errors'), len(s.findall('testcase')))\n";
  std::FILE* pipe = ::popen(("python3 " + quote(script) + " " + quote(junit) + " 2>&1").c_str(), "r");
  std::string out;
  char buf[1024];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  ASSERT_EQ(::pclose(pipe), 0) << out;
  EXPECT_EQ(out, "sim-fast 3 0 0 3\nsim-wrong 3 3 0 3\nsim-faulty 3 0 3 3\n");
}

TEST_F(SelectionTest, ShuffleSeedIsPrintedAndRecorded) {
  const auto r = run("run " + mini() + " --models " + models({"sim-fast"}) + " --shuffle --seed 4242 -o " + quote(path("out")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("seed 4242"));
  EXPECT_EQ(results("out")["shuffle_seed"], 4242);

  const auto unseeded = run("run " + mini() + " --models " + models({"sim-fast"}) + " --shuffle -o " + quote(path("out2")));
  ASSERT_EQ(unseeded.exit_code, 0) << unseeded.err;
  EXPECT_THAT(unseeded.out, HasSubstr("--shuffle --seed "));
  EXPECT_TRUE(results("out2")["shuffle_seed"].is_number());

  EXPECT_EQ(run("run " + mini() + " --models " + models({"sim-fast"}) + " --seed 1").exit_code, 2) << "--seed needs --shuffle";
}

}  // namespace
}  // namespace goodput
