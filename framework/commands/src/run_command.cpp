// SPDX-License-Identifier: MIT
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>

#include "goodput/api_key.hpp"
#include "goodput/server_probe.hpp"
#include "goodput/commands.hpp"
#include "goodput/checkers/python_environment.hpp"
#include "goodput/registry.hpp"
#include "goodput/reporters.hpp"
#include "goodput/runner.hpp"
#include "goodput/spec.hpp"
#include "goodput/stats.hpp"
#include "goodput/replay_provider.hpp"
#include "goodput/terminal_text.hpp"
#include "goodput/selection.hpp"
#include "goodput/sim_server.hpp"
#include "judges.hpp"
#include "resume.hpp"

namespace goodput {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_stop_signal{0};  // the first SIGINT or SIGTERM: the exit code is 128 + it
std::atomic<int> g_stop_requests{0};

void say_from_handler(std::string_view text) {
  // write(2) is async-signal-safe; iostreams are not.
  const ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;
}

// SIGINT and SIGTERM stop in order: runs in flight are dropped, the finished ones are in the
// journal, and the reports (results.json) are written for them. A second signal changes
// nothing but says so (it used to kill goodput before results.json was written); a third
// ends goodput at once, the journal still whole up to its last line.
extern "C" void on_stop_signal(int signal_number) {
  const int requests = g_stop_requests.fetch_add(1) + 1;
  if (requests == 1) {
    g_stop_signal.store(signal_number);
    g_interrupted.store(true);
    say_from_handler("\ngoodput: stopping: runs in flight are dropped; the reports are written for the finished runs\n");
  } else if (requests == 2) {
    say_from_handler("goodput: already stopping, writing the reports; a third signal ends goodput at once (no results.json)\n");
  } else {
    ::_exit(128 + g_stop_signal.load());
  }
}

std::string utc_stamp(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// The profiles to evaluate, or with `judges` those marked `judge: true`.
std::vector<ModelSpec> models_from_sim(const sim::SimConfig& config, const std::string& base_url, bool judges) {
  std::vector<ModelSpec> models;
  for (const auto& profile : config.profiles) {
    if (profile.judge != judges) continue;
    ModelSpec m;
    m.name = profile.id;
    m.model = profile.id;
    m.base_url = base_url;
    m.simulated = true;
    m.where = profile.where;
    models.push_back(std::move(m));
  }
  return models;
}

std::vector<ModelSpec> select_models(std::vector<ModelSpec> models, const std::vector<std::string>& names) {
  if (names.empty()) return models;
  std::vector<ModelSpec> chosen;
  for (const auto& name : names) {
    auto it = std::find_if(models.begin(), models.end(), [&](const ModelSpec& m) { return m.name == name; });
    if (it == models.end()) {
      std::string known;
      for (const auto& m : models) known += (known.empty() ? "" : ", ") + m.name;
      throw ConfigError({"--model", 0, 0}, "", "no model named '" + name + "' (known: " + known + ")");
    }
    chosen.push_back(*it);
  }
  return chosen;
}

// Everything `goodput run` was asked to evaluate, loaded and checked before the first request.
struct Evaluation {
  std::vector<TaskSpec> selected;  // the tasks --filter selects: what the runner and reports see
  std::size_t loaded = 0;          // how many tasks were loaded before the filter
  std::string first_loaded_id;     // the first of them, for a filter that selects none
  std::vector<ModelSpec> models;
  PlanOptions plan;
  std::optional<Slo> slo;
  std::shared_ptr<const Recording> recording;  // --replay
  sim::SimConfig sim_config;                   // --sim: the profiles the simulator serves
  std::vector<ModelSpec> judges;               // the models file's judges: (--sim: judge: true profiles)
};

std::optional<Slo> slo_of(const RunCommandOptions& options) {
  if (options.slo.empty()) return std::nullopt;
  try {
    return parse_slo(options.slo);
  } catch (const std::invalid_argument& e) {
    throw ConfigError({"--slo", 0, 0}, "", e.what());
  }
}

// --replay brings its own models; otherwise exactly one of --models and --sim.
void check_model_sources(const RunCommandOptions& options) {
  if (!options.replay_dir.empty()) {
    if (!options.models_file.empty() || !options.sim_profiles.empty())
      throw ConfigError({"--replay", 0, 0}, "", "takes the models from the recording: drop --models and --sim (--model still selects)");
    if (!options.record_dir.empty()) throw ConfigError({"--replay", 0, 0}, "", "cannot be combined with --record");
  } else if (options.models_file.empty() == options.sim_profiles.empty()) {
    throw ConfigError({"goodput run", 0, 0}, "",
                      "name the models to evaluate: --models FILE (real servers), or --sim [PROFILES] (the built-in simulator)");
  }
}

std::vector<TaskSpec> load_all_tasks(const RunCommandOptions& options) {
  std::vector<TaskSpec> tasks;
  // A task binary (C++ task cases, goodput::main) runs its own tasks, not the seed tasks.
  if (!options.task_paths.empty() || !has_registered_tasks())
    tasks = load_tasks(options.task_paths.empty() ? std::vector<std::string>{builtin_tasks_dir()} : options.task_paths);
  append_registered_tasks(tasks);
  return tasks;
}

// From the recording, the models file or the simulator's profiles; --model and --warmup applied.
void load_models(const RunCommandOptions& options, Evaluation& evaluation) {
  std::vector<ModelSpec> models;
  if (!options.replay_dir.empty()) {
    evaluation.recording = read_recording(options.replay_dir);
    models = evaluation.recording->models;
  } else if (!options.models_file.empty()) {
    ModelsFile file = load_models_document(options.models_file);
    models = std::move(file.models);
    evaluation.judges = std::move(file.judges);
  } else {
    for (const auto& file : options.sim_profiles)
      for (auto& p : sim::load_sim_profiles(file).profiles) evaluation.sim_config.profiles.push_back(std::move(p));
    models = models_from_sim(evaluation.sim_config, "http://127.0.0.1:0/v1", false);
    evaluation.judges = models_from_sim(evaluation.sim_config, "http://127.0.0.1:0/v1", true);
  }
  evaluation.models = select_models(std::move(models), options.model_names);
  if (options.warmup)
    for (auto& m : evaluation.models) m.warmup = true;
}

// tasks x models x samples, before any of it is planned: a typo in --repeat or repeat: must
// be an error, not a plan that fills memory.
void check_plan_size(const RunCommandOptions& options, const Evaluation& evaluation) {
  std::int64_t samples = 0;
  for (const auto& task : evaluation.selected) samples += static_cast<std::int64_t>(task.repeat) * options.repeat;
  const std::int64_t runs = samples * static_cast<std::int64_t>(evaluation.models.size());
  if (runs > k_max_planned_runs)
    throw ConfigError({"--repeat", 0, 0}, "",
                      std::to_string(runs) + " runs (tasks x models x samples, --repeat " + std::to_string(options.repeat) +
                          " times each task's repeat:) is more than one evaluation may plan (" +
                          std::to_string(k_max_planned_runs) + "); lower --repeat or repeat:, or select fewer tasks or models");
}

Evaluation load_evaluation(const RunCommandOptions& options) {
  Evaluation evaluation;
  evaluation.plan.repeat = options.repeat;
  evaluation.plan.filter = TaskFilter(options.filter);
  evaluation.plan.shuffle = options.shuffle;
  evaluation.plan.seed = options.seed.value_or(options.shuffle ? time_based_seed() : 0);
  if (options.repeat < 1 || options.repeat > k_max_repeat)
    throw ConfigError({"--repeat", 0, 0}, "", "must be from 1 to " + std::to_string(k_max_repeat) + ", got " + std::to_string(options.repeat));
  evaluation.slo = slo_of(options);
  if (const char* status_file = std::getenv("GTEST_SHARD_STATUS_FILE")) touch_shard_status_file(status_file);
  evaluation.plan.shard = resolve_shard(options.shard, std::getenv("GTEST_TOTAL_SHARDS"), std::getenv("GTEST_SHARD_INDEX"));
  check_model_sources(options);
  std::vector<TaskSpec> tasks = load_all_tasks(options);
  evaluation.loaded = tasks.size();
  if (!tasks.empty()) evaluation.first_loaded_id = tasks.front().id();
  load_models(options, evaluation);
  evaluation.selected = select_tasks(std::move(tasks), evaluation.plan.filter);
  check_plan_size(options, evaluation);
  // A replay asks no judge: its model-graded checks are errors that say so.
  if (!evaluation.recording) detail::check_judges(evaluation.selected, evaluation.judges);
  return evaluation;
}

// What the first request would otherwise find out: a key variable that is not set (a models
// file's base_url and dialect were checked when it was loaded).
void check_models_ready(const Evaluation& evaluation) {
  if (evaluation.recording) return;
  for (const auto& model : evaluation.models) detail::required_auth_headers(model);
  for (const auto& judge : evaluation.judges) detail::required_auth_headers(judge);
}

// A filter that selects nothing is almost always a typo; running nothing and passing would
// hide it from CI. (A shard that gets no run is fine: more shards than runs.)
void check_selection(const RunCommandOptions& options, const Evaluation& evaluation) {
  if (!evaluation.selected.empty()) return;
  throw ConfigError({"--filter", 0, 0}, "",
                    "'" + options.filter + "' selects none of the " + std::to_string(evaluation.loaded) + " tasks (ids are Suite.Name" +
                        (evaluation.loaded == 0 ? "" : ", e.g. " + evaluation.first_loaded_id) + "; --list-tasks shows them)");
}

// Where this run's files go, checked before anything is written.
struct Outputs {
  std::string dir;
  std::string journal;
  std::string results;
};

// The nearest ancestor of `path` that exists (`path` itself when it does).
fs::path nearest_existing(const fs::path& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec).lexically_normal();
  while (!fs::exists(p, ec) && p.has_relative_path()) p = p.parent_path();
  return p;
}

// That `path` (a directory when `directory`, else a file) can be written, or created: checked
// before any request and before anything is created, so a bad flag leaves nothing behind.
void check_writable(const std::string& path, const std::string& flag, bool directory) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (directory && !fs::is_directory(status))
      throw ConfigError({path, 0, 0}, flag, "is a file, not a directory; name a directory (it is created when missing)");
    if (!directory && fs::is_directory(status)) throw ConfigError({path, 0, 0}, flag, "is a directory; name a file");
    if (::access(path.c_str(), W_OK | (directory ? X_OK : 0)) != 0)
      throw ConfigError({path, 0, 0}, flag, std::string("cannot be written: ") + std::strerror(errno));
    return;
  }
  const fs::path base = nearest_existing(directory ? fs::path(path) : fs::absolute(path, ec).parent_path());
  if (!fs::is_directory(base, ec))
    throw ConfigError({path, 0, 0}, flag, "cannot be created: " + base.string() + " is a file, not a directory");
  if (::access(base.c_str(), W_OK | X_OK) != 0)
    throw ConfigError({path, 0, 0}, flag, "cannot be created in " + base.string() + ": " + std::strerror(errno));
}

