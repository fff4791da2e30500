// SPDX-License-Identifier: MIT
// `goodput compare BASELINE.json [CANDIDATE.json]`: reads two results files (or one, with
// --baseline-model / --candidate-model; results_json.hpp reads them), compares one model of
// each (compare.hpp), prints a console table, optionally writes Markdown and JSON (both
// rendered by the reporters), and gates a model swap with `--fail-on regression`. Exit 0: no
// gated regression; 1: the gate failed; 2: bad input; 3: the gate is inconclusive (no
// regression found, but the overall test cannot see a drop of --min-detectable-drop).
#include <cmath>
#include <fstream>

#include "goodput/yaml_util.hpp"
#include "goodput/commands.hpp"
#include "goodput/compare.hpp"
#include "goodput/error.hpp"
#include "goodput/json_text.hpp"
#include "goodput/reporters.hpp"
#include "goodput/results_json.hpp"
#include "goodput/terminal_text.hpp"
#include "json_reading.hpp"
#include "run_set.hpp"

namespace goodput {

using nlohmann::json;

namespace {

// "20%" -> 0.2; "0.2" -> 0.2 (a plain number is a fraction). `what` names it in the error.
double parse_fraction(const std::string& text, const SourceLocation& where, const std::string& field, const char* what = "an increase") {
  std::string s = text;
  while (!s.empty() && s.back() == ' ') s.pop_back();
  const bool pct = !s.empty() && s.back() == '%';
  if (pct) s.pop_back();
  if (!s.empty() && s.front() == '+') s.erase(0, 1);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || !end || *end != '\0' || !std::isfinite(v) || v < 0)
    throw ConfigError(where, field, "'" + text + "' is not " + what + "; write a percentage such as 20% (or a fraction such as 0.2)");
  return pct ? v / 100 : v;
}
double parse_increase(const std::string& text, const SourceLocation& where, const std::string& field) {
  return parse_fraction(text, where, field);
}

// A drop in pass rate, in (0, 1]: "20%" or 0.2 (20 percentage points).
double parse_drop(const std::string& text, const SourceLocation& where, const std::string& field) {
  const double v = parse_fraction(text, where, field, "a drop in pass rate");
  if (!(v > 0 && v <= 1)) throw ConfigError(where, field, "'" + text + "' must be above 0% and at most 100%, e.g. 20%");
  return v;
}

double check_alpha(double alpha, const SourceLocation& where) {
  if (!(alpha > 0 && alpha < 1)) throw ConfigError(where, "alpha", "must be between 0 and 1 (exclusive), e.g. 0.05");
  return alpha;
}

bool parse_fail_on(const std::string& value, const SourceLocation& where) {
  if (value == "regression") return true;
  if (value == "never" || value == "none") return false;
  throw ConfigError(where, "fail_on", "'" + value + "': expected regression or never");
}

// gate.yaml: alpha, fail_on, max_latency_increase, max_ttc_increase, min_detectable_drop.
// Unknown keys are errors.
void load_config(const std::string& path, GateOptions& gate) {
  detail::YamlReader reader(path);
  const YAML::Node root = reader.load();
  if (!root || root.IsNull()) return;
  reader.expect_map(root, "");
  reader.check_keys(root, "", {"alpha", "fail_on", "max_latency_increase", "max_ttc_increase", "min_detectable_drop"});
  if (const auto n = root["alpha"]) gate.alpha = check_alpha(reader.number(n, "alpha"), reader.where(n));
  if (const auto n = root["fail_on"]) gate.fail_on_regression = parse_fail_on(reader.string(n, "fail_on"), reader.where(n));
  if (const auto n = root["max_latency_increase"])
    gate.max_latency_increase = parse_increase(reader.string(n, "max_latency_increase"), reader.where(n), "max_latency_increase");
  if (const auto n = root["max_ttc_increase"])
    gate.max_ttc_increase = parse_increase(reader.string(n, "max_ttc_increase"), reader.where(n), "max_ttc_increase");
  if (const auto n = root["min_detectable_drop"])
    gate.min_detectable_drop = parse_drop(reader.string(n, "min_detectable_drop"), reader.where(n), "min_detectable_drop");
}

void write_file(const std::string& path, const std::string& text, bool append = false) {
  std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  out << text;
  out.close();
  if (!out) throw ConfigError({path, 0, 0}, "", "cannot be written");
}

// gate.yaml, then the flags, each of which wins over the file.
GateOptions gate_options(const CompareCommandOptions& options) {
  GateOptions gate;
  if (!options.config_path.empty()) load_config(options.config_path, gate);
  const SourceLocation flags{"goodput compare", 0, 0};
  if (options.alpha) gate.alpha = check_alpha(*options.alpha, flags);
  if (options.fail_on) gate.fail_on_regression = parse_fail_on(*options.fail_on, flags);
  if (options.max_latency_increase)
    gate.max_latency_increase = parse_increase(*options.max_latency_increase, flags, "--max-latency-increase");
  if (options.max_ttc_increase) gate.max_ttc_increase = parse_increase(*options.max_ttc_increase, flags, "--max-ttc-increase");
  if (options.min_detectable_drop)
    gate.min_detectable_drop = parse_drop(*options.min_detectable_drop, flags, "--min-detectable-drop");
  return gate;
}

struct ComparedFiles {
  std::vector<ResultsFile> files;  // the baseline's, then the candidate's when it is another
  Comparison comparison;
};

ComparedFiles compare_files(const CompareCommandOptions& options, const GateOptions& gate) {
  if (options.baseline_path.empty()) throw ConfigError({"goodput compare", 0, 0}, "", "name the baseline results file");
  const std::string candidate_path = options.candidate_path.empty() ? options.baseline_path : options.candidate_path;
  const ResultsFile base_file = read_results_file(options.baseline_path);
  const ResultsFile cand_file = candidate_path == options.baseline_path ? base_file : read_results_file(candidate_path);
  check_same_schema(base_file, cand_file, "compare");
  const RunSet baseline = detail::run_set(base_file, options.baseline_model, "baseline");
  const RunSet candidate = detail::run_set(cand_file, options.candidate_model, "candidate");
  Comparison comparison;
  try {
    comparison = compare_runs(baseline, candidate, gate);
  } catch (const std::invalid_argument& e) {
    throw ConfigError({candidate_path, 0, 0}, "", std::string("refusing to compare: ") + e.what());
  }
  if (base_file.field("simulated") == true || cand_file.field("simulated") == true)
    comparison.warnings.push_back("SIMULATED: at least one run is of the simulated endpoint (goodput sim), not a real server");
  std::vector<ResultsFile> files{base_file};
  if (candidate_path != options.baseline_path) files.push_back(cand_file);
  return {std::move(files), std::move(comparison)};
}

}  // namespace

int compare_command(const CompareCommandOptions& options, std::ostream& out, std::ostream& err) {
  try {
    ComparedFiles compared = compare_files(options, gate_options(options));
    const Comparison& comparison = compared.comparison;
    print_comparison(comparison, out);
    if (!options.markdown_path.empty()) write_file(options.markdown_path, comparison_markdown(comparison));
    if (!options.step_summary_path.empty()) write_file(options.step_summary_path, comparison_markdown(comparison), true);
    if (!options.json_path.empty()) write_file(options.json_path, detail::json_text(comparison_json(comparison), 2) + "\n");
    if (!options.html_path.empty()) write_file(options.html_path, html_report({std::move(compared.files), {comparison}}));
    return gate_exit_code(comparison);
  } catch (const std::exception& e) {
    err << "goodput compare: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }
}

}  // namespace goodput
