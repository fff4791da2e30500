// SPDX-License-Identifier: MIT
// `goodput compare BASELINE.json [CANDIDATE.json]`: reads two results files (or one, with
// --baseline-model / --candidate-model), compares one model of each (compare.hpp), prints a
// console table, optionally writes Markdown and JSON, and gates a model swap with
// `--fail-on regression`. Exit 0: no gated regression; 1: the gate failed; 2: bad input.
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "framework/yaml_util.hpp"
#include "goodput/commands.hpp"
#include "goodput/compare.hpp"
#include "goodput/error.hpp"
#include "goodput/reporters.hpp"
#include "reporters/terminal_text.hpp"

namespace goodput {

using nlohmann::json;

namespace {

const json& member(const json& object, const char* key) {
  static const json k_null;
  if (!object.is_object()) return k_null;
  const auto it = object.find(key);
  return it == object.end() ? k_null : *it;
}

json read_results(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path, 0, 0}, "", "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw ConfigError({path, 0, 0}, "", std::string("is not valid JSON: ") + e.what());
  }
  if (member(doc, "kind") != "goodput.results")
    throw ConfigError({path, 0, 0}, "", "is not a goodput results file (no \"kind\": \"goodput.results\")");
  if (!member(doc, "models").is_array() || !member(doc, "tasks").is_array() || !member(doc, "runs").is_array())
    throw ConfigError({path, 0, 0}, "", "has no models, tasks or runs array; is it complete?");
  return doc;
}

std::optional<double> number(const json& object, const char* key) {
  const json& v = member(object, key);
  if (!v.is_number()) return std::nullopt;
  return v.get<double>();
}

std::string model_names(const json& doc) {
  std::string names;
  for (const auto& m : member(doc, "models"))
    if (member(m, "name").is_string()) names += (names.empty() ? "" : ", ") + member(m, "name").get<std::string>();
  return names.empty() ? "none" : names;
}

RunSet run_set(const std::string& path, const json& doc, std::string model, const char* role) {
  const json& models = member(doc, "models");
  if (model.empty()) {
    if (models.size() != 1)
      throw ConfigError({path, 0, 0}, "", std::string("holds ") + std::to_string(models.size()) + " models (" + model_names(doc) +
                                              "); name the " + role + " with --" + role + "-model");
    model = member(models[0], "name").is_string() ? member(models[0], "name").get<std::string>() : "";
  }
  const json* entry = nullptr;
  for (const auto& m : models)
    if (member(m, "name") == model) entry = &m;
  if (!entry) throw ConfigError({path, 0, 0}, "", std::string("has no model '") + model + "' (" + role + "); it holds: " + model_names(doc));

  RunSet set;
  set.label = path + ":" + model;
  set.model = model;
  json f = member(*entry, "fingerprint").is_object() ? member(*entry, "fingerprint") : json::object();
  for (const char* key : {"model", "dialect", "params", "extra_body"}) f[key] = member(*entry, key);
  f.erase("endpoint");
  set.fingerprint = std::move(f);
  for (const auto& t : member(doc, "tasks")) {
    if (!member(t, "id").is_string()) throw ConfigError({path, 0, 0}, "tasks", "a task has no id");
    set.tasks[member(t, "id").get<std::string>()] = {{"system", member(t, "system")},
                                                     {"prompt", member(t, "prompt")},
                                                     {"params", member(t, "params")},
                                                     {"assertions", member(t, "assertions")}};
  }
  for (const auto& run : member(doc, "runs")) {
    if (member(run, "model") != model) continue;
    CompareRun r;
    if (!member(run, "task").is_string()) throw ConfigError({path, 0, 0}, "runs", "a run has no task");
    r.task = member(run, "task").get<std::string>();
    if (member(run, "sample").is_number_integer()) r.sample = member(run, "sample").get<std::int64_t>();
    const json& verdict = member(run, "verdict");
    if (verdict == "pass")
      r.outcome = RunOutcome::pass;
    else if (verdict == "fail" || verdict == "truncated")
      r.outcome = RunOutcome::fail;
    else if (verdict == "error")
      r.outcome = RunOutcome::error;
    else
      throw ConfigError({path, 0, 0}, "runs", "a run has no verdict pass, fail, truncated or error: " + verdict.dump());
    r.e2e_s = number(member(run, "client"), "e2e_s");
    r.ttft_s = number(member(run, "client"), "ttft_s");
    if (!set.tasks.count(r.task)) throw ConfigError({path, 0, 0}, "runs", "a run of task '" + r.task + "' that the file does not list");
    set.runs.push_back(std::move(r));
  }
  return set;
}

