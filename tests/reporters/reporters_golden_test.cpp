// SPDX-License-Identifier: MIT
// Golden files for the run reporters (framework/reporters): the console log, results.json
// (with the journal lines it copies) and JUnit XML, each fed the same fixed evaluation in the
// order the runner fires its events, and compared byte for byte with
// tests/reporters/golden/*.approved.*. The evaluation holds every kind of run the reports
// treat apart: passed, failed (with parts and a sandbox fact), truncated, transport error with
// retries, checker error, reasoning, server-reported figures, estimated tokens, warm-ups (one
// failed), a simulated model, an SLO, repeated samples, a model name in Japanese and an answer
// with an escape sequence. The figures are fixed; what still varies from run to run (the wall
// time of the whole run, finished_at, goodput's version, the scratch directory) is scrubbed.
// Regenerate: GOODPUT_UPDATE_GOLDEN=1 (tests/reporters/golden/README.md).
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "goodput/reporters.hpp"
#include "goodput/stats.hpp"
#include "support/files.hpp"
#include "support/golden.hpp"
#include "support/temp_dir.hpp"

namespace goodput {
namespace {

using checkers::CheckPart;
using checkers::CheckResult;
using checkers::Outcome;

ModelSpec model(std::string name, std::string id, std::string base_url, std::string dialect, bool simulated) {
  ModelSpec m;
  m.name = std::move(name);
  m.model = std::move(id);
  m.base_url = std::move(base_url);
  m.dialect = std::move(dialect);
  m.simulated = simulated;
  return m;
}

TaskSpec task(std::string name, std::string prompt, const std::vector<std::string>& types, int line) {
  TaskSpec t;
  t.suite = "golden";
  t.name = std::move(name);
  t.prompt = std::move(prompt);
  t.tags = {"golden"};
  t.where = {"tasks/golden.yaml", line, 5};
  for (const auto& type : types) {
    AssertionSpec a;
    a.type = type;
    t.assertions.push_back(a);
  }
  return t;
}

// A completion streamed on a fixed schedule: first token, first answer token, last token (s).
Completion streamed(std::string answer, double first, double first_answer, double last, std::int64_t tokens) {
  Completion c;
  c.answer = std::move(answer);
  c.stop_reason = StopReason::stop;
  c.server_stop_reason = "stop";
  c.times.first_token = first;
  c.times.first_answer_token = first_answer;
  c.times.last_token = last;
  c.times.end = last + 0.002;
  c.times.token_chunks = tokens;
  c.times.answer_chunks = tokens;
  c.tokens.prompt = 24;
  c.tokens.completion = tokens;
  finalise_metrics(c);
  return c;
}

// What llama.cpp's `timings` say, in its units and converted.
void llama_timings(Completion& c, double prompt_ms, double predicted_ms, std::int64_t predicted_n) {
  c.server_timings_source = "llama.cpp timings";
  c.server_timings = {{"prompt_ms", prompt_ms}, {"prompt_n", 24}, {"predicted_ms", predicted_ms},
                      {"predicted_n", static_cast<double>(predicted_n)},
                      {"predicted_per_second", predicted_n / (predicted_ms / 1000)}};
  c.server.prompt_s = prompt_ms / 1000;
  c.server.decode_s = predicted_ms / 1000;
  c.server.decode_tps = predicted_n / (predicted_ms / 1000);
  c.server.prompt_tokens = 24;
  c.server.completion_tokens = predicted_n;
  c.server_model = "qwen3-8b-q4_k_m.gguf";
  c.system_fingerprint = "b6000-golden";
}

// The fixed evaluation: 3 tasks x 2 models x 2 samples, its runs in the order they finished.
struct Evaluation {
  std::vector<ModelSpec> models;
  std::vector<TaskSpec> tasks;
  Plan plan;
  std::vector<std::pair<const ModelSpec*, WarmupResult>> warmups;
  std::vector<RunRecord> runs;
  std::optional<Slo> slo;
};

Evaluation full_evaluation() {
  Evaluation e;
  e.models = {model("qwen3-8b", "qwen3-8b-q4", "http://127.0.0.1:8080/v1", "openai", false),
              model("sim-ジェマ", "sim-fast", "http://127.0.0.1:18080/v1", "openai", true)};
  e.models[0].params = {{"temperature", 0.2}};
  e.tasks = {task("capital", "What is the capital of Japan? Answer in one word.", {"contains", "stop-reason"}, 3),
             task("arithmetic", "What is 17 * 23?", {"number"}, 9),
             task("converter", "Write a Python function that converts JSON to CSV.", {"python-passes"}, 14)};
  e.tasks[1].params = {{"max_tokens", 64}};
  e.plan.models = &e.models;
  e.plan.tasks = &e.tasks;
  e.plan.repeat = 2;
  e.plan.total_runs = 12;
  e.plan.fingerprints["qwen3-8b"] = {{"goodput_version", "0.1.0"}, {"dialect", "openai"}, {"endpoint", "http://127.0.0.1:8080/v1"},
                                      {"model", "qwen3-8b-q4"}, {"server_model", "qwen3-8b-q4_k_m.gguf"},
                                      {"server_version", "b6000"}, {"system_fingerprint", nullptr}, {"quantisation", "Q4_K_M"},
                                      {"context_length", 8192}, {"arch", "qwen3"}, {"simulated", false},
                                      {"request_params", {{"model", "qwen3-8b-q4"}, {"stream", true}, {"temperature", 0.2}}}};
  e.slo = Slo{0.5, 2.0, std::nullopt};
  e.warmups.push_back({&e.models[0], WarmupResult{4.2, 4.19, ""}});
  e.warmups.push_back({&e.models[1], WarmupResult{std::nullopt, std::nullopt, "connect: cannot connect to 127.0.0.1:18080"}});

  const auto run = [&](std::size_t m, std::size_t t, int sample, Verdict verdict, Completion c, std::vector<CheckResult> checks) {
    RunRecord r;
    r.model = &e.models[m];
    r.task = &e.tasks[t];
    r.sample = sample;
    r.started_at = "2025-01-02T03:04:" + std::to_string(10 + e.runs.size()) + "Z";
    r.verdict = verdict;
    r.completion = std::move(c);
    r.checks = std::move(checks);
    if (m == 0) {
      r.fingerprint = e.plan.fingerprints["qwen3-8b"];
      r.fingerprint["system_fingerprint"] = r.completion.system_fingerprint;
    }
    e.runs.push_back(std::move(r));
  };
  const CheckResult stop_ok(Outcome::pass, "stop reason is stop");

  // qwen3-8b
  Completion c = streamed("Tokyo.", 0.25, 0.25, 0.61, 16);
  llama_timings(c, 230.5, 350, 16);
  run(0, 0, 0, Verdict::pass, c, {{Outcome::pass, "contains 'Tokyo'"}, stop_ok});
  c = streamed("Kyoto.\x1b[31m (or is it?)", 0.31, 0.31, 0.9, 20);
  llama_timings(c, 290, 580, 20);
  run(0, 0, 1, Verdict::fail, c, {{Outcome::fail, "contains: expected 'Tokyo' in the answer, not found"}, stop_ok});
  c = streamed("391", 0.3, 0.45, 0.8, 26);
  c.reasoning = "17 * 23 = 17 * 20 + 17 * 3 = 340 + 51 = 391";
  c.tokens.reasoning = 10;
  c.times.reasoning_chunks = 10;
  finalise_metrics(c);
  llama_timings(c, 280, 500, 26);
  run(0, 1, 0, Verdict::pass, c, {{Outcome::pass, "found 391"}});
  c = streamed("", 0.3, 0.3, 1.6, 64);
  c.times.first_answer_token.reset();
  c.reasoning = "Let me think step by step about 17 times 23, first 17 times 20";
  c.tokens.reasoning = 64;
  c.stop_reason = StopReason::length;
  c.server_stop_reason = "length";
  finalise_metrics(c);
  run(0, 1, 1, Verdict::truncated, c,
      {{Outcome::fail, "truncated: the token limit (max_tokens 64) cut the reasoning before any answer; raise max_tokens"}});
  c = streamed("```python\nimport csv, json\n```", 0.4, 0.4, 2.4, 120);
  CheckResult converter(Outcome::fail, "python-passes: 2 of 3 fixtures fail");
  converter.parts = {CheckPart{"fixture plain.json", Outcome::pass, "ok"},
                     CheckPart{"fixture quoting.json", Outcome::fail, "row 2, column note: expected 'a, b' got 'a'"},
                     CheckPart{"fixture bom.json", Outcome::fail, "Traceback (most recent call last):\n  File \"solution.py\", line 3\nKeyError: 'id'"}};
  converter.facts = {{"sandbox", "process: pid, network and mount namespaces, seccomp, memory cgroup"}, {"python", "3.11.2"}};
  run(0, 2, 0, Verdict::fail, c, {converter});
  c = Completion{};
  c.error = {ErrorKind::http_status, "HTTP 503: the server is busy loading the model; retry later", 503};
  c.retries = {{0.5, "http_status: HTTP 503"}, {1.0, "http_status: HTTP 503"}};
  c.times.end = 0.01;
  run(0, 2, 1, Verdict::error, c, {});

  // sim-ジェマ: simulated, no usage sent (tokens estimated), a checker that could not judge.
  for (int sample = 0; sample < 2; ++sample) {
    c = streamed("Tokyo.", 0.05, 0.05, 0.07 + 0.01 * sample, 2);
    c.tokens.completion_estimated = true;
    run(1, 0, sample, Verdict::pass, c, {{Outcome::pass, "contains 'Tokyo'"}, stop_ok});
    c = streamed("17 * 23 = 391", 0.05, 0.05, 0.1, 6);
    c.tokens.completion_estimated = true;
    run(1, 1, sample, Verdict::pass, c, {{Outcome::pass, "found 391"}});
  }
  c = streamed("```python\ndef convert(): pass\n```", 0.05, 0.05, 0.3, 12);
  CheckResult judged(Outcome::pass, "python-passes: 3 of 3 fixtures pass");
  judged.facts = {{"sandbox", "process: pid, network and mount namespaces, seccomp, memory cgroup"}};
  run(1, 2, 0, Verdict::pass, c, {judged});
  run(1, 2, 1, Verdict::error, c, {{Outcome::error, "python-passes: could not judge: the sandbox could not start (clone3: EPERM)"}});
  return e;
}

// A run cut short: one simulated model, one task, half of the planned runs.
Evaluation interrupted_evaluation() {
  Evaluation e;
  e.models = {model("sim-fast", "sim-fast", "http://127.0.0.1:18080/v1", "openai", true)};
  e.tasks = {task("capital", "What is the capital of Japan? Answer in one word.", {"contains"}, 3)};
  e.plan.models = &e.models;
  e.plan.tasks = &e.tasks;
  e.plan.total_runs = 2;
  e.plan.simulated = true;
  RunRecord r;
  r.model = &e.models[0];
  r.task = &e.tasks[0];
  r.started_at = "2025-01-02T03:04:05Z";
  r.verdict = Verdict::pass;
  r.completion = streamed("Tokyo.", 0.05, 0.05, 0.07, 2);
  r.checks = {{Outcome::pass, "contains 'Tokyo'"}};
  e.runs.push_back(std::move(r));
  return e;
}

// The reports of one evaluation, produced as `goodput run` wires the reporters.
struct Reports {
  std::string console, results, junit;
};

Reports report(const Evaluation& e, bool interrupted) {
  const test::TempDir dir("golden");
  StatsCollector stats(e.slo);
  std::ostringstream console_out;
  auto console = make_console_reporter(console_out, stats, {false, true});
  auto journal = make_journal_reporter((dir / "journal.jsonl").string());
  ResultsInfo info;
  info.results_path = (dir / "results.json").string();
  info.journal_path = (dir / "journal.jsonl").string();
  info.command_line = "goodput run tasks/golden.yaml --models models.yaml --repeat 2";
  info.started_at = "2025-01-02T03:04:05Z";
  info.repeat = e.plan.repeat;
  auto results = make_results_reporter(info, stats);
  auto junit = make_junit_reporter((dir / "junit.xml").string());
  const std::vector<Reporter*> reporters{&stats, journal.get(), console.get(), results.get(), junit.get()};

  for (Reporter* r : reporters) r->on_plan(e.plan);
  for (const auto& [m, warmup] : e.warmups)
    for (Reporter* r : reporters) r->on_warmup(*m, warmup);
  for (const RunRecord& run : e.runs) {
    for (Reporter* r : reporters) r->on_run_start(*run.model, *run.task, run.sample);
    for (Reporter* r : reporters) r->on_run_end(run);
  }
  for (Reporter* r : reporters) r->on_finish(interrupted);

  Reports out;
  // The wall time of the whole run is the one figure the console takes from the clock.
  out.console = test::scrub(console_out.str(), {{R"(runs finished in [0-9.]+ s)", "runs finished in <elapsed> s"}});
  out.results = test::scrub(test::replace_all(test::read_file(dir / "results.json"), dir.str(), "<dir>"),
                            {{R"("finished_at": "[^"]*")", R"("finished_at": "<finished_at>")"},
                             {R"("goodput_version": "[^"]*",\n  "command")", "\"goodput_version\": \"<version>\",\n  \"command\""}});
  out.junit = test::read_file(dir / "junit.xml");
  return out;
}

TEST(ReportersGoldenTest, Console) {
  EXPECT_MATCHES_GOLDEN("reporters/golden/console.approved.txt", report(full_evaluation(), false).console);
}

TEST(ReportersGoldenTest, ResultsJsonWithTheJournalLines) {
  EXPECT_MATCHES_GOLDEN("reporters/golden/results.approved.json", report(full_evaluation(), false).results);
}

TEST(ReportersGoldenTest, Junit) {
  EXPECT_MATCHES_GOLDEN("reporters/golden/junit.approved.xml", report(full_evaluation(), false).junit);
}

TEST(ReportersGoldenTest, InterruptedSimulatedRun) {
  const Reports r = report(interrupted_evaluation(), true);
  EXPECT_MATCHES_GOLDEN("reporters/golden/interrupted-console.approved.txt", r.console);
  EXPECT_MATCHES_GOLDEN("reporters/golden/interrupted-results.approved.json", r.results);
  EXPECT_MATCHES_GOLDEN("reporters/golden/interrupted-junit.approved.xml", r.junit);
}

}  // namespace
}  // namespace goodput