Outputs outputs_of(const RunCommandOptions& options) {
  if (!options.junit_path.empty()) check_writable(options.junit_path, "--junit", false);
  if (!options.record_dir.empty()) check_writable(options.record_dir, "--record", true);
  if (!options.html_path.empty()) check_writable(options.html_path, "--html", false);
  if (!options.markdown_path.empty()) check_writable(options.markdown_path, "--markdown", false);
  Outputs out;
  // Time and process id: runs started in the same second (ctest -j, CI matrices) must not
  // share a directory.
  out.dir = options.output_dir.empty() ? "goodput-results/" + utc_stamp("%Y%m%d-%H%M%S") + "-" + std::to_string(::getpid())
                                       : options.output_dir;
  out.journal = (fs::path(out.dir) / "journal.jsonl").string();
  out.results = (fs::path(out.dir) / "results.json").string();
  check_writable(out.dir, "--output-dir", true);
  if (options.replace_output && options.resume_dir.empty()) {
    std::error_code ec;  // a file that is not there is fine; one that cannot go is refused below
    for (const auto& file : {out.journal, out.results}) fs::remove(file, ec);
  }
  if (fs::exists(out.journal) && options.resume_dir.empty())
    throw ConfigError({out.dir, 0, 0}, "--output-dir",
                      "already holds a journal.jsonl from another run: `goodput run --resume " + out.dir +
                          "` continues that run, or choose another directory");
  return out;
}

