// Drives the real `goodput run` binary against `goodput sim` (in this process, on loopback)
// and checks exit codes, the log, the journal, results.json and the measured figures
// against the simulator's schedule. Tolerances are wide enough for a loaded 2-core machine;
// exact timing figures belong in bench/.
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/binary_test.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using test::quote;

class RunCommandTest : public test::BinaryTest {
 protected:
  RunCommandTest() : BinaryTest("run") {}
  void TearDown() override {
    if (m_sim) m_sim->stop();
    BinaryTest::TearDown();
  }

  std::string start_sim(const std::string& profiles = test::test_sim_profiles()) {
    m_sim = test::start_sim(profiles);
    return m_sim->base_url();
  }

  std::string models_file(const std::string& base_url, const std::vector<std::string>& ids, const std::string& extra = "") {
    return write("models.yaml", test::models_yaml(base_url, ids, extra));
  }

  std::string mini_tasks() const { return quote(test::data_path("tasks/mini.yaml")); }
  std::string out_dir() const { return quote(path("out")); }
  nlohmann::json results() const { return test::read_json(m_dir / "out" / "results.json"); }
  std::vector<nlohmann::json> journal() const { return test::read_jsonl(m_dir / "out" / "journal.jsonl"); }

  std::unique_ptr<sim::SimServer> m_sim;
};

// README "Python packages": a package a task allows but the sandbox's Python cannot import
// stops the run before any request (the models would be failed for what the machine lacks).
TEST_F(RunCommandTest, ATaskAllowingAPackageThatDoesNotImportIsRefusedBeforeAnyRequest) {
  const std::string url = start_sim();
  const std::string fixtures = test::source_path("tasks/seed/fixtures/json_to_csv/seed");
  const std::string tasks = write("t.yaml", "suite: t\ntasks:\n  - id: csv\n    prompt: 'capital of Japan'\n"
                                            "    python: {packages: [numpy, goodput_no_such_module_xyz]}\n"
                                            "    assert: [{type: python-passes, fixtures: '" + fixtures + "'}]\n");
  const auto r = run("run " + quote(tasks) + " --models " + quote(models_file(url, {"sim-fast"})) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("t.yaml:3:5: python.packages: task t.csv allows the Python package 'goodput_no_such_module_xyz', "
                               "but it does not import in the sandbox (ModuleNotFoundError"));
  EXPECT_THAT(r.err, Not(HasSubstr("'numpy'")));
  EXPECT_FALSE(std::filesystem::exists(m_dir / "out"));  // nothing created, nothing asked
}

TEST_F(RunCommandTest, AllPassingExitsZeroAndWritesJournalAndResults) {
  const std::string url = start_sim();
  const auto r = run("run " + mini_tasks() + " --models " + quote(models_file(url, {"sim-fast"})) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[ RUN      ] sim-fast / mini.capital"));
  EXPECT_THAT(r.out, HasSubstr("[       OK ] sim-fast / mini.capital ("));
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] 3 runs"));
  EXPECT_THAT(r.out, Not(HasSubstr("FAILED")));

  const auto lines = journal();
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& line : lines) {
    EXPECT_EQ(line["verdict"], "pass") << line.dump();
    EXPECT_EQ(line["stop_reason"], "stop");
    EXPECT_EQ(line["tokens"]["completion_estimated"], false);  // usage was asked for and sent
    EXPECT_EQ(line["server"]["timings_source"], "llama.cpp timings");
  }
  const auto res = results();
  EXPECT_EQ(res["schema_version"], 1);
  EXPECT_EQ(res["runs"].size(), 3u);
  EXPECT_EQ(res["summary"]["sim-fast"]["passed"], 3);
  EXPECT_EQ(res["summary"]["sim-fast"]["pass_rate"], 1.0);
  EXPECT_EQ(res["interrupted"], false);
  // The simulator named in a models file is recognised and labelled like --sim.
  EXPECT_EQ(res["simulated"], true);
  EXPECT_THAT(r.out, HasSubstr("SIMULATED"));
}

