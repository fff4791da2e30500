// SPDX-License-Identifier: MIT
// Built-in reporters: the gtest-like console log with its summary table, the JSONL journal
// (one line per finished run, flushed at once), the results JSON written at the end and
// JUnit XML for CI.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "goodput/runner.hpp"
#include "goodput/stats.hpp"

namespace goodput {

// One run as a journal line / results entry. Never contains an API key.
nlohmann::json to_json(const RunRecord& run);
nlohmann::json to_json(const RunStats& stats);
// A model's totals as to_json(RunStats), with pass@k / pass^k as the mean over its tasks, and
// its time to a correct answer over the suite.
nlohmann::json to_json(const ModelStats& stats);
// results.json's "slo": the latency limits goodput was measured against, or null.
nlohmann::json slo_to_json(const std::optional<Slo>& slo);
// results.json's "summary": per model, the totals, time to a correct answer over the suite
// and per task. Shared by the results writer and `goodput merge`.
nlohmann::json summary_to_json(const StatsCollector& stats);

struct ConsoleOptions {
  bool color = false;
  bool show_timing = true;  // false freezes the output for golden files
};
std::unique_ptr<Reporter> make_console_reporter(std::ostream& out, const StatsCollector& stats, ConsoleOptions options);

// Appends each finished run to `path` as one JSON line and flushes it, so an interruption
// loses only the runs in flight. Throws std::runtime_error if the file cannot be opened.
std::unique_ptr<Reporter> make_journal_reporter(const std::string& path);

// results.json's "schema_version": raised when a field changes meaning or goes away.
inline constexpr int k_results_schema_version = 1;

struct ResultsInfo {
  std::string results_path;
  std::string journal_path;  // copied into results.runs line by line, not held in memory
  std::string command_line;
  std::string started_at;
  // How the runs were selected, so a shard's or a filtered run's results say what they hold.
  int repeat = 1;
  std::string filter = "*";
  std::optional<Shard> shard;                 // "shard": {"index", "total"}, or null
  std::optional<std::uint64_t> shuffle_seed;  // null when not shuffled
};
std::unique_ptr<Reporter> make_results_reporter(ResultsInfo info, const StatsCollector& stats);

// JUnit XML (the schema Jenkins, GitLab and GitHub test-report actions read): one
// <testsuite> per model, one <testcase classname=Suite name=Task[#sample]> per run, with
// <failure> for failed assertions, <error> for runs that did not complete, and the run's
// metrics as <properties>. Written once, at on_finish (also when interrupted), to a
// temporary file renamed over `path`, so a reader never sees half a file.
std::unique_ptr<Reporter> make_junit_reporter(std::string path);

// Formats for people: "0.20 s", "1 m 02 s", "76.0 tok/s", "∞".
std::string format_seconds(std::optional<double> seconds);

}  // namespace goodput