void create_output_dirs(const RunCommandOptions& options, const Outputs& outputs) {
  std::error_code ec;
  fs::create_directories(outputs.dir, ec);
  if (ec) throw ConfigError({outputs.dir, 0, 0}, "--output-dir", "cannot create the output directory: " + ec.message());
  if (options.junit_path.empty()) return;
  // A pattern's directories (junit/%m/...) are made per file when it is written.
  const fs::path parent = fs::path(options.junit_path.substr(0, options.junit_path.find('%'))).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) throw ConfigError({options.junit_path, 0, 0}, "--junit", "cannot create its directory: " + ec.message());
}

std::unique_ptr<sim::SimServer> start_simulator(const RunCommandOptions& options, Evaluation& evaluation) {
  if (options.sim_profiles.empty()) return nullptr;
  auto simulator = std::make_unique<sim::SimServer>(std::move(evaluation.sim_config));
  simulator->start();
  for (auto& m : evaluation.models) m.base_url = simulator->base_url();
  for (auto& judge : evaluation.judges) judge.base_url = simulator->base_url();
  return simulator;
}

// A models file may point at `goodput sim` too: its results are labelled like --sim's.
// (A replay keeps the label it was recorded with.)
void label_simulated(Evaluation& evaluation) {
  for (auto& model : evaluation.models)
    if (!model.simulated && !evaluation.recording) model.simulated = detail::endpoint_is_goodput_sim(model, 2);
}