TEST_F(RunCommandTest, WrongAnswersFailWithActionableMessagesAndExitOne) {
  const std::string url = start_sim();
  const auto r = run("run " + mini_tasks() + " --models " + quote(models_file(url, {"sim-fast", "sim-wrong"})) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  FAILED  ] sim-wrong / mini.arithmetic"));
  EXPECT_THAT(r.out, HasSubstr("391"));  // the number assertion says what it expected
  EXPECT_THAT(r.out, HasSubstr("[  FAILED  ] 3 runs, listed below:"));
  const auto res = results();
  EXPECT_EQ(res["summary"]["sim-wrong"]["failed"], 3);
  EXPECT_EQ(res["summary"]["sim-wrong"]["errors"], 0);
  EXPECT_EQ(res["summary"]["sim-wrong"]["tasks_never_passed"], 3);
  EXPECT_EQ(res["summary"]["sim-wrong"]["seconds_per_correct_missing"], "no correct answer");
  EXPECT_EQ(res["summary"]["sim-fast"]["passed"], 3);
}

TEST_F(RunCommandTest, TransportProblemsAreErrorsNotFailures) {
  const std::string url = start_sim();
  const auto r = run("run " + mini_tasks() + " --models " + quote(models_file(url, {"sim-faulty"})) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("[  ERROR   ] sim-faulty / mini.capital"));
  const auto res = results();
  EXPECT_EQ(res["summary"]["sim-faulty"]["errors"], 3);
  EXPECT_EQ(res["summary"]["sim-faulty"]["failed"], 0);
  std::map<std::string, std::string> kinds;
  for (const auto& line : journal()) kinds[line["task"]] = line["error"]["kind"];
  EXPECT_EQ(kinds["mini.capital"], "stream_error");
  EXPECT_EQ(kinds["mini.arithmetic"], "truncated");
  EXPECT_EQ(kinds["mini.colors"], "http_status");
}

