// SPDX-License-Identifier: MIT
// `goodput report DIR [DIR...] -o report.html` and `goodput run --html FILE`: the results files
// read (results_json.hpp), the models two of them share compared (compare.hpp), and the page
// rendered by the reporters (reporters.hpp html_report).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "goodput/commands.hpp"
#include "goodput/compare.hpp"
#include "goodput/error.hpp"
#include "goodput/reporters.hpp"
#include "goodput/results_json.hpp"
#include "goodput/terminal_text.hpp"
#include "json_reading.hpp"
#include "run_set.hpp"

namespace goodput {

namespace {

namespace fs = std::filesystem;

// A results directory names its results.json; a file is taken as one.
std::string results_path_of(const std::string& input) {
  return fs::is_directory(input) ? (fs::path(input) / "results.json").string() : input;
}

std::set<std::string> report_model_names(const ResultsFile& file) {
  std::set<std::string> names;
  for (const auto& m : file.models()) names.insert(detail::text_of(detail::field_of(m, "name")));
  names.erase("");
  return names;
}

// The first file as the baseline, the second as the candidate: each model they share, or
// their only models when they share none.
std::vector<Comparison> report_comparisons(const ResultsFile& baseline, const ResultsFile& candidate) {
  const std::set<std::string> base_names = report_model_names(baseline), cand_names = report_model_names(candidate);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& name : base_names)
    if (cand_names.count(name)) pairs.emplace_back(name, name);
  if (pairs.empty() && base_names.size() == 1 && cand_names.size() == 1) pairs.emplace_back(*base_names.begin(), *cand_names.begin());
  std::vector<Comparison> comparisons;
  for (const auto& [base, cand] : pairs) {
    try {
      comparisons.push_back(compare_runs(detail::run_set(baseline, base, "baseline"), detail::run_set(candidate, cand, "candidate")));
    } catch (const std::invalid_argument&) {
      // No shared task: nothing to compare for this model; the page shows both runs anyway.
    }
  }
  return comparisons;
}

}  // namespace

void write_html_report(const std::vector<std::string>& inputs, const std::string& path) {
  HtmlReportInput input;
  for (const auto& in : inputs) input.files.push_back(read_results_file(results_path_of(in)));
  if (input.files.size() == 2) {
    check_same_schema(input.files[0], input.files[1], "compare");
    input.comparisons = report_comparisons(input.files[0], input.files[1]);
  }
  const std::string page = html_report(input);
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << page;
  out.close();
  if (!out) throw ConfigError({path, 0, 0}, "", "the HTML report cannot be written there; choose another file with -o");
}

int report_command(const ReportCommandOptions& options, std::ostream& out, std::ostream& err) {
  try {
    if (options.inputs.empty()) throw ConfigError({"goodput report", 0, 0}, "", "name a results directory (or results.json) to report on");
    write_html_report(options.inputs, options.output);
    out << "html: " << options.output << "\n";
    return 0;
  } catch (const std::exception& e) {
    err << "goodput report: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }
}

}  // namespace goodput
