// SPDX-License-Identifier: MIT
// The `goodput` command line (goodput/cli.hpp). It lives in goodput::cli so that the `goodput`
// executable and task binaries built from C++ task files (linking goodput::main) share one CLI.
#include <unistd.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "goodput/cli.hpp"
#include "goodput/commands.hpp"
#include "goodput/sim_server.hpp"

#ifndef GOODPUT_VERSION
#define GOODPUT_VERSION "unknown"
#endif

namespace goodput {

int cli_main(int argc, char** argv) {
  CLI::App app{"goodput: did the model pass, and how long did it take to get a correct answer?"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("goodput ") + GOODPUT_VERSION);

  RunCommandOptions run;
  bool use_sim = false;
  auto* run_cmd = app.add_subcommand("run", "Evaluate task cases against models and report pass rate next to latency");
  run_cmd->add_option("tasks", run.task_paths, "Task files or directories (default: the built-in seed tasks)");
  auto* models_opt = run_cmd->add_option("--models", run.models_file, "Models file (YAML): the endpoints and settings to evaluate");
  auto* sim_opt = run_cmd->add_flag("--sim", use_sim, "Evaluate the built-in simulated models (goodput sim, in-process) instead of real servers");
  run_cmd->add_option("--sim-profiles", run.sim_profiles, "Simulator profile files for --sim (default: the demo profiles)");
  run_cmd->add_option("--model", run.model_names, "Only these models (by name); repeatable");
  run_cmd->add_option("--repeat", run.repeat, "Samples per task and model")->check(CLI::PositiveNumber);
  run_cmd->add_option("--output-dir,-o", run.output_dir, "Where journal.jsonl and results.json go (default: goodput-results/<UTC time>)");
  models_opt->excludes(sim_opt);
  run_cmd->add_option("--filter", run.filter,
                      "Only tasks whose id (Suite.Name) matches, gtest syntax: POSITIVE[-NEGATIVE], ':'-separated patterns "
                      "with * and ?, e.g. --filter='seed.*:mini.capital-*.long*'");
  run_cmd->add_option("--shard", run.shard,
                      "Do only shard INDEX of TOTAL (e.g. 0/4; wins over GTEST_SHARD_INDEX / GTEST_TOTAL_SHARDS); "
                      "join the shards' results with `goodput merge`");
  auto* shuffle_opt = run_cmd->add_flag("--shuffle", run.shuffle, "Run each model's runs in a random order (the seed is printed)");
  run_cmd->add_option("--seed", run.seed, "Seed for --shuffle (default: from the clock)")->needs(shuffle_opt);
  auto* list_opt = run_cmd->add_flag("--list-tasks", run.list_tasks, "Print what would run (after --filter and sharding) and exit; no request is sent");
  std::string list_format = "text";
  run_cmd->add_option("--format", list_format, "Output of --list-tasks: text, or json (for goodput_discover_tasks)")
      ->check(CLI::IsMember({"text", "json"}))
      ->needs(list_opt);
  run_cmd->add_option("--junit", run.junit_path, "Also write a JUnit XML report to this file (for CI)");
  run_cmd->add_option("--record", run.record_dir,
                      "Also keep every completion with its timing in DIR (meta.json, recording.jsonl), for --replay");
  run_cmd->add_option("--replay", run.replay_dir,
                      "Answer from a recording made with --record DIR instead of a server: re-run the checkers and "
                      "reports without a model (no --models or --sim)");
  run_cmd->add_flag("--warmup", run.warmup,
                    "Send each model one short unmeasured request first; its time is reported as the load time");

  run_cmd->add_option("--slo", run.slo,
                      "Latency limits for goodput, e.g. ttft=2s,e2e=60s (keys ttft, first_answer, e2e; units s or ms): "
                      "goodput = share of runs that passed and met every limit");

  ModelsCommandOptions models_check;
  bool models_sim = false;
  auto* models_cmd = app.add_subcommand("models", "Check that each model's server is up and serves the model; list what it serves");
  auto* models_file_opt = models_cmd->add_option("--models", models_check.models_file, "Models file (YAML)");
  auto* models_sim_opt = models_cmd->add_flag("--sim", models_sim, "Check the built-in simulated models (in-process)");
  models_cmd->add_option("--sim-profiles", models_check.sim_profiles, "Simulator profile files for --sim");
  models_cmd->add_option("--model", models_check.model_names, "Only these models (by name); repeatable");
  models_cmd->add_option("--timeout", models_check.timeout_s, "Seconds to wait for each answer")->capture_default_str();
  models_file_opt->excludes(models_sim_opt);

  std::string sim_host = "127.0.0.1";
  int sim_port = 8080;
  std::vector<std::string> sim_profiles;
  std::string sim_key_env;
  auto* sim_cmd = app.add_subcommand("sim", "Serve simulated models with known timing on loopback (OpenAI-compatible, llama.cpp-style)");
  sim_cmd->add_option("--host", sim_host, "Address to listen on")->capture_default_str();
  sim_cmd->add_option("--port", sim_port, "Port (0 = any free port, printed on start)")->capture_default_str();
  sim_cmd->add_option("--profiles", sim_profiles, "Profile files (default: the demo profiles)");
  sim_cmd->add_option("--api-key-env", sim_key_env, "Require the Bearer key held in this environment variable");

  auto* assertions_cmd = app.add_subcommand("assertions", "List the assertion types a task file can use");

  MergeCommandOptions merge;
  std::vector<std::string> merge_files;
  auto* merge_cmd = app.add_subcommand(
      "merge", "Join the results.json files of a sharded evaluation: goodput merge OUT.json IN1.json IN2.json ... (or -o OUT.json IN...)");
  merge_cmd->add_option("files", merge_files, "The output file, then the inputs (with -o: only the inputs)")->required();
  merge_cmd->add_option("-o,--output", merge.output, "The merged results file to write");

  CompareCommandOptions compare;
  std::vector<std::string> compare_files;
  auto* compare_cmd = app.add_subcommand(
      "compare", "Compare a candidate run with a baseline, per task and overall; gate a model swap: goodput compare BASE.json CAND.json");
  compare_cmd->add_option("files", compare_files, "BASELINE.json [CANDIDATE.json] (one file: two of its models)")->required()->expected(1, 2);
  compare_cmd->add_option("--baseline-model", compare.baseline_model, "The baseline's model (by name); needed when its file holds several");
  compare_cmd->add_option("--candidate-model", compare.candidate_model, "The candidate's model (by name); needed when its file holds several");
  compare_cmd->add_option("--fail-on", compare.fail_on, "regression: exit 1 on a significant drop or a latency rise beyond the limits")
      ->check(CLI::IsMember({"regression", "never"}));
  compare_cmd->add_option("--alpha", compare.alpha, "Significance level of the tests (default 0.05)");
  compare_cmd->add_option("--max-latency-increase", compare.max_latency_increase,
                          "Gate: largest allowed rise of the median end-to-end time, e.g. 20%");
  compare_cmd->add_option("--max-ttc-increase", compare.max_ttc_increase, "Gate: largest allowed rise of the time to a correct answer, e.g. 20%");
  compare_cmd->add_option("--config", compare.config_path, "Gate settings (YAML: alpha, fail_on, max_latency_increase, max_ttc_increase)");
  compare_cmd->add_option("--markdown", compare.markdown_path, "Also write the comparison as Markdown (a pull-request comment)");
  compare_cmd->add_option("--json", compare.json_path, "Also write the comparison as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : k_exit_bad_input;
  }

  if (run_cmd->parsed()) {
    for (int i = 0; i < argc; ++i) run.command_line += (i ? " " : "") + std::string(argv[i]);
    if (use_sim && run.sim_profiles.empty()) run.sim_profiles.push_back(builtin_sim_profiles());
    if (!run.sim_profiles.empty() && !use_sim && run.models_file.empty()) use_sim = true;
    run.color = isatty(STDOUT_FILENO) != 0;
    run.list_json = list_format == "json";
    return run_command(run);
  }
  if (models_cmd->parsed()) {
    if (models_sim && models_check.sim_profiles.empty()) models_check.sim_profiles.push_back(builtin_sim_profiles());
    return models_command(models_check, std::cout);
  }
  if (merge_cmd->parsed()) {
    for (int i = 0; i < argc; ++i) merge.command_line += (i ? " " : "") + std::string(argv[i]);
    if (merge.output.empty()) {
      if (merge_files.size() < 2) {
        std::cerr << "goodput merge: name the output and the inputs: goodput merge OUT.json IN1.json [IN2.json ...]\n";
        return k_exit_bad_input;
      }
      merge.output = merge_files.front();
      merge_files.erase(merge_files.begin());
    }
    merge.inputs = std::move(merge_files);
    return merge_command(merge);
  }
  if (compare_cmd->parsed()) {
    compare.baseline_path = compare_files.at(0);
    if (compare_files.size() > 1) compare.candidate_path = compare_files[1];
    return compare_command(compare, std::cout, std::cerr);
  }
  if (sim_cmd->parsed()) {
    if (sim_profiles.empty()) sim_profiles.push_back(builtin_sim_profiles());
    return sim::run_sim_command(sim_host, sim_port, sim_profiles, sim_key_env);
  }
  if (assertions_cmd->parsed()) return assertions_command();
  return k_exit_bad_input;
}

}  // namespace goodput