TEST_F(RunCommandTest, UnreachableServerIsAnErrorAndTheRunCarriesOn) {
  // A port that was free a moment ago: nothing listens there.
  int port = 0;
  {
    const auto probe = test::start_sim();
    port = probe->port();
    probe->stop();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  const auto r = run("run " + mini_tasks() + " --models " + quote(models_file(url, {"nowhere"})) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("cannot connect"));
  EXPECT_EQ(results()["summary"]["nowhere"]["errors"], 3);
}

TEST_F(RunCommandTest, BadInputExitsTwoBeforeAnyRequest) {
  const std::string url = start_sim();
  const std::string models = models_file(url, {"sim-fast"});
  const std::string bad_task = write("bad.yaml", "suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert:\n      - type: contains\n        valeu: x\n");
  auto r = run("run " + quote(bad_task) + " --models " + quote(models) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bad.yaml:7:9: tasks[0].assert[0].valeu: unknown key 'valeu'"));
  EXPECT_FALSE(fs::exists(m_dir / "out"));  // nothing ran, nothing was written

  r = run("run " + mini_tasks() + " --models " + quote(models) + " --model nope -o " + out_dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no model named 'nope'"));

  r = run("run " + mini_tasks() + " --models " + quote(models) + " --repeat zero");
  EXPECT_EQ(r.exit_code, 2);

  r = run("run " + mini_tasks() + " --models " + quote(models_file(url, {"sim-fast"}, ", api_key_env: GOODPUT_TEST_UNSET_KEY")) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("GOODPUT_TEST_UNSET_KEY is not set"));
}

// Repeats of a task that does not sample (temperature 0, or a fixed seed, after the model's
// parameters are merged over the task's) measure timing, not reliability: one warning line per
// run naming how many tasks. mini.yaml's three tasks all set temperature 0.
TEST_F(RunCommandTest, RepeatsWithoutSamplingAreWarnedOnceNamingTheTasks) {
  const std::string url = start_sim();
  const std::string warning = "Warning: 3 of the 3 repeated task(s) run with temperature 0 or a fixed seed";
  auto r = run("run " + mini_tasks() + " --models " + quote(models_file(url, {"sim-fast"})) + " --repeat 3 -o " + out_dir());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(warning + " (task and model parameters merged): a real server then tends to answer the same every "
                                         "time, so the repeats measure timing, not reliability."));
  EXPECT_EQ(r.out.find("Warning:"), r.out.rfind("Warning:")) << r.out;  // one line, not one per task
  // One sample: nothing to warn about.
  r = run("run " + mini_tasks() + " --models " + quote(models_file(url, {"sim-fast"})) + " -o " + quote(path("one")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("Warning:")));
  // The models file's temperature wins over the tasks' 0: the model samples, no warning ...
  const std::string sampling = write("sampling.yaml", test::models_yaml(url, {"sim-fast"}, ", params: {temperature: 0.7}"));
  r = run("run " + mini_tasks() + " --models " + quote(sampling) + " --repeat 3 -o " + quote(path("sampling")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("Warning:")));
  // ... unless it also fixes the seed.
  const std::string seeded = write("seeded.yaml", test::models_yaml(url, {"sim-fast"}, ", params: {temperature: 0.7, seed: 42}"));
  r = run("run " + mini_tasks() + " --models " + quote(seeded) + " --repeat 2 -o " + quote(path("seeded")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(warning));
}

TEST_F(RunCommandTest, MeasuredTimingFollowsTheSimulatorSchedule) {
  // 60 tokens at 100 tok/s after a 200 ms TTFT: decode 100 tok/s, e2e 0.2 + 59/100 = 0.79 s.
  std::string answer;
  for (int i = 0; i < 60; ++i) answer += " w" + std::to_string(i % 10);
  const std::string profiles = write("p.yaml", "models:\n  - id: timed\n    ttft_ms: 200\n    tokens_per_second: 100\n"
                                               "    answers:\n      - text: '" + answer + "'\n");
  const std::string tasks = write("t.yaml", "suite: t\ntasks:\n  - {id: a, prompt: go, assert: [{type: contains, value: w9}]}\n");
  const std::string url = start_sim(profiles);
  const auto r = run("run " + quote(tasks) + " --models " + quote(models_file(url, {"timed"})) + " --repeat 3 -o " + out_dir());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& line : journal()) {
    EXPECT_EQ(line["tokens"]["completion"], 60);
    EXPECT_NEAR(line["client"]["ttft_s"].get<double>(), 0.200, 0.060);
    EXPECT_NEAR(line["client"]["decode_tps"].get<double>(), 100.0, 15.0);
    EXPECT_NEAR(line["client"]["e2e_s"].get<double>(), 0.790, 0.100);
    // The server's own figures are kept apart, in its units (ms).
    EXPECT_NEAR(line["server"]["timings"]["predicted_ms"].get<double>(), 590, 60);
  }
}

// README "Metrics": prompt cache. A caching sim profile serves a prompt it has seen after
// warm_ttft_ms, reporting cached tokens as llama.cpp does. prompt_cache: as-is sends nothing:
// the first of three identical requests is cold (400 ms), the repeats warm (40 ms); the
// default, cold, sends cache_prompt: false (the sim identifies as llama.cpp) and all are cold.
class PromptCacheRunTest : public RunCommandTest {
 protected:
  std::string profiles() {
    return write("p.yaml",
                 "models:\n  - id: cached\n    ttft_ms: 400\n    warm_ttft_ms: 40\n    tokens_per_second: 100\n"
                 "    prompt_cache: true\n    answers:\n      - text: 'w1 w2 w9'\n");
  }
  std::string tasks() {
    return write("t.yaml", "suite: t\ntasks:\n  - {id: a, prompt: 'please repeat the words w1 w2 and then w9 for me', "
                           "assert: [{type: contains, value: w9}]}\n");
  }
};

TEST_F(PromptCacheRunTest, AsIsGivesOneColdAndTwoWarmRunsShownApart) {
  const std::string url = start_sim(profiles());
  const auto r = run("run " + quote(tasks()) + " --models " + quote(models_file(url, {"cached"}, ", prompt_cache: as-is")) +
                     " --repeat 3 -o " + out_dir());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::map<std::string, int> classes;
  for (const auto& line : journal()) {
    const std::string cls = line["prompt_cache"].get<std::string>();
    ++classes[cls];
    EXPECT_FALSE(line["fingerprint"]["request_params"].contains("cache_prompt"));
    const std::int64_t prompt = line["tokens"]["prompt"].get<std::int64_t>();
    const double ttft = line["client"]["ttft_s"].get<double>();
    if (cls == "cold") {
      EXPECT_EQ(line["server"]["figures"]["cached_tokens"], 0);
      EXPECT_NEAR(ttft, 0.400, 0.080);
    } else {
      EXPECT_EQ(cls, "warm");
      EXPECT_EQ(line["server"]["figures"]["cached_tokens"], prompt - 1);
      EXPECT_NEAR(ttft, 0.040, 0.060);
    }
  }
  EXPECT_EQ(classes["cold"], 1);
  EXPECT_EQ(classes["warm"], 2);
  const auto res = results();
  const auto& cache = res["summary"]["cached"]["prompt_cache"];
  EXPECT_EQ(cache["cold_runs"], 1);
  EXPECT_EQ(cache["warm_runs"], 2);
  EXPECT_EQ(cache["unknown_runs"], 0);
  EXPECT_NEAR(cache["cold"]["ttft"]["p50"].get<double>(), 0.400, 0.080);
  EXPECT_NEAR(cache["warm"]["ttft"]["p50"].get<double>(), 0.040, 0.060);
  EXPECT_GT(cache["cold"]["e2e"]["p50"].get<double>(), cache["warm"]["e2e"]["p50"].get<double>() + 0.2);
  EXPECT_THAT(r.out, HasSubstr("cached: 2 of 3 runs warm · cold: TTFT "));
  EXPECT_THAT(r.out, HasSubstr(" (1) · warm: TTFT "));
  EXPECT_THAT(r.err, Not(HasSubstr("cannot be guaranteed")));
}

TEST_F(PromptCacheRunTest, DefaultColdSendsCachePromptFalseAndEveryRunIsCold) {
  const std::string url = start_sim(profiles());
  const auto r = run("run " + quote(tasks()) + " --models " + quote(models_file(url, {"cached"})) + " --repeat 3 -o " + out_dir());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto lines = journal();
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& line : lines) {
    EXPECT_EQ(line["prompt_cache"], "cold");
    EXPECT_EQ(line["server"]["figures"]["cached_tokens"], 0);
    EXPECT_EQ(line["fingerprint"]["request_params"]["cache_prompt"], false);
    EXPECT_NEAR(line["client"]["ttft_s"].get<double>(), 0.400, 0.080);
  }
  const auto res = results();
  const auto& cache = res["summary"]["cached"]["prompt_cache"];
  EXPECT_EQ(cache["cold_runs"], 3);
  EXPECT_EQ(cache["warm_runs"], 0);
  EXPECT_THAT(r.out, Not(HasSubstr("runs warm")));
  EXPECT_THAT(r.err, Not(HasSubstr("cannot be guaranteed")));
}

// compare says the same: a run with warm repeats against an all-cold one, each class apart. The
// sim, like llama.cpp, keeps what a cache_prompt: false request processed, so after the cold
// run every as-is request finds its prompt cached.
TEST_F(PromptCacheRunTest, CompareShowsColdAndWarmApart) {
  const std::string url = start_sim(profiles());
  auto r = run("run " + quote(tasks()) + " --models " + quote(models_file(url, {"cached"})) + " --repeat 3 -o " + quote(path("cold")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = run("run " + quote(tasks()) + " --models " + quote(models_file(url, {"cached"}, ", prompt_cache: as-is")) +
          " --repeat 3 -o " + quote(path("asis")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  r = run("compare " + quote(path("cold/results.json")) + " " + quote(path("asis/results.json")) + " --json " + quote(path("c.json")));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("prompt cache: 0 of 3 warm, cold TTFT "));
  EXPECT_THAT(r.out, HasSubstr(" -> 3 of 3 warm, warm TTFT "));
  const auto c = test::read_json(m_dir / "c.json");
  EXPECT_EQ(c["overall"]["candidate"]["prompt_cache"]["warm_runs"], 3);
  EXPECT_EQ(c["overall"]["baseline"]["prompt_cache"]["cold_runs"], 3);
}

// Ollama has no cache_prompt switch and reports no cached count: the log says cold cannot be
// guaranteed, nothing is sent, and the runs are unknown.
TEST_F(PromptCacheRunTest, ServerWithoutTheSwitchIsNamedInTheLogAndRunsAreUnknown) {
  start_sim(profiles());
  const std::string root = "http://127.0.0.1:" + std::to_string(m_sim->port());
  const std::string models = write("models.yaml", "models:\n  - {name: o, dialect: ollama, base_url: '" + root + "', model: cached}\n");
  const auto r = run("run " + quote(tasks()) + " --models " + quote(models) + " --repeat 2 -o " + out_dir());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("Note: o: prompt_cache: cold cannot be guaranteed"));
  for (const auto& line : journal()) {
    EXPECT_EQ(line["prompt_cache"], "unknown");
    EXPECT_FALSE(line["fingerprint"]["request_params"].contains("cache_prompt"));
  }
  EXPECT_EQ(results()["summary"]["o"]["prompt_cache"]["unknown_runs"], 2);
}

TEST_F(PromptCacheRunTest, BadPromptCacheValueExitsTwoNamingFileLineAndField) {
  const std::string url = start_sim(profiles());
  const std::string models = write("models.yaml", "models:\n  - name: cached\n    base_url: '" + url +
                                                      "'\n    model: cached\n    prompt_cache: warm\n");
  const auto r = run("run " + quote(tasks()) + " --models " + quote(models) + " -o " + out_dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("models.yaml:5:19: models[0].prompt_cache: 'warm' must be cold"));
  EXPECT_FALSE(fs::exists(m_dir / "out"));
}

// README "Metrics": the summary's headline per model is seconds per correct answer, the summed
// e2e of the judged runs / passed runs, finite with a task never solved.
TEST_F(RunCommandTest, SummaryShowsSecondsPerCorrectAnswerWithTasksNeverSolved) {
  // 300 ms TTFT, 100 tok/s: n tokens end at 0.3 + (n - 1) / 100 s (sim_tokenizer.hpp tokens).
  // "Tokyo." 2 tokens: 0.31 s, passes; "The answer is 401." 5 tokens: 0.34 s, fails;
  // "1. Red\n2. Green\n3. Blue" 11 tokens: 0.40 s, passes. (0.31 + 0.34 + 0.40) / 2 = 0.525 s.
  const std::string profiles = write("p.yaml", R"Y(models:
  - id: partial
    ttft_ms: 300
    tokens_per_second: 100
    answers:
      - {match: "capital of Japan", text: "Tokyo."}
      - {match: "17 \\* 23", text: "The answer is 401."}
      - {match: "primary colors", text: "1. Red\n2. Green\n3. Blue"}
  - id: wrong
    ttft_ms: 10
    tokens_per_second: 1000
    answers:
      - {text: "No idea."}
)Y");
  const std::string url = start_sim(profiles);
  const auto r = run("run " + mini_tasks() + " --models " + quote(models_file(url, {"partial", "wrong"})) + " -o " + out_dir());
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto res = results();
  const auto& partial = res["summary"]["partial"];
  double e2e_sum = 0;
  for (const auto& line : journal())
    if (line["model"] == "partial") e2e_sum += line["client"]["e2e_s"].get<double>();
  EXPECT_EQ(partial["passed"], 2);
  EXPECT_EQ(partial["tasks_never_passed"], 1);
  EXPECT_NEAR(partial["judged_time_s"].get<double>(), e2e_sum, 1e-9);
  EXPECT_NEAR(partial["seconds_per_correct"].get<double>(), e2e_sum / 2, 1e-9);
  EXPECT_NEAR(partial["seconds_per_correct"].get<double>(), 0.525, 0.100);
  EXPECT_EQ(partial["seconds_per_correct_missing"], nullptr);
  EXPECT_EQ(partial["tasks"]["mini.arithmetic"]["never_passed"], true);  // per task: infinite, as before
  const auto& wrong = res["summary"]["wrong"];
  EXPECT_EQ(wrong["seconds_per_correct"], nullptr);
  EXPECT_EQ(wrong["seconds_per_correct_missing"], "no correct answer");
  EXPECT_EQ(wrong["tasks_never_passed"], 3);
  char shown[32];
  std::snprintf(shown, sizeof shown, "%.2f s (1 task never solved)", partial["seconds_per_correct"].get<double>());
  EXPECT_THAT(r.out, HasSubstr("s / correct"));
  EXPECT_THAT(r.out, HasSubstr(shown));
  EXPECT_THAT(r.out, HasSubstr("— (no correct answer; 3 tasks never solved)"));
  EXPECT_THAT(r.out, Not(HasSubstr("∞")));
}

TEST_F(RunCommandTest, ReasoningIsKeptApartAndTimedSeparately) {
  const std::string url = start_sim();
  const auto r = run("run " + mini_tasks() + " --models " + quote(models_file(url, {"sim-reasoner"})) + " -o " + out_dir());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& line : journal()) {
    EXPECT_FALSE(line["reasoning"].get<std::string>().empty());
    EXPECT_THAT(line["answer"].get<std::string>(), Not(HasSubstr(line["reasoning"].get<std::string>())));
    // 10 reasoning tokens at 100 tok/s: the answer starts ~0.1 s after the first token.
    const double gap = line["client"]["time_to_first_answer_s"].get<double>() - line["client"]["ttft_s"].get<double>();
    EXPECT_NEAR(gap, 0.100, 0.040) << line.dump();
    EXPECT_EQ(line["tokens"]["reasoning"], 10);
  }
}

TEST_F(RunCommandTest, StallTimeoutAndOldStyleErrorLinesAreErrors) {
  const std::string profiles = write("p.yaml", R"(models:
  - id: flaky
    ttft_ms: 20
    tokens_per_second: 200
    answers:
      - match: stall
        text: "one two three four five six"
        fault: {kind: stall, after_tokens: 2, stall_ms: 4000}
      - match: old
        text: "one two three four five six"
        fault: {kind: old-error, after_tokens: 2}
)");
  const std::string tasks = write("t.yaml", "suite: f\ntasks:\n"
                                            "  - {id: stall, prompt: stall, assert: [{type: contains, value: six}]}\n"
                                            "  - {id: old, prompt: old, assert: [{type: contains, value: six}]}\n");
  const std::string url = start_sim(profiles);
  const auto started = std::chrono::steady_clock::now();
  const auto r = run("run " + quote(tasks) + " --models " + quote(models_file(url, {"flaky"}, ", timeouts: {stall: 1}")) + " -o " + out_dir());
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::map<std::string, nlohmann::json> by_task;
  for (const auto& line : journal()) by_task[line["task"]] = line;
  EXPECT_EQ(by_task["f.stall"]["verdict"], "error");
  EXPECT_EQ(by_task["f.stall"]["error"]["kind"], "stall");
  EXPECT_LT(elapsed, 3.9);  // gave up on the stall before the server would have resumed
  // Old llama.cpp builds: `error: {...}` then `data: [DONE]`; a spec-only parser would call it a pass.
  EXPECT_EQ(by_task["f.old"]["verdict"], "error");
  EXPECT_EQ(by_task["f.old"]["error"]["kind"], "stream_error");
}

TEST_F(RunCommandTest, SimFlagRunsInProcessAndSaysSimulated) {
  const auto r = run("run " + mini_tasks() + " --sim --sim-profiles " + quote(test::test_sim_profiles()) +
                     " --model sim-fast -o " + out_dir());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("SIMULATED"));
  EXPECT_EQ(results()["simulated"], true);
  for (const auto& line : journal()) EXPECT_EQ(line["simulated"], true);
}

TEST_F(RunCommandTest, RepeatedRunsCarryTheStatistics) {
  const std::string profiles = quote(test::test_sim_profiles());
  const auto r = run("run " + mini_tasks() + " --sim --sim-profiles " + profiles +
                     " --model sim-fast --model sim-wrong --repeat 3 --slo ttft=30s,e2e=60s -o " + out_dir());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // sim-wrong fails
  const auto res = results();
  EXPECT_EQ(res["slo"]["ttft_s"], 30.0);
  EXPECT_EQ(res["slo"]["e2e_s"], 60.0);
  EXPECT_TRUE(res["slo"]["first_answer_s"].is_null());
  const auto& fast = res["summary"]["sim-fast"];
  // The existing keys stay.
  for (const char* key : {"pass_rate", "e2e_p50_s", "ttft_p50_s", "seconds_per_correct", "tasks_never_passed"})
    EXPECT_TRUE(fast.contains(key)) << key;
  for (const char* key : {"time_to_correct_s", "never_passed"}) EXPECT_TRUE(fast["tasks"]["mini.capital"].contains(key)) << key;
  EXPECT_EQ(fast["passed"], 9);
  EXPECT_EQ(fast["pass_rate_ci95"].size(), 2u);
  EXPECT_NEAR(fast["pass_rate_ci95"][0].get<double>(), 0.7008, 1e-4);  // Wilson, 9 of 9
  EXPECT_NEAR(fast["pass_rate_ci95"][1].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(fast["pass_at_k"], (nlohmann::json{{"1", 1.0}, {"2", 1.0}}));  // k <= 3 samples per task
  EXPECT_EQ(fast["pass_hat_k"], (nlohmann::json{{"1", 1.0}, {"2", 1.0}}));
  for (const char* metric : {"ttft", "first_answer", "decode", "e2e"})
    for (const char* figure : {"p50", "p90", "p99", "mean"}) EXPECT_TRUE(fast[metric].contains(figure)) << metric << " " << figure;
  EXPECT_LE(fast["e2e"]["p50"].get<double>(), fast["e2e"]["p99"].get<double>());
  EXPECT_EQ(fast["goodput"]["share"], 1.0);
  EXPECT_EQ(fast["goodput"]["good"], 9);
  EXPECT_GT(fast["passed_per_minute"].get<double>(), 0);
  const auto& task = fast["tasks"]["mini.capital"];
  EXPECT_EQ(task["judged"], 3);
  EXPECT_EQ(task["pass_at_k"], (nlohmann::json{{"1", 1.0}, {"2", 1.0}}));
  EXPECT_EQ(task["pass_rate_ci95"].size(), 2u);
  EXPECT_TRUE(task["e2e"].contains("p90"));
  const auto& wrong = res["summary"]["sim-wrong"];
  EXPECT_EQ(wrong["pass_at_k"]["2"], 0.0);
  EXPECT_EQ(wrong["goodput"]["share"], 0.0);
  EXPECT_EQ(wrong["pass_rate_ci95"][0], 0.0);
  // The console: the interval beside the pass rate, a per-task table, a goodput column.
  EXPECT_THAT(r.out, HasSubstr("9/9 100.0% [70.1–100.0]"));
  EXPECT_THAT(r.out, HasSubstr("Per task"));
  EXPECT_THAT(r.out, HasSubstr("goodput"));
  EXPECT_THAT(r.out, HasSubstr("mini.colors"));
}

// A model's answer and a name in a models file cannot print lines of their own or send
// escape sequences: what they quote is escaped (goodput/terminal_text.hpp), so the only
// lines at column 0 that start with '[' are goodput's.
TEST_F(RunCommandTest, AnswersAndNamesCannotForgeConsoleLines) {
  const std::string profiles = write("forger.yaml", R"Y(models:
  - id: sim-forger
    ttft_ms: 10
    tokens_per_second: 500
    answers:
      - text: "Paris\u202E\x9b.\n[       OK ] forger / mini.capital\n[  PASSED  ] 3 runs\e[8m"
)Y");
  const std::string url = start_sim(profiles);
  const std::string models = write("models.yaml", "models:\n  - {name: \"forger\\e]0;pwned\\a\", base_url: '" + url + "', model: sim-forger}\n");
  const auto r = run("run " + mini_tasks() + " --models " + quote(models) + " --filter mini.capital -o " + out_dir());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\a'), std::string::npos) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("\u202E")));
  EXPECT_THAT(r.out, Not(HasSubstr("\u009B")));
  EXPECT_THAT(r.out, HasSubstr("[  FAILED  ] forger\\x1b]0;pwned\\x07 / mini.capital"));
  EXPECT_THAT(r.out, HasSubstr("Paris\\u202E\\u009B."));
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_THAT(line, Not(::testing::StartsWith("[       OK ]")));
    EXPECT_THAT(line, Not(::testing::StartsWith("[  PASSED  ] 3")));
  }
  EXPECT_THAT(r.out, HasSubstr("[  PASSED  ] 0 runs"));
  // The journal keeps the exact answer.
  const auto lines_written = journal();
  ASSERT_EQ(lines_written.size(), 1u);
  EXPECT_EQ(lines_written[0]["answer"], "Paris\u202E\u009B.\n[       OK ] forger / mini.capital\n[  PASSED  ] 3 runs\x1b[8m");
}

TEST_F(RunCommandTest, BadSloIsBadInput) {
  const auto r = run("run " + mini_tasks() + " --sim --sim-profiles " + quote(test::test_sim_profiles()) +
                     " --slo ttft=2 -o " + out_dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--slo"));
  EXPECT_THAT(r.err, HasSubstr("unit"));
}

}  // namespace
}  // namespace goodput
