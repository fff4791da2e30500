// SPDX-License-Identifier: MIT
// The `goodput` subcommands as functions, so the CLI front end (goodput/cli.hpp) stays thin
// and tests can drive them in-process. Each returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace goodput {

// Exit codes of `goodput run` (and the C++ task binaries later).
inline constexpr int k_exit_all_passed = 0;
inline constexpr int k_exit_failed = 1;      // some run failed or errored
inline constexpr int k_exit_bad_input = 2;   // bad task file, models file or flag; nothing ran
// Stopped by a signal: 128 + its number, as shells report it.
inline constexpr int k_exit_interrupted = 130;  // SIGINT (Ctrl-C)
inline constexpr int k_exit_terminated = 143;   // SIGTERM

struct RunCommandOptions {
  std::vector<std::string> task_paths;    // files or directories; empty: the built-in seed tasks
  std::string models_file;                // models to evaluate, or:
  std::vector<std::string> sim_profiles;  // start `goodput sim` in-process with these profiles
  std::vector<std::string> model_names;   // only these models (by name); empty: all
  int repeat = 1;
  std::string output_dir;                 // empty: goodput-results/<UTC time>
  bool replace_output = false;            // --replace-output: a previous run in output_dir is replaced, not refused
  std::string command_line;               // recorded in results.json
  bool color = false;
  bool live = false;                      // the console's progress line (ConsoleOptions::live)
  // Selection, as GoogleTest does it (see goodput/plan.hpp).
  std::string filter = "*";               // POSITIVE[-NEGATIVE] patterns over task ids
  std::string shard;                      // "INDEX/TOTAL"; empty: GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX
  bool shuffle = false;
  std::optional<std::uint64_t> seed;      // for shuffle; none: from the clock, and printed
  bool list_tasks = false;                // print what would run and exit, without any request
  bool list_json = false;                 // --format json: for goodput_discover_tasks
  std::string junit_path;                 // also write JUnit XML here
  std::string markdown_path;              // also write the summary as Markdown here
  std::string step_summary_path;          // and append it here: $GITHUB_STEP_SUMMARY, read by the CLI
  bool warmup = false;                    // --warmup: warm every model up (as `warmup: true`)
  std::string slo;                        // --slo ttft=2s,e2e=60s: latency limits for goodput; empty: none
  // --record DIR: keep every completion with its timing in DIR (meta.json, recording.jsonl).
  std::string record_dir;
  // --replay DIR: answer from a recording instead of a server (models come from it; no
  // --models or --sim); checkers and reports run as usual.
  std::string replay_dir;
  // --resume DIR: continue the run in DIR (its resume.json gives everything above); the runs
  // its journal lacks, or holds as errors, are done and appended.
  std::string resume_dir;
  std::string html_path;  // --html FILE: also write the HTML report of this run's results there
};

int run_command(const RunCommandOptions& options);

struct ModelsCommandOptions {
  std::string models_file;                // the models to check, or:
  std::vector<std::string> sim_profiles;  // start `goodput sim` in-process with these profiles
  std::vector<std::string> model_names;   // only these models (by name); empty: all
  double timeout_s = 5;                   // per request
};

// `goodput models`: checks that each model's endpoint is up and serves the model, lists
// what it serves and says what is wrong in words a user can act on. Exit 0: all fine; 1:
// some problem; 2: bad input.
int models_command(const ModelsCommandOptions& options, std::ostream& out);

struct MergeCommandOptions {
  std::string output;
  std::vector<std::string> inputs;  // results.json files of shards of one evaluation
  std::string command_line;
};

// `goodput merge`: joins the results files of the shards of one evaluation into one, with
// the union of the runs and a recomputed summary. Refuses (exit 2) inputs that do not belong
// together: other tasks, other models, another schema, or a run present twice.
int merge_command(const MergeCommandOptions& options);

struct CompareCommandOptions {
  std::string baseline_path;
  std::string candidate_path;   // empty: the baseline file (two models of one run)
  std::string baseline_model;   // empty: the file's only model
  std::string candidate_model;
  std::string config_path;      // gate.yaml: alpha, fail_on, max_latency_increase, max_ttc_increase, min_detectable_drop
  // Flags; each wins over the config file.
  std::optional<std::string> fail_on;               // "regression" or "never"
  std::optional<double> alpha;                      // default 0.05
  std::optional<std::string> max_latency_increase;  // "20%" or 0.2: of the median end-to-end time
  std::optional<std::string> max_ttc_increase;      // of the seconds per correct answer
  std::optional<std::string> min_detectable_drop;   // "20%" or 0.2: inconclusive (exit 3) when not seen
  std::string markdown_path;    // also write Markdown (a pull-request comment) here
  std::string step_summary_path;  // and append it here: $GITHUB_STEP_SUMMARY, read by the CLI
  std::string json_path;        // also write JSON here
  std::string html_path;        // also write the HTML report (both runs, regressions first) here
};

// `goodput compare`: one model of a results file against one of another (or of the same
// file), per task and overall, with significance tests and latency changes (goodput/compare.hpp).
// Exit 0: no gated regression; 1: `fail_on: regression` and a significant drop or a latency
// rise beyond its limit; 2: bad input (unreadable files, another schema, no shared task).
int compare_command(const CompareCommandOptions& options, std::ostream& out, std::ostream& err);

struct ReportCommandOptions {
  std::vector<std::string> inputs;  // results directories or results.json files
  std::string output;               // the HTML file to write
};

// `goodput report DIR [DIR...] -o report.html`: one self-contained HTML page of the results
// (reporters.hpp html_report); with two inputs, each model they share is compared too
// (regressions first). Exit 0, or 2 when an input cannot be read or the page cannot be written.
int report_command(const ReportCommandOptions& options, std::ostream& out, std::ostream& err);
// The HTML report of `inputs` written to `path`. Throws ConfigError naming the file at fault.
void write_html_report(const std::vector<std::string>& inputs, const std::string& path);

// `goodput assertions`: every assertion type with its parameters.
int assertions_command();

// The built-in seed tasks and demo simulator profiles: <dir of the binary>/../share/goodput/
// tasks/seed and sim/seed-profiles.yaml (installed, or the build tree's links). Throws
// ConfigError saying where it looked when they are not there.
std::string builtin_tasks_dir();
std::string builtin_sim_profiles();

}  // namespace goodput
