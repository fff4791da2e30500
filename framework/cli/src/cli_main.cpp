// SPDX-License-Identifier: MIT
// The `goodput` command line (goodput/cli.hpp). It lives in goodput::cli so that the `goodput`
// executable and task binaries built from C++ task files (linking goodput::main) share one CLI.
// One pair of steps per subcommand: add_* declares its flags, dispatch_* completes its options
// from what was parsed and calls the subcommand (goodput/commands.hpp).
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "goodput/cli.hpp"
#include "goodput/commands.hpp"
#include "goodput/reporters.hpp"
#include "goodput/sim_server.hpp"
#include "goodput/spec.hpp"
#include "goodput/terminal_text.hpp"
#include "goodput/yaml_util.hpp"

#ifndef GOODPUT_VERSION
#define GOODPUT_VERSION "unknown"
#endif

namespace goodput {

namespace {

// A flag's numeric range, said in words ("must be a whole number from 1 to 100000, got 0"):
// CLI11's own ranges print doubles with six decimals, and PositiveNumber's end is 1.8e308
// written out.
CLI::Validator number_range(double min, double max, bool whole, const std::string& unit = "") {
  const std::string range = detail::range_text(min, max, unit);
  const std::string kind = whole ? "a whole number " : "a number ";
  return CLI::Validator(
      [=](std::string& input) -> std::string {
        double value = 0;
        std::size_t used = 0;
        try {
          value = std::stod(input, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        const bool is_whole = input.find_first_of(".eE") == std::string::npos;
        if (used != input.size() || input.empty() || (whole && !is_whole) || !(value >= min && value <= max))
          return "must be " + kind + range + ", got '" + input + "'";
        return "";
      },
      (whole ? "INT " : "NUMBER ") + range);
}

// A 64-bit seed: CLI11 would take "-1" as 18446744073709551615.
CLI::Validator seed_range() {
  return CLI::Validator(
      [](std::string& input) -> std::string {
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(input.data(), input.data() + input.size(), value);
        if (input.empty() || ec != std::errc() || end != input.data() + input.size())
          return "must be a whole number from 0 to 18446744073709551615, got '" + input + "'";
        return "";
      },
      "INT from 0 to 18446744073709551615");
}

// argv joined with spaces, as results.json records how it was made.
std::string joined_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + std::string(argv[i]);
  return line;
}

// ---- run ----

struct RunCli {
  RunCommandOptions options;
  bool use_sim = false;
  std::string list_format = "text";
  std::string color = "auto";
  CLI::App* cmd = nullptr;
};

// --filter, --shard, --shuffle, --seed, --list-tasks and --format: which runs, in what order.
void add_run_selection(CLI::App& cmd, RunCli& run) {
  cmd.add_option("--filter", run.options.filter,
                 "Only tasks whose id (Suite.Name) matches, gtest syntax: POSITIVE[-NEGATIVE], ':'-separated patterns "
                 "with * and ?, e.g. --filter='seed.*:mini.capital-*.long*'");
  cmd.add_option("--shard", run.options.shard,
                 "Do only shard INDEX of TOTAL (e.g. 0/4; wins over GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS); "
                 "join the shards' results with `goodput merge`");
  auto* shuffle_opt = cmd.add_flag("--shuffle", run.options.shuffle, "Run each model's runs in a random order (the seed is printed)");
  cmd.add_option("--seed", run.options.seed, "Seed for --shuffle (default: from the clock)")->check(seed_range())->needs(shuffle_opt);
  auto* list_opt = cmd.add_flag("--list-tasks", run.options.list_tasks, "Print what would run (after --filter and sharding) and exit; no request is sent");
  cmd.add_option("--format", run.list_format, "Output of --list-tasks: text, or json (for goodput_discover_tasks)")
      ->check(CLI::IsMember({"text", "json"}))
      ->needs(list_opt);
}

// --junit, --record, --replay, --warmup and --slo: what else is written, and measured against.
void add_run_outputs(CLI::App& cmd, RunCli& run) {
  cmd.add_option("--junit", run.options.junit_path, "Also write a JUnit XML report to this file (for CI)");
  cmd.add_option("--record", run.options.record_dir,
                 "Also keep every completion with its timing in DIR (meta.json, recording.jsonl), for --replay");
  cmd.add_option("--replay", run.options.replay_dir,
                 "Answer from a recording made with --record DIR instead of a server: re-run the checkers and "
                 "reports without a model (no --models or --sim)");
  cmd.add_flag("--warmup", run.options.warmup,
               "Send each model one short unmeasured request first; its time is reported as the load time");

  cmd.add_option("--slo", run.options.slo,
                 "Latency limits for goodput, e.g. ttft=2s,e2e=60s (keys ttft, first_answer, e2e; units s or ms): "
                 "goodput = share of runs that passed and met every limit");
}

// --html: the HTML report of this run (`goodput report` below writes it for any results).
void add_run_html(CLI::App& cmd, RunCli& run) {
  cmd.add_option("--html", run.options.html_path,
                 "Also write a self-contained HTML report (plots, task x model matrix, answers) to this file");
}

// --replace-output, --color, --markdown: how results are presented and kept.
void add_run_reports(CLI::App& cmd, RunCli& run) {
  cmd.add_option("--markdown", run.options.markdown_path,
                 "Also write the run's summary as Markdown to this file (a pull-request comment); it is appended to "
                 "$GITHUB_STEP_SUMMARY too when that is set");
  cmd.add_option("--color", run.color,
                 "Colour OK/FAILED/ERROR: auto (on a terminal, unless NO_COLOR is set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd.add_flag("--replace-output", run.options.replace_output,
               "Replace the journal and results a previous run left in --output-dir instead of refusing (what "
               "goodput_discover_tasks' ctest tests do: one directory per test, the latest run in it)");
}

void add_run(CLI::App& app, RunCli& run) {
  auto& cmd = *app.add_subcommand("run", "Evaluate task cases against models and report pass rate next to latency");
  run.cmd = &cmd;
  cmd.add_option("tasks", run.options.task_paths, "Task files or directories (default: the built-in seed tasks)");
  auto* models_opt = cmd.add_option("--models", run.options.models_file, "Models file (YAML): the endpoints and settings to evaluate");
  auto* sim_opt = cmd.add_flag("--sim", run.use_sim, "Evaluate the built-in simulated models (goodput sim, in-process) instead of real servers");
  cmd.add_option("--sim-profiles", run.options.sim_profiles, "Simulator profile files for --sim (default: the demo profiles)");
  cmd.add_option("--model", run.options.model_names, "Only these models (by name); repeatable");
  cmd.add_option("--repeat", run.options.repeat,
                 "Samples per task and model (default 1; multiplies a task's own repeat:). compare needs many to see small drops")
      ->check(number_range(1, k_max_repeat, true));
  cmd.add_option("--output-dir,-o", run.options.output_dir, "Where journal.jsonl and results.json go (default: goodput-results/<UTC time>)");
  cmd.add_option("--resume", run.options.resume_dir,
                 "Continue the stopped run in DIR (killed, interrupted, crashed): the same tasks, models and settings; only "
                 "the runs its journal lacks or holds as errors are done");
  models_opt->excludes(sim_opt);
  add_run_selection(cmd, run);
  add_run_outputs(cmd, run);
  add_run_html(cmd, run);
  add_run_reports(cmd, run);
}

int dispatch_run(RunCli& run, int argc, char** argv) {
  run.options.command_line = joined_command_line(argc, argv);
  if (run.use_sim && run.options.sim_profiles.empty()) run.options.sim_profiles.push_back(builtin_sim_profiles());
  if (!run.options.sim_profiles.empty() && !run.use_sim && run.options.models_file.empty()) run.use_sim = true;
  const ConsoleOptions console = console_options_for(run.color, isatty(STDOUT_FILENO) != 0, std::getenv("NO_COLOR"), std::getenv("CI"));
  run.options.color = console.color;
  run.options.live = console.live;
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) run.options.step_summary_path = summary;
  run.options.list_json = run.list_format == "json";
  return run_command(run.options);
}

// ---- report: the HTML report of results directories (run --html, compare --html write it too) ----

struct ReportCli {
  ReportCommandOptions options;
  CLI::App* cmd = nullptr;
};

void add_report(CLI::App& app, ReportCli& report) {
  auto& cmd = *app.add_subcommand(
      "report", "Write one self-contained HTML page of results: goodput report DIR [DIR2] -o report.html (two: regressions first)");
  report.cmd = &cmd;
  cmd.add_option("dirs", report.options.inputs, "Results directories (or their results.json)")->required();
  cmd.add_option("-o,--output", report.options.output, "The HTML file to write")->required();
}

// ---- models ----

struct ModelsCli {
  ModelsCommandOptions options;
  bool use_sim = false;
  CLI::App* cmd = nullptr;
};

void add_models(CLI::App& app, ModelsCli& models) {
  auto& cmd = *app.add_subcommand("models", "Check that each model's server is up and serves the model; list what it serves");
  models.cmd = &cmd;
  auto* models_file_opt = cmd.add_option("--models", models.options.models_file, "Models file (YAML)");
  auto* models_sim_opt = cmd.add_flag("--sim", models.use_sim, "Check the built-in simulated models (in-process)");
  cmd.add_option("--sim-profiles", models.options.sim_profiles, "Simulator profile files for --sim");
  cmd.add_option("--model", models.options.model_names, "Only these models (by name); repeatable");
  cmd.add_option("--timeout", models.options.timeout_s, "Seconds to wait for each answer")
      ->capture_default_str()
      ->check(number_range(0.001, 3600, false, "seconds"));
  models_file_opt->excludes(models_sim_opt);
}

int dispatch_models(ModelsCli& models) {
  if (models.use_sim && models.options.sim_profiles.empty()) models.options.sim_profiles.push_back(builtin_sim_profiles());
  return models_command(models.options, std::cout);
}

// ---- sim ----

struct SimCli {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::vector<std::string> profiles;
  std::string key_env;
  CLI::App* cmd = nullptr;
};

void add_sim(CLI::App& app, SimCli& sim) {
  auto& cmd = *app.add_subcommand("sim", "Serve simulated models with known timing on loopback (OpenAI-compatible, llama.cpp-style)");
  sim.cmd = &cmd;
  cmd.add_option("--host", sim.host, "Address to listen on")->capture_default_str();
  cmd.add_option("--port", sim.port, "Port (0 = any free port, printed on start)")
      ->capture_default_str()
      ->check(number_range(0, 65535, true));
  cmd.add_option("--profiles", sim.profiles, "Profile files (default: the demo profiles)");
  cmd.add_option("--api-key-env", sim.key_env, "Require the Bearer key held in this environment variable");
}

int dispatch_sim(SimCli& sim) {
  if (sim.profiles.empty()) sim.profiles.push_back(builtin_sim_profiles());
  return sim::run_sim_command(sim.host, sim.port, sim.profiles, sim.key_env);
}

// ---- merge and compare: subcommands that take files ----

template <class Options>
struct FilesCli {
  Options options;
  std::vector<std::string> files;  // the positional arguments
  CLI::App* cmd = nullptr;
};
using MergeCli = FilesCli<MergeCommandOptions>;
using CompareCli = FilesCli<CompareCommandOptions>;

void add_merge(CLI::App& app, MergeCli& merge) {
  auto& cmd = *app.add_subcommand(
      "merge", "Join the results.json files of a sharded evaluation: goodput merge OUT.json IN1.json IN2.json ... (or -o OUT.json IN...)");
  merge.cmd = &cmd;
  cmd.add_option("files", merge.files, "The output file, then the inputs (with -o: only the inputs)")->required();
  cmd.add_option("-o,--output", merge.options.output, "The merged results file to write");
}

int dispatch_merge(MergeCli& merge, int argc, char** argv) {
  merge.options.command_line = joined_command_line(argc, argv);
  if (merge.options.output.empty()) {
    if (merge.files.size() < 2) {
      std::cerr << "goodput merge: name the output and the inputs: goodput merge OUT.json IN1.json [IN2.json ...]\n";
      return k_exit_bad_input;
    }
    merge.options.output = merge.files.front();
    merge.files.erase(merge.files.begin());
  }
  merge.options.inputs = std::move(merge.files);
  return merge_command(merge.options);
}

void add_compare(CLI::App& app, CompareCli& compare) {
  auto& cmd = *app.add_subcommand(
      "compare", "Compare a candidate run with a baseline, per task and overall; gate a model swap: goodput compare BASE.json CAND.json");
  compare.cmd = &cmd;
  CompareCommandOptions& o = compare.options;
  cmd.add_option("files", compare.files, "BASELINE.json [CANDIDATE.json] (one file: two of its models)")->required()->expected(1, 2);
  cmd.add_option("--baseline-model", o.baseline_model, "The baseline's model (by name); needed when its file holds several");
  cmd.add_option("--candidate-model", o.candidate_model, "The candidate's model (by name); needed when its file holds several");
  cmd.add_option("--fail-on", o.fail_on,
                 "regression: exit 1 on a significant drop or a latency rise beyond the limits (default never: report only)")
      ->check(CLI::IsMember({"regression", "never"}));
  cmd.add_option("--alpha", o.alpha, "Significance level of the tests (default 0.05)");
  cmd.add_option("--max-latency-increase", o.max_latency_increase,
                 "Gate: largest allowed rise of the median end-to-end time, e.g. 20%");
  cmd.add_option("--max-ttc-increase", o.max_ttc_increase, "Gate: largest allowed rise of the seconds per correct answer, e.g. 20%");
  cmd.add_option("--min-detectable-drop", o.min_detectable_drop,
                 "Gate: exit 3 (inconclusive) instead of passing when the overall test cannot detect a pass-rate drop this large "
                 "(e.g. 20%: 20 points) with 80% power");
  cmd.add_option("--config", o.config_path,
                 "Gate settings (YAML: alpha, fail_on, max_latency_increase, max_ttc_increase, min_detectable_drop)");
  cmd.add_option("--markdown", o.markdown_path, "Also write the comparison as Markdown (a pull-request comment)");
  cmd.add_option("--json", o.json_path, "Also write the comparison as JSON");
  cmd.add_option("--html", o.html_path, "Also write an HTML report of both runs, regressions first");
}

int dispatch_compare(CompareCli& compare) {
  compare.options.baseline_path = compare.files.at(0);
  if (compare.files.size() > 1) compare.options.candidate_path = compare.files[1];
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) compare.options.step_summary_path = summary;
  return compare_command(compare.options, std::cout, std::cerr);
}

}  // namespace

