// SPDX-License-Identifier: MIT
// `goodput run --resume DIR`: continues a run that was stopped (Ctrl-C, SIGTERM, kill -9, a
// crash, a reboot). Every run writes DIR/resume.json before its first request: the options it
// was started with (paths as given, and the directory they are relative to), the tasks and
// models it loaded; DIR/fingerprints.json, the servers' fingerprints once probed. A resume loads the same files
// again and refuses (exit 2, saying what changed) when the tasks, the models or a server's
// fingerprint differ; else it redoes the runs the journal lacks, and the runs whose last line
// in the journal is an error (a server that was down may be up now), appending to the journal.
// The runs it takes from the journal reach every reporter but the journal, so the statistics,
// results.json and the JUnit report cover the whole run, as an uninterrupted one's do.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/commands.hpp"
#include "goodput/plan.hpp"
#include "goodput/reporter.hpp"
#include "goodput/spec.hpp"

namespace goodput::detail {

// The options of the run in options.resume_dir, as its resume.json keeps them, to be run again.
// Throws ConfigError when other selection flags are given too (they come from the file), or
// when the directory holds no resume.json, or is relative to another working directory.
RunCommandOptions resumed_options(const RunCommandOptions& given);

// A new run, before its journal is created: DIR/resume.json (the fingerprints come later, in
// DIR/fingerprints.json). `plan` is the options as resolved (the shard from the environment, the seed
// drawn for --shuffle), so a resume plans the same runs in the same order.
void write_resume_file(const std::string& dir, const RunCommandOptions& options, const PlanOptions& plan,
                       const std::vector<TaskSpec>& tasks, const std::vector<ModelSpec>& models,
                       const std::vector<ModelSpec>& judges);

// What a resume takes from the journal.
struct Resumption {
  std::string dir;
  nlohmann::json saved;       // resume.json
  std::set<RunKey> done;      // runs whose last journal line is not an error
  std::map<RunKey, int> last_line;  // the journal line of each run that counts
  std::set<RunKey> restored;  // the runs of the plan taken from the journal (runs_to_do)
  bool in_process_sim = false;  // --sim: the simulator's port is new each time
};

// A resume, before any request: the tasks, models and judges loaded now against resume.json (throws
// ConfigError listing every difference), and the journal read: a last line cut by a kill is
// cut off (with a warning) so that the lines appended after it stay whole.
Resumption prepare_resumption(const std::string& dir, const std::vector<TaskSpec>& tasks, const std::vector<ModelSpec>& models,
                              const std::vector<ModelSpec>& judges, bool in_process_sim);

// The planned runs the journal lacks (or holds as errors), in plan order; the others are
// noted in resumption.restored.
std::vector<PlannedRun> runs_to_do(Resumption& resumption, const std::vector<PlannedRun>& runs);

// The runner's plan hook (Runner::set_plan_hook). A new run: saves the fingerprints in
// DIR/fingerprints.json. A resume: refuses fingerprints that differ from the saved ones, and counts the
// runs taken from the journal in plan.total_runs.
void save_fingerprints(const std::string& dir, const Plan& plan);
void check_fingerprints(const Resumption& resumption, Plan& plan);

// Placed after every other reporter: at on_plan, sends each run taken from the journal to
// `targets` as on_run_end, in journal order, read one line at a time.
std::unique_ptr<Reporter> make_restored_runs_reporter(const Resumption& resumption, const std::string& journal_path,
                                                      std::vector<Reporter*> targets);

}  // namespace goodput::detail
