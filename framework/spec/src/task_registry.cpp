// SPDX-License-Identifier: MIT
#include <map>

#include "task_params.hpp"
#include "goodput/registry.hpp"

namespace goodput {

namespace {

// A function-local static, so registrars running in other files' static initialisers always
// find it constructed.
std::vector<TaskSpec>& registry() {
  static std::vector<TaskSpec> tasks;
  return tasks;
}

}  // namespace

const std::vector<TaskSpec>& registered_tasks() { return registry(); }

void register_task(TaskSpec task) { registry().push_back(std::move(task)); }

void append_registered_tasks(std::vector<TaskSpec>& tasks) {
  std::map<std::string, SourceLocation> seen;
  for (const auto& task : tasks) seen.emplace(task.id(), task.where);
  for (const auto& task : registered_tasks()) {
    if (task.suite.empty() || task.name.empty())
      throw ConfigError(task.where, "", "a registered task needs a suite and a name (got '" + task.id() + "')");
    if (!task.body && task.prompt.empty())
      throw ConfigError(task.where, task.id(), "a registered task needs a body (or a prompt)");
    if (task.repeat < 1) throw ConfigError(task.where, task.id(), "repeat must be at least 1, got " + std::to_string(task.repeat));
    const auto [it, inserted] = seen.emplace(task.id(), task.where);
    if (!inserted)
      throw ConfigError(task.where, task.id(), "this task id is already used at " + it->second.str() + "; task ids must be unique");
    tasks.push_back(task);
  }
}

namespace detail {

TaskRegistrar::TaskRegistrar(const char* suite, const char* name, const char* file, int line, const TaskOptions& options,
                             void (*body)(TaskContext&)) {
  TaskSpec task;
  task.suite = suite;
  task.name = name;
  task.where = {file, line, 0};
  task.tags = options.tag_list();
  task.repeat = options.repeat_count();
  task.params = params_to_json(options.params());
  task.system = options.system_message();
  task.python_packages = options.python_package_list();
  task.body = body;
  register_task(std::move(task));
}

}  // namespace detail
}  // namespace goodput