int cli_main(int argc, char** argv) {
  CLI::App app{"goodput: did the model pass, and how long did it take to get a correct answer?"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("goodput ") + GOODPUT_VERSION);

  // Declared in the order --help lists them.
  RunCli run;
  add_run(app, run);
  ModelsCli models;
  add_models(app, models);
  SimCli sim;
  add_sim(app, sim);
  auto* assertions_cmd = app.add_subcommand("assertions", "List the assertion types a task file can use");
  MergeCli merge;
  add_merge(app, merge);
  CompareCli compare;
  add_compare(app, compare);
  ReportCli report;
  add_report(app, report);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : k_exit_bad_input;
  }

  // The commands report their own bad input; what reaches here is a built-in data file
  // (builtin_sim_profiles) that is not where the binary looks for it.
  try {
    if (run.cmd->parsed()) return dispatch_run(run, argc, argv);
    if (models.cmd->parsed()) return dispatch_models(models);
    if (merge.cmd->parsed()) return dispatch_merge(merge, argc, argv);
    if (compare.cmd->parsed()) return dispatch_compare(compare);
    if (report.cmd->parsed()) return report_command(report.options, std::cout, std::cerr);
    if (sim.cmd->parsed()) return dispatch_sim(sim);
    if (assertions_cmd->parsed()) return assertions_command();
  } catch (const ConfigError& e) {
    std::cerr << "goodput: " << detail::terminal_text(e.what()) << "\n";
  }
  return k_exit_bad_input;
}

}  // namespace goodput
