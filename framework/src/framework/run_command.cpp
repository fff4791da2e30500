// SPDX-License-Identifier: MIT
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "framework/server_probe.hpp"
#include "goodput/commands.hpp"
#include "goodput/registry.hpp"
#include "goodput/reporters.hpp"
#include "goodput/runner.hpp"
#include "goodput/spec.hpp"
#include "goodput/stats.hpp"
#include "providers/replay_provider.hpp"
#include "reporters/terminal_text.hpp"
#include "selection.hpp"
#include "sim/sim_server.hpp"

#ifndef GOODPUT_SOURCE_DIR
#define GOODPUT_SOURCE_DIR "."
#endif

namespace goodput {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  g_interrupted.store(true);
  // A second Ctrl-C ends the process at once.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

std::string utc_stamp(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::vector<ModelSpec> models_from_sim(const sim::SimConfig& config, const std::string& base_url) {
  std::vector<ModelSpec> models;
  for (const auto& profile : config.profiles) {
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

}  // namespace

std::string builtin_tasks_dir() { return std::string(GOODPUT_SOURCE_DIR) + "/tasks/seed"; }
std::string builtin_sim_profiles() { return std::string(GOODPUT_SOURCE_DIR) + "/examples/sim/seed-profiles.yaml"; }

int run_command(const RunCommandOptions& options) {
  // Everything the user gave is loaded and checked before the first request.
  std::vector<TaskSpec> tasks;
  std::vector<ModelSpec> models;
  std::unique_ptr<sim::SimServer> simulator;
  std::shared_ptr<const detail::Recording> recording;  // --replay
  std::string output_dir = options.output_dir;
  std::vector<TaskSpec> selected;  // the tasks --filter selects: what the runner and reports see
  PlanOptions plan_options;
  plan_options.repeat = options.repeat;
  plan_options.filter = TaskFilter(options.filter);
  plan_options.shuffle = options.shuffle;
  plan_options.seed = options.seed.value_or(options.shuffle ? time_based_seed() : 0);
  std::optional<Slo> slo;
  try {
    if (options.repeat < 1) throw ConfigError({"--repeat", 0, 0}, "", "must be at least 1");
    if (!options.slo.empty()) {
      try {
        slo = parse_slo(options.slo);
      } catch (const std::invalid_argument& e) {
        throw ConfigError({"--slo", 0, 0}, "", e.what());
      }
    }
    if (const char* status_file = std::getenv("GTEST_SHARD_STATUS_FILE")) touch_shard_status_file(status_file);
    plan_options.shard = resolve_shard(options.shard, std::getenv("GTEST_TOTAL_SHARDS"), std::getenv("GTEST_SHARD_INDEX"));
    if (!options.replay_dir.empty()) {
      if (!options.models_file.empty() || !options.sim_profiles.empty())
        throw ConfigError({"--replay", 0, 0}, "",
                          "takes the models from the recording: drop --models and --sim (--model still selects)");
      if (!options.record_dir.empty())
        throw ConfigError({"--replay", 0, 0}, "", "cannot be combined with --record");
    } else if (options.models_file.empty() == options.sim_profiles.empty())
      throw ConfigError({"goodput run", 0, 0}, "",
                        "name the models to evaluate: --models FILE (real servers), or --sim [PROFILES] (the built-in simulator)");
    // A task binary (C++ task cases, goodput::main) runs its own tasks, not the seed tasks.
    if (!options.task_paths.empty() || registered_tasks().empty())
      tasks = load_tasks(options.task_paths.empty() ? std::vector<std::string>{builtin_tasks_dir()} : options.task_paths);
    append_registered_tasks(tasks);
    sim::SimConfig sim_config;
    if (!options.replay_dir.empty()) {
      recording = detail::load_recording(options.replay_dir);
      models = recording->models;
    } else if (!options.models_file.empty()) {
      models = load_models_file(options.models_file);
    } else {
      for (const auto& file : options.sim_profiles) {
        auto loaded = sim::load_sim_profiles(file);
        for (auto& p : loaded.profiles) sim_config.profiles.push_back(std::move(p));
      }
      models = models_from_sim(sim_config, "http://127.0.0.1:0/v1");
    }
    models = select_models(std::move(models), options.model_names);
    if (options.warmup)
      for (auto& m : models) m.warmup = true;
    selected = select_tasks(tasks, plan_options.filter);
    if (options.list_tasks) {
      const std::vector<PlannedRun> runs = plan_runs(models, selected, plan_options);
      print_task_list(std::cout, {&models, &selected, &runs, options.repeat, options.filter, plan_options.shard}, options.list_json);
      return k_exit_all_passed;
    }
    // A filter that selects nothing is almost always a typo; running nothing and passing
    // would hide it from CI. (A shard that gets no run is fine: more shards than runs.)
    if (selected.empty())
      throw ConfigError({"--filter", 0, 0}, "",
                        "'" + options.filter + "' selects none of the " + std::to_string(tasks.size()) +
                            " tasks (ids are Suite.Name" + (tasks.empty() ? "" : ", e.g. " + tasks.front().id()) +
                            "; --list-tasks shows them)");
    if (!options.junit_path.empty()) {
      const fs::path parent = fs::path(options.junit_path).parent_path();
      std::error_code junit_ec;
      if (!parent.empty()) fs::create_directories(parent, junit_ec);
      if (junit_ec) throw ConfigError({options.junit_path, 0, 0}, "--junit", "cannot create its directory: " + junit_ec.message());
    }
    // Time and process id: runs started in the same second (ctest -j, CI matrices) must not
    // share a directory.
    if (output_dir.empty())
      output_dir = "goodput-results/" + utc_stamp("%Y%m%d-%H%M%S") + "-" + std::to_string(::getpid());
    if (fs::exists(fs::path(output_dir) / "journal.jsonl"))
      throw ConfigError({output_dir, 0, 0}, "--output-dir",
                        "already holds a journal.jsonl from another run; choose another directory (resuming is not supported yet)");
    if (!options.sim_profiles.empty()) {
      simulator = std::make_unique<sim::SimServer>(std::move(sim_config));
      simulator->start();
      for (auto& m : models) m.base_url = simulator->base_url();
    }
  } catch (const ConfigError& e) {
    std::cerr << "goodput: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }

  // A models file may point at `goodput sim` too: its results are labelled like --sim's.
  // (A replay keeps the label it was recorded with.)
  for (auto& model : models)
    if (!model.simulated && !recording) model.simulated = detail::endpoint_is_goodput_sim(model, 2);

  std::error_code ec;
  fs::create_directories(output_dir, ec);
  if (ec) {
    std::cerr << "goodput: cannot create the output directory " << output_dir << ": " << ec.message() << "\n";
    return k_exit_bad_input;
  }
  const std::string journal_path = (fs::path(output_dir) / "journal.jsonl").string();
  const std::string results_path = (fs::path(output_dir) / "results.json").string();

  StatsCollector stats(slo);
  std::unique_ptr<Reporter> console = make_console_reporter(std::cout, stats, {options.color, true});
  std::unique_ptr<Reporter> journal;
  try {
    journal = make_journal_reporter(journal_path);
  } catch (const std::exception& e) {
    std::cerr << "goodput: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }
  // The journal comes before the results writer, which copies it.
  ResultsInfo results_info;
  results_info.results_path = results_path;
  results_info.journal_path = journal_path;
  results_info.command_line = options.command_line;
  results_info.started_at = utc_stamp("%Y-%m-%dT%H:%M:%SZ");
  results_info.repeat = options.repeat;
  results_info.filter = options.filter;
  results_info.shard = plan_options.shard;
  if (options.shuffle) results_info.shuffle_seed = plan_options.seed;
  std::unique_ptr<Reporter> results = make_results_reporter(std::move(results_info), stats);
  std::unique_ptr<Reporter> junit = options.junit_path.empty() ? nullptr : make_junit_reporter(options.junit_path);
  std::vector<Reporter*> reporters{&stats, journal.get(), console.get(), results.get()};
  if (junit) reporters.push_back(junit.get());
  std::unique_ptr<Reporter> recorder;
  ProviderFactory provider_factory;
  try {
    if (!options.record_dir.empty()) recorder = detail::make_recording_reporter(options.record_dir);
  } catch (const ConfigError& e) {
    std::cerr << "goodput: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }
  if (recorder) reporters.push_back(recorder.get());
  if (recording) {
    std::cout << "Note: replaying the recording in " << options.replay_dir << "; no model is asked.\n";
    provider_factory = [recording](const ModelSpec& model) { return detail::make_replay_provider(recording, model); };
  }

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::vector<PlannedRun> runs = plan_runs(models, selected, plan_options);
  // As gtest prints them, so a log says how to reproduce its order and which share it holds.
  if (plan_options.shard)
    std::cout << "Note: shard " << plan_options.shard->index << "/" << plan_options.shard->total << " (INDEX/TOTAL): "
              << runs.size() << " of the runs are done here.\n";
  if (options.shuffle)
    std::cout << "Note: shuffling each model's runs with seed " << plan_options.seed << " (--shuffle --seed "
              << plan_options.seed << " repeats this order).\n";
  Runner runner(models, selected, std::move(runs), plan_options, std::move(provider_factory));
  try {
    runner.run(reporters, g_interrupted);
  } catch (const ConfigError& e) {
    std::cerr << "goodput: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (simulator) simulator->stop();

  std::cout << "\njournal: " << journal_path << "\nresults: " << results_path << "\n";
  if (junit) std::cout << "junit: " << options.junit_path << "\n";
  std::cout << std::flush;
  if (g_interrupted.load()) return k_exit_interrupted;
  for (const auto& [name, s] : stats.models())
    if (s.all.failed > 0 || s.all.errors > 0) return k_exit_failed;
  return k_exit_all_passed;
}

int assertions_command() {
  for (const auto& type : checkers::checker_types()) {
    std::cout << type.name << " — " << type.summary << "\n";
    for (const auto& p : type.params)
      std::cout << "    " << p.name << " (" << to_string(p.type) << (p.required ? ", required" : "") << "): " << p.help << "\n";
  }
  return 0;
}

}  // namespace goodput
