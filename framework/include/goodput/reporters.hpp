// SPDX-License-Identifier: MIT
// Built-in reporters: the gtest-like console log with its summary table, the JSONL journal
// (one line per finished run, flushed at once) and the results JSON written at the end.
#pragma once

#include <cstdio>
#include <memory>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "goodput/runner.hpp"
#include "goodput/stats.hpp"

namespace goodput {

// One run as a journal line / results entry. Never contains an API key.
nlohmann::json to_json(const RunRecord& run);
nlohmann::json to_json(const RunStats& stats);

struct ConsoleOptions {
  bool color = false;
  bool show_timing = true;  // false freezes the output for golden files
};
std::unique_ptr<Reporter> make_console_reporter(std::ostream& out, const StatsCollector& stats, ConsoleOptions options);

// Appends each finished run to `path` as one JSON line and flushes it, so an interruption
// loses only the runs in flight. Throws std::runtime_error if the file cannot be opened.
std::unique_ptr<Reporter> make_journal_reporter(const std::string& path);

struct ResultsInfo {
  std::string results_path;
  std::string journal_path;  // copied into results.runs line by line, not held in memory
  std::string command_line;
  std::string started_at;
};
std::unique_ptr<Reporter> make_results_reporter(ResultsInfo info, const StatsCollector& stats);

// Formats for people: "0.20 s", "1 m 02 s", "76.0 tok/s", "∞".
std::string format_seconds(std::optional<double> seconds);

}  // namespace goodput
