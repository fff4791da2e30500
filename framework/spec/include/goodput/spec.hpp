// SPDX-License-Identifier: MIT
// What the user asked for: task cases (prompt + assertions) and models (endpoint + settings,
// model_spec.hpp), loaded from YAML (load_task_file, load_models_file) and validated before
// any request.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/checkers/checker.hpp"
#include "goodput/dataset.hpp"
#include "goodput/error.hpp"
#include "goodput/model_spec.hpp"
#include "goodput/params.hpp"

namespace goodput {

class TaskContext;

struct AssertionSpec {
  std::string type;
  Params params;
  SourceLocation where;
  std::shared_ptr<const checkers::Checker> checker;  // built at load time, so bad params fail early
  bool negated = false;  // `not: true`: `checker` already turns the verdict around
  double weight = 1;     // its share of the task's score (README "not, weight and threshold")
};

// The most samples a task's `repeat:` or `--repeat` may ask for, and the most runs one
// evaluation may plan (tasks x models x samples): beyond them a typo, not a plan.
inline constexpr int k_max_repeat = 100000;
inline constexpr std::int64_t k_max_planned_runs = 10'000'000;

struct TaskSpec {
  std::string suite;
  std::string name;
  std::string id() const { return suite + "." + name; }
  std::string system;  // optional system message
  std::string prompt;
  nlohmann::json params = nlohmann::json::object();  // request parameters (max_tokens...)
  std::vector<AssertionSpec> assertions;
  std::vector<std::string> tags;
  int repeat = 1;
  // `threshold`: the task passes when the weighted share of passed assertions reaches it;
  // without it every assertion must pass. An error is an error either way.
  std::optional<double> threshold;
  // The Python packages (top-level module names) an answer may import besides the standard
  // library, for its python-passes checks (README "Python packages"); empty: the standard
  // library only. YAML `python: {packages: [...]}`, C++ TaskOptions::python_packages.
  std::vector<std::string> python_packages;
  // With several samples, the share of them that must pass for the task x model to pass
  // (README "Pass rate per task"), from 0 to 1; unset: every sample is a verdict of its own.
  // YAML `min_pass_rate: 0.8`, C++ TaskOptions::min_pass_rate.
  std::optional<double> min_pass_rate;
  SourceLocation where;  // the YAML task, or the GOODPUT_TASK macro
  // A task case written in C++ (goodput/task.hpp): the runner runs this instead of sending
  // `prompt` and judging `assertions` (both then empty); it asks and checks by itself.
  std::function<void(TaskContext&)> body;
  // The row of a GOODPUT_TASK_P case, which its body reads (YAML cases have theirs replaced
  // into the prompt and assertions when loaded, and none here).
  std::shared_ptr<const DataRow> row;
};

// A task scored by weights: it sets a threshold or weighs an assertion other than 1. Its runs
// record their score (RunRecord::score).
inline bool is_weighted(const TaskSpec& task) {
  if (task.threshold) return true;
  for (const auto& assertion : task.assertions)
    if (assertion.weight != 1) return true;
  return false;
}

struct TaskSuite {
  std::string file;
  std::string suite;
  std::vector<TaskSpec> tasks;
};

struct ModelsFile {
  std::vector<ModelSpec> models;  // `models:`, the models evaluated
  std::vector<ModelSpec> judges;  // `judges:`, asked only by model-graded assertions, never evaluated
};

// Throws ConfigError naming file:line:column and the field.
ModelsFile load_models_document(const std::string& path);
// load_models_document(path).models.
std::vector<ModelSpec> load_models_file(const std::string& path);

// Throws ConfigError naming file:line:column and the field.
TaskSuite load_task_file(const std::string& path);
// Every *.yaml / *.yml under `path` (a file or a directory, recursively, sorted); throws
// ConfigError when none is found or two tasks share an id.
std::vector<TaskSpec> load_tasks(const std::vector<std::string>& paths);

// The task's request parameters with the model's on top (the model wins): what a provider
// gets in CompletionRequest::params, and what the results record.
nlohmann::json merged_params(const TaskSpec& task, const ModelSpec& model);

}  // namespace goodput
