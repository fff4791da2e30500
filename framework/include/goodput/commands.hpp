// SPDX-License-Identifier: MIT
// The `goodput` subcommands as functions, so the CLI front end stays thin and tests can
// drive them in-process. Each returns the process exit code.
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
inline constexpr int k_exit_interrupted = 130;

struct RunCommandOptions {
  std::vector<std::string> task_paths;    // files or directories; empty: the built-in seed tasks
  std::string models_file;                // models to evaluate, or:
  std::vector<std::string> sim_profiles;  // start `goodput sim` in-process with these profiles
  std::vector<std::string> model_names;   // only these models (by name); empty: all
  int repeat = 1;
  std::string output_dir;                 // empty: goodput-results/<UTC time>
  std::string command_line;               // recorded in results.json
  bool color = false;
  // Selection, as GoogleTest does it (see goodput/plan.hpp).
  std::string filter = "*";               // POSITIVE[-NEGATIVE] patterns over task ids
  std::string shard;                      // "INDEX/TOTAL"; empty: GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX
  bool shuffle = false;
  std::optional<std::uint64_t> seed;      // for shuffle; none: from the clock, and printed
  bool list_tasks = false;                // print what would run and exit, without any request
  bool list_json = false;                 // --format json: for goodput_discover_tasks
  std::string junit_path;                 // also write JUnit XML here
  bool warmup = false;                    // --warmup: warm every model up (as `warmup: true`)
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

// The whole `goodput` command line (run, sim, assertions...); main() of every goodput binary.
int cli_main(int argc, char** argv);

// `goodput assertions`: every assertion type with its parameters.
int assertions_command();

// The built-in seed tasks and demo simulator profiles, found next to the binary's source tree.
std::string builtin_tasks_dir();
std::string builtin_sim_profiles();

}  // namespace goodput
