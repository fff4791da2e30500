// SPDX-License-Identifier: MIT
// Built-in reporters, chosen by name from one registry: the gtest-like console log with its
// summary table, the JSONL journal (one line per finished run, flushed at once), the results
// JSON written at the end, JUnit XML for CI, and the recording `--replay` answers from. Also
// the renderings of a comparison (`goodput compare`): console table, Markdown and JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/compare.hpp"
#include "goodput/plan.hpp"  // Shard
#include "goodput/reporter.hpp"
#include "goodput/results_json.hpp"
#include "goodput/stats.hpp"

namespace goodput {

struct ConsoleOptions {
  bool color = false;       // OK green, FAILED and TRUNCATED red, ERROR yellow (ANSI escapes)
  bool show_timing = true;  // false freezes the output for golden files
  // A progress line (runs done/total, passed/failed/errors, ETA, tokens/s) kept under the log
  // and redrawn in place with \r: only for a terminal, since a file or CI log would hold every redraw.
  bool live = false;
};
std::unique_ptr<Reporter> make_console_reporter(std::ostream& out, const StatsCollector& stats, ConsoleOptions options);

// What the console does on this stdout. `color_mode` is --color's value: "always", "never",
// or "auto" (colour on a terminal unless NO_COLOR is set to something). The progress line is
// drawn only on a terminal outside CI (the CI variable unset), whatever the colour.
// `no_color` and `ci` are the environment variables' values, null when unset.
ConsoleOptions console_options_for(std::string_view color_mode, bool stdout_is_terminal, const char* no_color, const char* ci);

// Appends each finished run to `path` as one JSON line and flushes it, so an interruption
// loses only the runs in flight. Throws ConfigError if the file cannot be opened.
std::unique_ptr<Reporter> make_journal_reporter(const std::string& path);

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
// metrics as <properties>. A task with min_pass_rate gets one <testcase name=Task> per model
// instead, its samples' verdicts inside and a <failure> only when too few passed (README "Pass
// rate per task"). Written once, at on_finish (also when interrupted), to a
// temporary file renamed over `path`, so a reader never sees half a file.
std::unique_ptr<Reporter> make_junit_reporter(std::string path);

// The run's summary as Markdown (a pull-request comment, GitHub's job summary): the counts in
// a heading, a row per model (pass rate and interval, errors, TTFT, decode, e2e, s / correct),
// the runs that did not pass with their first message. Written at on_finish; `append` adds it
// to the file (as $GITHUB_STEP_SUMMARY wants) instead of replacing it.
std::unique_ptr<Reporter> make_markdown_reporter(std::string path, bool append, const StatsCollector& stats);

// Writes DIR/meta.json at on_plan and appends one line to DIR/recording.jsonl per finished
// run (results_json.hpp describes both). Throws ConfigError when DIR cannot be created or
// already holds a recording.
std::unique_ptr<Reporter> make_recording_reporter(const std::string& dir);

// ---- the registry ----

// What one evaluation's reporters are made from.
struct ReporterContext {
  // What console, results (and junit, its own) read. The caller fires events at it before
  // the reporters (it is a Reporter too), so the statistics are complete when they read them.
  const StatsCollector* stats = nullptr;
  std::ostream* console = nullptr;
  ConsoleOptions console_options;
  ResultsInfo results;  // its results_path and journal_path are the results' and journal's outputs
};

// A reporter by name, with its output (a file or directory; the console's is the context's
// stream): {"junit", "out/junit.xml"}.
struct ReporterSpec {
  std::string name;
  std::string out;
};

struct ReporterType {
  std::string name;
  std::string summary;  // one line, for people
  std::function<std::unique_ptr<Reporter>(const ReporterSpec& spec, const ReporterContext& context)> make;
};

// console, journal, results, junit, markdown, step-summary, recording: listed once, in reporter_registry.cpp.
const std::vector<ReporterType>& reporter_types();
const ReporterType* find_reporter_type(std::string_view name);

// One reporter per spec, in the order given (the journal must come before the results
// writer, which copies it). Throws ConfigError for an unknown name or an output that cannot be
// opened.
std::vector<std::unique_ptr<Reporter>> make_reporters(const std::vector<ReporterSpec>& specs, const ReporterContext& context);

// Formats for people: "0.20 s", "1 m 02 s", "76.0 tok/s", "∞".
std::string format_seconds(std::optional<double> seconds);

// ---- the HTML report (`goodput report`, `run --html`) ----

// One self-contained page (inline SVG, CSS and JS; nothing fetched when viewed): per model the
// pass rate with its Wilson interval against seconds per correct answer, a task x model matrix
// whose cells open their runs (answer, reasoning, assertions, figures, fingerprint), latency
// distributions per model, and the comparisons given, regressions first. Every string from
// the files is escaped: results files are user-editable and answers are model output.
struct HtmlReportInput {
  std::vector<ResultsFile> files;  // with several, a model is labelled by its file's directory too
  std::vector<Comparison> comparisons;
};
// Answers and reasoning longer than this are cut in the page (the journal has them whole).
inline constexpr std::size_t k_html_answer_chars = 1500;
std::string html_report(const HtmlReportInput& input);

// ---- a comparison (goodput/compare.hpp), rendered ----

// Labels, task ids and the warnings and reasons that quote them come from results files, which
// anyone can edit: the console table escapes them (goodput/terminal_text.hpp).
void print_comparison(const Comparison& comparison, std::ostream& out);
std::string comparison_markdown(const Comparison& comparison);
nlohmann::json comparison_json(const Comparison& comparison);
// A failed gate condition in words: "task t regressed: 10/10 100% -> 2/10 20% (...)".
std::string gate_failure_text(const Comparison& comparison, const GateFailure& failure);

}  // namespace goodput
