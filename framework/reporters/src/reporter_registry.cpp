// SPDX-License-Identifier: MIT
// The built-in reporters by name, listed once, as checkers/src/registry.cpp lists the checkers.
#include <algorithm>

#include "goodput/error.hpp"
#include "goodput/reporters.hpp"

namespace goodput {

namespace {

const StatsCollector& stats_of(const ReporterContext& context) {
  if (!context.stats) throw ConfigError({"reporters", 0, 0}, "", "this reporter reads the statistics, and none were given");
  return *context.stats;
}

}  // namespace

const std::vector<ReporterType>& reporter_types() {
  // Built on first use rather than at static initialisation, like checker_types().
  static const std::vector<ReporterType> k_types{
      {"console", "the gtest-like log as runs finish, then the summary tables",
       [](const ReporterSpec&, const ReporterContext& context) -> std::unique_ptr<Reporter> {
         if (!context.console) throw ConfigError({"reporters", 0, 0}, "console", "no stream to write to");
         return make_console_reporter(*context.console, stats_of(context), context.console_options);
       }},
      {"journal", "one JSON line per finished run, flushed at once (OUT: the journal file)",
       [](const ReporterSpec& spec, const ReporterContext&) { return make_journal_reporter(spec.out); }},
      {"results", "results.json at the end: models, tasks, summary and every run (OUT: the file)",
       [](const ReporterSpec& spec, const ReporterContext& context) {
         ResultsInfo info = context.results;
         info.results_path = spec.out;
         return make_results_reporter(std::move(info), stats_of(context));
       }},
      {"junit", "JUnit XML for CI, one testsuite per model (OUT: the file)",
       [](const ReporterSpec& spec, const ReporterContext&) { return make_junit_reporter(spec.out); }},
      {"markdown", "the run's summary as Markdown, for a pull-request comment (OUT: the file, replaced)",
       [](const ReporterSpec& spec, const ReporterContext& context) {
         return make_markdown_reporter(spec.out, false, stats_of(context));
       }},
      {"step-summary", "the Markdown summary appended to a file, as GitHub's $GITHUB_STEP_SUMMARY wants (OUT: the file)",
       [](const ReporterSpec& spec, const ReporterContext& context) {
         return make_markdown_reporter(spec.out, true, stats_of(context));
       }},
      {"recording", "every completion with its timing, for --replay (OUT: a directory)",
       [](const ReporterSpec& spec, const ReporterContext&) { return make_recording_reporter(spec.out); }},
  };
  return k_types;
}

const ReporterType* find_reporter_type(std::string_view name) {
  const auto& types = reporter_types();
  const auto it = std::find_if(types.begin(), types.end(), [&](const ReporterType& type) { return type.name == name; });
  return it == types.end() ? nullptr : &*it;
}

std::vector<std::unique_ptr<Reporter>> make_reporters(const std::vector<ReporterSpec>& specs, const ReporterContext& context) {
  std::vector<std::unique_ptr<Reporter>> reporters;
  for (const auto& spec : specs) {
    const ReporterType* type = find_reporter_type(spec.name);
    if (!type) {
      std::string known;
      for (const auto& t : reporter_types()) known += (known.empty() ? "" : ", ") + t.name;
      throw ConfigError({"reporters", 0, 0}, "", "no reporter named '" + spec.name + "' (known: " + known + ")");
    }
    reporters.push_back(type->make(spec, context));
  }
  return reporters;
}

}  // namespace goodput
