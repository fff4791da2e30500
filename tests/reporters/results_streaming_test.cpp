// SPDX-License-Identifier: MIT
// results.json written piece by piece (write_results_file with its summary, tasks and runs
// handed over one entry at a time) is the document goodput used to build whole and dump: the
// same JSON, and the same text, byte for byte, as that whole document's dump(2) with the runs
// last, one per line. Fed the way `goodput run` feeds it: the statistics, journal and results
// reporters in turn.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/reporters.hpp"
#include "goodput/results_json.hpp"
#include "goodput/stats.hpp"
#include "goodput/stats_json.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

namespace goodput {
namespace results_streaming_test {  // a unity batch shares the golden tests' anonymous namespace
namespace {

using nlohmann::json;

struct Evaluation {
  std::vector<ModelSpec> models;
  std::vector<TaskSpec> tasks;
  std::vector<RunRecord> runs;
  Plan plan;
};

// Two models; one task judged over its 3 samples (min_pass_rate), one run once. On "b" the
// judged task fails one sample of three (2/3 < 0.9: fail); on "a" it passes them all.
Evaluation two_models_and_a_judged_task() {
  Evaluation e;
  for (const char* name : {"a", "b"}) {
    ModelSpec m;
    m.name = name;
    m.model = std::string("id-") + name;
    m.base_url = "http://127.0.0.1:1/v1";
    e.models.push_back(m);
  }
  TaskSpec judged;
  judged.suite = "s";
  judged.name = "judged";
  judged.prompt = "Say yes.";
  judged.repeat = 3;
  judged.min_pass_rate = 0.9;
  TaskSpec once;
  once.suite = "s";
  once.name = "once";
  once.prompt = "Say no.";
  once.params = {{"max_tokens", 16}};
  e.tasks = {judged, once};
  e.plan.models = &e.models;
  e.plan.tasks = &e.tasks;
  e.plan.total_runs = 8;
  for (const auto& model : e.models) {
    for (const auto& task : e.tasks) {
      for (int sample = 0; sample < task.repeat; ++sample) {
        RunRecord run;
        run.model = &model;
        run.task = &task;
        run.sample = sample;
        run.started_at = "2026-01-02T03:04:05Z";
        run.verdict = model.name == "b" && sample == 1 ? Verdict::fail : Verdict::pass;
        run.completion.answer = "yes";
        run.completion.stop_reason = StopReason::stop;
        run.completion.times.first_token = 0.1;
        run.completion.times.first_answer_token = 0.1;
        run.completion.times.last_token = 0.3 + sample;
        run.completion.times.end = 0.31 + sample;
        run.completion.times.token_chunks = 4;
        run.completion.times.answer_chunks = 4;
        run.completion.tokens.completion = 4;
        finalise_metrics(run.completion);
        e.runs.push_back(std::move(run));
      }
    }
  }
  return e;
}

Evaluation no_runs() {
  Evaluation e = two_models_and_a_judged_task();
  e.runs.clear();
  return e;
}

// What `goodput run` writes for `e`: results.json's text, and the journal's lines.
struct Written {
  std::string text;
  std::vector<std::string> journal;
  StatsCollector stats;
};

void run_reporters(const Evaluation& e, const test::TempDir& dir, Written& out) {
  auto journal = make_journal_reporter(dir.str("journal.jsonl"));
  ResultsInfo info;
  info.results_path = dir.str("results.json");
  info.journal_path = dir.str("journal.jsonl");
  info.command_line = "goodput run tasks.yaml";
  auto results = make_results_reporter(info, out.stats);
  const std::vector<Reporter*> reporters{&out.stats, journal.get(), results.get()};
  for (Reporter* r : reporters) r->on_plan(e.plan);
  for (const RunRecord& run : e.runs)
    for (Reporter* r : reporters) r->on_run_end(run);
  for (Reporter* r : reporters) r->on_finish(false);
  out.text = test::read_file(dir / "results.json");
  std::string lines = test::read_file(dir / "journal.jsonl");
  for (std::size_t start = 0, end; (end = lines.find('\n', start)) != std::string::npos; start = end + 1)
    out.journal.push_back(lines.substr(start, end - start));
}

// The document as goodput built it whole before: the summary's entries from the statistics
// (task_verdict from StatsCollector::task_model_verdict), task_to_json of each task, and the
// journal's lines as the runs; the other fields as written.
json whole_document(const json& written, const Evaluation& e, const Written& w) {
  json doc = written;
  json summary = json::object();
  for (const auto& [name, model] : w.stats.models()) {
    json entry = to_json(model);
    entry["tasks"] = json::object();
    for (const auto& [id, runs] : model.per_task) entry["tasks"][id] = to_json(runs);
    for (const auto& task : e.tasks)
      if (const auto verdict = w.stats.task_model_verdict(name, task, e.plan.repeat))
        entry["tasks"][task.id()]["task_verdict"] = to_json(*verdict);
    summary[name] = std::move(entry);
  }
  doc["summary"] = std::move(summary);
  doc["tasks"] = json::array();
  for (const auto& task : e.tasks) doc["tasks"].push_back(task_to_json(task));
  doc["runs"] = json::array();
  for (const auto& line : w.journal) doc["runs"].push_back(json::parse(line));
  return doc;
}

// How the whole document was laid out: dump(2) without the runs, then the runs last, each on
// its own line.
std::string whole_document_text(json doc, const std::vector<std::string>& runs) {
  doc.erase("runs");
  std::string text = doc.dump(2);
  text.pop_back();  // the closing brace
  while (text.back() == '\n' || text.back() == ' ') text.pop_back();
  text += ",\n  \"runs\": [";
  for (std::size_t i = 0; i < runs.size(); ++i) text += (i ? ",\n    " : "\n    ") + runs[i];
  return text + (runs.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

// Runs `e` through the reporters and expects results.json to be the whole document, as JSON
// and as text, and to read back; returns it parsed.
json expect_the_whole_document(const Evaluation& e) {
  const test::TempDir dir("results-streaming");
  Written w;
  run_reporters(e, dir, w);
  EXPECT_EQ(w.journal.size(), e.runs.size());
  const json written = json::parse(w.text);
  const json whole = whole_document(written, e, w);
  EXPECT_EQ(written, whole);
  EXPECT_EQ(w.text, whole_document_text(whole, w.journal));
  EXPECT_NO_THROW(read_results_file(dir.str("results.json")).stored_runs());
  return written;
}

TEST(ResultsStreaming, TwoModelsAndAJudgedTaskWriteTheWholeDocumentsJsonAndText) {
  const json written = expect_the_whole_document(two_models_and_a_judged_task());
  // What the comparison rests on: every part is there.
  ASSERT_EQ(written["summary"].size(), 2u);
  EXPECT_EQ(written["summary"]["b"]["tasks"]["s.judged"]["task_verdict"]["verdict"], "fail");
  EXPECT_EQ(written["summary"]["a"]["tasks"]["s.judged"]["task_verdict"]["verdict"], "pass");
  EXPECT_FALSE(written["summary"]["a"]["tasks"]["s.once"].contains("task_verdict"));
  EXPECT_EQ(written["summary"]["b"]["passed"], 3);
  ASSERT_EQ(written["tasks"].size(), 2u);
  EXPECT_EQ(written["tasks"][1]["params"]["max_tokens"], 16);
  EXPECT_EQ(written["runs"].size(), 8u);
}

TEST(ResultsStreaming, NoRunsWriteAnEmptySummaryAndRuns) {
  const json written = expect_the_whole_document(no_runs());
  EXPECT_EQ(written["summary"], json::object());
  EXPECT_EQ(written["runs"], json::array());
  EXPECT_EQ(written["tasks"].size(), 2u);
}

TEST(ResultsStreaming, AHeadHoldingAPartGivenApartIsRefused) {
  const test::TempDir dir("results-streaming");
  for (const char* part : {"summary", "tasks", "runs"}) {
    ResultsContent content;
    content.head = {{"kind", k_results_kind}, {part, json::array()}};
    EXPECT_THROW(write_results_file(dir.str("results.json"), content), std::invalid_argument) << part;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "results.json"));
  EXPECT_FALSE(std::filesystem::exists(dir / "results.json.tmp"));
}

// A piece that cannot be built leaves no file behind, half written or not.
TEST(ResultsStreaming, ASourceThatThrowsLeavesNoFile) {
  const test::TempDir dir("results-streaming");
  ResultsContent content;
  content.head = {{"kind", k_results_kind}};
  content.tasks = [](json&) -> bool { throw std::runtime_error("no task"); };
  EXPECT_THROW(write_results_file(dir.str("results.json"), content), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir / "results.json"));
  EXPECT_FALSE(std::filesystem::exists(dir / "results.json.tmp"));
}

}  // namespace
}  // namespace results_streaming_test
}  // namespace goodput