// "20%" -> 0.2; "0.2" -> 0.2 (a plain number is a fraction).
double parse_increase(const std::string& text, const SourceLocation& where, const std::string& field) {
  std::string s = text;
  while (!s.empty() && s.back() == ' ') s.pop_back();
  const bool pct = !s.empty() && s.back() == '%';
  if (pct) s.pop_back();
  if (!s.empty() && s.front() == '+') s.erase(0, 1);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || !end || *end != '\0' || !std::isfinite(v) || v < 0)
    throw ConfigError(where, field, "'" + text + "' is not an increase; write a percentage such as 20% (or a fraction such as 0.2)");
  return pct ? v / 100 : v;
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

// gate.yaml: alpha, fail_on, max_latency_increase, max_ttc_increase. Unknown keys are errors.
void load_config(const std::string& path, GateOptions& gate) {
  detail::YamlReader reader(path);
  const YAML::Node root = reader.load();
  if (!root || root.IsNull()) return;
  reader.expect_map(root, "");
  reader.check_keys(root, "", {"alpha", "fail_on", "max_latency_increase", "max_ttc_increase"});
  if (const auto n = root["alpha"]) gate.alpha = check_alpha(reader.number(n, "alpha"), reader.where(n));
  if (const auto n = root["fail_on"]) gate.fail_on_regression = parse_fail_on(reader.string(n, "fail_on"), reader.where(n));
  if (const auto n = root["max_latency_increase"])
    gate.max_latency_increase = parse_increase(reader.string(n, "max_latency_increase"), reader.where(n), "max_latency_increase");
  if (const auto n = root["max_ttc_increase"])
    gate.max_ttc_increase = parse_increase(reader.string(n, "max_ttc_increase"), reader.where(n), "max_ttc_increase");
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw ConfigError({path, 0, 0}, "", "cannot be written");
}

}  // namespace

int compare_command(const CompareCommandOptions& options, std::ostream& out, std::ostream& err) {
  try {
    GateOptions gate;
    if (!options.config_path.empty()) load_config(options.config_path, gate);
    const SourceLocation flags{"goodput compare", 0, 0};
    if (options.alpha) gate.alpha = check_alpha(*options.alpha, flags);
    if (options.fail_on) gate.fail_on_regression = parse_fail_on(*options.fail_on, flags);
    if (options.max_latency_increase)
      gate.max_latency_increase = parse_increase(*options.max_latency_increase, flags, "--max-latency-increase");
    if (options.max_ttc_increase) gate.max_ttc_increase = parse_increase(*options.max_ttc_increase, flags, "--max-ttc-increase");

    if (options.baseline_path.empty()) throw ConfigError(flags, "", "name the baseline results file");
    const std::string candidate_path = options.candidate_path.empty() ? options.baseline_path : options.candidate_path;
    const json base_doc = read_results(options.baseline_path);
    const json cand_doc = candidate_path == options.baseline_path ? base_doc : read_results(candidate_path);
    if (member(base_doc, "schema_version") != member(cand_doc, "schema_version"))
      throw ConfigError({candidate_path, 0, 0}, "",
                        "refusing to compare: schema_version " + member(cand_doc, "schema_version").dump() + " but " +
                            options.baseline_path + " has " + member(base_doc, "schema_version").dump());
    if (member(base_doc, "schema_version") != k_results_schema_version)
      throw ConfigError({options.baseline_path, 0, 0}, "",
                        "schema_version " + member(base_doc, "schema_version").dump() + "; this goodput reads " +
                            std::to_string(k_results_schema_version));

    const RunSet baseline = run_set(options.baseline_path, base_doc, options.baseline_model, "baseline");
    const RunSet candidate = run_set(candidate_path, cand_doc, options.candidate_model, "candidate");
    Comparison comparison;
    try {
      comparison = compare_runs(baseline, candidate, gate);
    } catch (const std::invalid_argument& e) {
      throw ConfigError({candidate_path, 0, 0}, "", std::string("refusing to compare: ") + e.what());
    }
    if (member(base_doc, "simulated") == true || member(cand_doc, "simulated") == true)
      comparison.warnings.push_back("SIMULATED: at least one run is of the simulated endpoint (goodput sim), not a real server");

    print_comparison(comparison, out);
    if (!options.markdown_path.empty()) write_file(options.markdown_path, comparison_markdown(comparison));
    if (!options.json_path.empty()) write_file(options.json_path, comparison_json(comparison).dump(2) + "\n");
    return gate_exit_code(comparison);
  } catch (const std::exception& e) {
    err << "goodput compare: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }
}

}  // namespace goodput