// The reporters, by name (reporters.hpp): the journal comes before the results writer, which
// copies it.
std::vector<ReporterSpec> reporter_specs(const RunCommandOptions& options, const Outputs& outputs) {
  std::vector<ReporterSpec> specs{{"journal", outputs.journal}, {"console", ""}, {"results", outputs.results}};
  if (!options.junit_path.empty()) specs.push_back({"junit", options.junit_path});
  if (!options.markdown_path.empty()) specs.push_back({"markdown", options.markdown_path});
  if (!options.step_summary_path.empty()) specs.push_back({"step-summary", options.step_summary_path});
  if (!options.record_dir.empty()) specs.push_back({"recording", options.record_dir});
  return specs;
}

ReporterContext reporter_context(const RunCommandOptions& options, const Evaluation& evaluation, const Outputs& outputs,
                                 const StatsCollector& stats) {
  ReporterContext context;
  context.stats = &stats;
  context.console = &std::cout;
  context.console_options = {options.color, true, options.live};
  ResultsInfo& info = context.results;
  info.results_path = outputs.results;
  info.journal_path = outputs.journal;
  info.command_line = options.command_line;
  info.started_at = utc_stamp("%Y-%m-%dT%H:%M:%SZ");
  info.repeat = options.repeat;
  info.filter = options.filter;
  info.shard = evaluation.plan.shard;
  if (options.shuffle) info.shuffle_seed = evaluation.plan.seed;
  return context;
}

// As gtest prints them, so a log says how to reproduce its order and which share it holds.
void print_plan_notes(const RunCommandOptions& options, const PlanOptions& plan, std::size_t runs) {
  if (plan.shard)
    std::cout << "Note: shard " << plan.shard->index << "/" << plan.shard->total << " (INDEX/TOTAL): " << runs
              << " of the runs are done here.\n";
  if (options.shuffle)
    std::cout << "Note: shuffling each model's runs with seed " << plan.seed << " (--shuffle --seed " << plan.seed
              << " repeats this order).\n";
}

// Repeats are independent samples only when the model samples: with temperature 0 or a fixed
// seed (the task's parameters merged with the model's, as the request gets them) a real server
// tends to give the same answer every time. One line for the whole run, naming how many tasks.
bool samples_freely(const nlohmann::json& params) {
  const auto temperature = params.find("temperature");
  const bool greedy = temperature != params.end() && temperature->is_number() && temperature->get<double>() == 0;
  const auto seed = params.find("seed");
  return !greedy && (seed == params.end() || seed->is_null());
}

