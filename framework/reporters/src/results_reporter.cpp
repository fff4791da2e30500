// SPDX-License-Identifier: MIT
// results.json, written once at the end: what ran (models, tasks), the summary per model and
// per task, and every run. None of the big parts is held whole: the tasks and the summary are
// built one entry at a time as the file is written, and the runs copied line by line from the
// journal.
// Each part's shape is results_json.hpp's, as `goodput merge` and `goodput compare` read it.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>

#include "goodput/journal_file.hpp"
#include "goodput/reporters.hpp"
#include "goodput/stats_json.hpp"

#ifndef GOODPUT_VERSION
#define GOODPUT_VERSION "unknown"
#endif

namespace goodput {

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class ResultsReporter final : public Reporter {
 public:
  ResultsReporter(ResultsInfo info, const StatsCollector& stats) : m_info(std::move(info)), m_stats(stats) {}

  void on_plan(const Plan& plan) override { m_plan = plan; }

  void on_warmup(const ModelSpec& model, const WarmupResult& warmup) override { m_warmups[model.name] = warmup_to_json(warmup); }

  // The model's fingerprint: its first completed run's (the probe's, merged with what the
  // server said while answering), else the probe's alone. Its request_params are the
  // model's own (no task's parameters), so it does not depend on which task ran first.
  void on_run_end(const RunRecord& run) override {
    if (!run.fingerprint.is_object() || !run.completion.ok() || m_fingerprints.count(run.model->name)) return;
    nlohmann::json f = run.fingerprint;
    if (auto it = m_plan.fingerprints.find(run.model->name); it != m_plan.fingerprints.end() && it->second.is_object())
      f["request_params"] = it->second.value("request_params", nlohmann::json::object());
    m_fingerprints[run.model->name] = std::move(f);
  }

  void on_finish(bool interrupted) override {
    nlohmann::json head = {
        {"schema_version", k_results_schema_version},
        {"kind", k_results_kind},
        {"goodput_version", GOODPUT_VERSION},
        {"command", m_info.command_line},
        {"started_at", m_info.started_at},
        {"finished_at", utc_now()},
        {"interrupted", interrupted},
        {"simulated", m_plan.simulated},
        {"planned_runs", m_plan.total_runs},
        {"journal", m_info.journal_path},
        {"repeat", m_info.repeat},
        {"filter", m_info.filter},
        {"shard", m_info.shard ? nlohmann::json{{"index", m_info.shard->index}, {"total", m_info.shard->total}} : nlohmann::json(nullptr)},
        {"shuffle_seed", m_info.shuffle_seed ? nlohmann::json(*m_info.shuffle_seed) : nlohmann::json(nullptr)},
    };
    nlohmann::json models = nlohmann::json::array();
    for (const auto& m : *m_plan.models) {
      nlohmann::json entry = model_to_json(m);
      entry["warmup"] = warmup_of(m);
      entry["fingerprint"] = fingerprint_of(m);
      models.push_back(std::move(entry));
    }
    head["models"] = std::move(models);
    head["slo"] = slo_to_json(m_stats.slo());
    auto task = m_plan.tasks->begin();
    write({std::move(head), summary_source(m_stats, *m_plan.tasks, m_plan.repeat), [&](nlohmann::json& entry) {
             if (task == m_plan.tasks->end()) return false;
             entry = task_to_json(*task++);
             return true;
           },
           nullptr});
  }

 private:
  // `content`'s runs are the journal's, each from its last line (a run redone by --resume
  // appears twice), in journal order; a last line cut by a kill and lines that are not runs are
  // left out, saying so.
  void write(ResultsContent content) const {
    const JournalIndex index = index_journal(m_info.journal_path);
    if (index.scan.torn_bytes > 0) std::cerr << torn_line_warning(m_info.journal_path, index.scan) << "\n";
    if (index.unreadable > 0)
      std::cerr << "goodput: warning: " << m_info.journal_path << ": " << index.unreadable
                << " line(s) are not runs of goodput's journal; left out of " << m_info.results_path << "\n";
    std::set<int> kept;
    for (const auto& [key, number] : index.last_line) kept.insert(number);
    std::ifstream journal(m_info.journal_path, std::ios::binary);
    int number = 0;
    content.runs = [&](std::string& line) {
      // Numbered as read_jsonl_lines numbers them: every whole line, blank or not.
      while (std::getline(journal, line) && !journal.eof())
        if (kept.count(++number)) return true;
      return false;
    };
    try {
      write_results_file(m_info.results_path, content);
    } catch (const std::exception&) {
      std::fprintf(stderr, "goodput: writing %s failed\n", m_info.results_path.c_str());
    }
  }

  // null when the model did not warm up
  nlohmann::json warmup_of(const ModelSpec& m) const {
    auto it = m_warmups.find(m.name);
    return it == m_warmups.end() ? nlohmann::json(nullptr) : it->second;
  }
  nlohmann::json fingerprint_of(const ModelSpec& m) const {
    if (auto it = m_fingerprints.find(m.name); it != m_fingerprints.end()) return it->second;
    if (auto it = m_plan.fingerprints.find(m.name); it != m_plan.fingerprints.end()) return it->second;
    return nullptr;
  }

  ResultsInfo m_info;
  const StatsCollector& m_stats;
  Plan m_plan;
  std::map<std::string, nlohmann::json> m_warmups;
  std::map<std::string, nlohmann::json> m_fingerprints;
};

}  // namespace

std::unique_ptr<Reporter> make_results_reporter(ResultsInfo info, const StatsCollector& stats) {
  return std::make_unique<ResultsReporter>(std::move(info), stats);
}

}  // namespace goodput