void warn_unsampled_repeats(const std::vector<PlannedRun>& runs) {
  std::map<std::pair<const TaskSpec*, const ModelSpec*>, int> samples;
  for (const auto& run : runs) ++samples[{run.task, run.model}];
  std::set<const TaskSpec*> repeated, unsampled;
  for (const auto& [pair, count] : samples) {
    if (count < 2) continue;
    repeated.insert(pair.first);
    if (!samples_freely(merged_params(*pair.first, *pair.second))) unsampled.insert(pair.first);
  }
  if (unsampled.empty()) return;
  std::cout << "Warning: " << unsampled.size() << " of the " << repeated.size()
            << " repeated task(s) run with temperature 0 or a fixed seed (task and model parameters merged): a real server "
               "then tends to answer the same every time, so the repeats measure timing, not reliability.\n";
}

// A task with min_pass_rate is judged per model over its samples (README "Pass rate per
// task"); any other task by each sample, as before: one failure or error fails the run.
int exit_code_of(const StatsCollector& stats, const std::vector<TaskSpec>& tasks, int repeat) {
  if (g_interrupted.load()) return 128 + g_stop_signal.load();
  for (const auto& [name, s] : stats.models()) {
    for (const auto& task : tasks) {
      const auto runs = s.per_task.find(task.id());
      if (runs == s.per_task.end()) continue;
      if (const auto verdict = stats.task_model_verdict(name, task, repeat)) {
        if (verdict->verdict != Verdict::pass) return k_exit_failed;
      } else if (runs->second.failed > 0 || runs->second.errors > 0) {
        return k_exit_failed;
      }
    }
  }
  return k_exit_all_passed;
}

// Runs the evaluation with its reporters; returns the exit code. A resume does only the runs
// the journal lacks and hands the others to every reporter but the journal.
int evaluate(const RunCommandOptions& options, const Evaluation& evaluation, const Outputs& outputs,
             detail::Resumption* resumption) {
  StatsCollector stats(evaluation.slo);
  const std::vector<ReporterSpec> specs = reporter_specs(options, outputs);
  const auto owned = make_reporters(specs, reporter_context(options, evaluation, outputs, stats));
  std::vector<Reporter*> reporters{&stats};  // first: the others read it
  for (const auto& r : owned) reporters.push_back(r.get());
  std::unique_ptr<Reporter> restored;
  if (resumption) {
    std::vector<Reporter*> targets{&stats};
    for (std::size_t i = 0; i < owned.size(); ++i)
      if (specs[i].name != "journal") targets.push_back(owned[i].get());
    restored = detail::make_restored_runs_reporter(*resumption, outputs.journal, std::move(targets));
    reporters.push_back(restored.get());  // last: the others have seen the plan
  }
  ProviderFactory provider_factory;
  RunProviderFactory run_provider_factory;
  if (const auto recording = evaluation.recording) {
    std::cout << "Note: replaying the recording in " << options.replay_dir << "; no model is asked.\n";
    provider_factory = [recording](const ModelSpec& model) { return detail::make_replay_provider(recording, model); };
    run_provider_factory = [recording](const PlannedRun& run) { return detail::make_replay_run_provider(recording, run); };
  }

  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::vector<PlannedRun> runs = plan_runs(evaluation.models, evaluation.selected, evaluation.plan);
  print_plan_notes(options, evaluation.plan, runs.size());
  warn_unsampled_repeats(runs);
  if (resumption) {
    runs = detail::runs_to_do(*resumption, runs);
    std::cout << "Note: resuming the run in " << outputs.dir << ": " << resumption->restored.size()
              << " finished run(s) are taken from its journal, " << runs.size()
              << " to do (runs that ended in an error are done again).\n";
  }
  Runner runner(evaluation.models, evaluation.selected, std::move(runs), evaluation.plan, std::move(provider_factory),
                std::move(run_provider_factory));
  runner.set_judges(evaluation.judges);
  runner.set_plan_hook([&](Plan& plan) {
    if (resumption)
      detail::check_fingerprints(*resumption, plan);
    else
      detail::save_fingerprints(outputs.dir, plan);
  });
  runner.run(reporters, g_interrupted);
  // Once stopping, it stays so until goodput exits: a signal then is a second one.
  if (!g_interrupted.load()) {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  return exit_code_of(stats, evaluation.selected, options.repeat);
}

}  // namespace

// README "Python packages": every package a selected task allows must import in the sandbox,
// or the models would be failed for what this machine lacks. Checked once, before any request.
void check_python_packages(const std::vector<TaskSpec>& tasks) {
  std::vector<std::string> modules;
  for (const auto& task : tasks)
    for (const auto& module : task.python_packages)
      if (std::find(modules.begin(), modules.end(), module) == modules.end()) modules.push_back(module);
  if (modules.empty()) return;
  const checkers::PythonEnvironment env = checkers::probe_python_packages(modules);
  if (!env.error.empty()) {
    // The Python checks will say the same, as errors of their own; the models are not failed.
    std::cerr << "Note: the Python packages the tasks declare could not be checked: " << detail::terminal_text(env.error) << "\n";
    return;
  }
  for (const auto& task : tasks)
    for (const auto& module : task.python_packages)
      if (const auto missing = env.missing.find(module); missing != env.missing.end())
        throw ConfigError(task.where, "python.packages",
                          "task " + task.id() + " allows the Python package '" + module + "', but it does not import in the sandbox (" +
                              missing->second + "); install it for /usr/bin/python3 (on Debian the package is usually python3-" + module +
                              ") or take it out of the task's python.packages");
}

// Everything the user gave is loaded and checked before the first request; any problem with
// it is a ConfigError, and exit code 2.
int run_command(const RunCommandOptions& given) {
  try {
    const RunCommandOptions options = given.resume_dir.empty() ? given : detail::resumed_options(given);
    Evaluation evaluation = load_evaluation(options);
    if (options.list_tasks) {
      const std::vector<PlannedRun> runs = plan_runs(evaluation.models, evaluation.selected, evaluation.plan);
      print_task_list(std::cout, {&evaluation.models, &evaluation.selected, &runs, options.repeat, options.filter, evaluation.plan.shard},
                      options.list_json);
      return k_exit_all_passed;
    }
    check_selection(options, evaluation);
    check_models_ready(evaluation);
    check_python_packages(evaluation.selected);
    const Outputs outputs = outputs_of(options);
    const std::unique_ptr<sim::SimServer> simulator = start_simulator(options, evaluation);
    label_simulated(evaluation);
    create_output_dirs(options, outputs);
    std::optional<detail::Resumption> resumption;
    if (!options.resume_dir.empty())
      resumption = detail::prepare_resumption(outputs.dir, evaluation.selected, evaluation.models, evaluation.judges,
                                              !options.sim_profiles.empty());
    else
      detail::write_resume_file(outputs.dir, options, evaluation.plan, evaluation.selected, evaluation.models, evaluation.judges);
    const int exit_code = evaluate(options, evaluation, outputs, resumption ? &*resumption : nullptr);
    if (simulator) simulator->stop();
    std::cout << "\njournal: " << outputs.journal << "\nresults: " << outputs.results << "\n";
    if (!options.junit_path.empty()) std::cout << "junit: " << options.junit_path << "\n";
    if (!options.html_path.empty()) {
      write_html_report({outputs.results}, options.html_path);
      std::cout << "html: " << options.html_path << "\n";
    }
    std::cout << std::flush;
    return exit_code;
  } catch (const ConfigError& e) {
    // Some messages point into a value on a second line (a regex's error under its position).
    std::cerr << "goodput: " << detail::terminal_lines(e.what(), "  ") << "\n";
    return k_exit_bad_input;
  }
}

int assertions_command() {
  for (const auto& type : checkers::checker_types()) {
    std::cout << type.name << " — " << type.summary << "\n";
    for (const auto& p : type.params)
      std::cout << "    " << p.name << " (" << to_string(p.type) << (p.required ? ", required" : "") << "): " << p.help << "\n";
    if (type.negatable) std::cout << "    not (boolean): true turns the verdict around (pass where it would fail)\n";
  }
  std::cout << "Every assertion also takes weight (number, default 1): its share of the task's score; a task's "
               "threshold (0 to 1) passes it on the weighted share of passed assertions\n";
  return 0;
}

}  // namespace goodput
