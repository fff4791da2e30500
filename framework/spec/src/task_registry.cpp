// SPDX-License-Identifier: MIT
#include <filesystem>
#include <map>

#include "task_params.hpp"
#include "goodput/registry.hpp"

namespace goodput {

namespace {

// Function-local statics, so registrars running in other files' static initialisers always
// find them constructed.
std::vector<TaskSpec>& registry() {
  static std::vector<TaskSpec> tasks;
  return tasks;
}

std::vector<TaskSpec>& template_registry() {
  static std::vector<TaskSpec> templates;
  return templates;
}

struct Instantiation {
  std::string suite;
  std::string name;
  SourceLocation where;
  DataSource source;
};

std::vector<Instantiation>& instantiation_registry() {
  static std::vector<Instantiation> instantiations;
  return instantiations;
}

TaskSpec task_of(const char* suite, const char* name, const char* file, int line, const TaskOptions& options,
                 void (*body)(TaskContext&)) {
  TaskSpec task;
  task.suite = suite;
  task.name = name;
  task.where = {file, line, 0};
  task.tags = options.tag_list();
  task.repeat = options.repeat_count();
  task.params = detail::params_to_json(options.params());
  task.system = options.system_message();
  task.python_packages = options.python_package_list();
  task.min_pass_rate = options.min_pass_rate_value();
  task.body = body;
  return task;
}

// The rows of one GOODPUT_INSTANTIATE; a source that throws is a ConfigError at the macro.
std::vector<DataRow> rows_of(const Instantiation& instantiation) {
  const std::string macro = "GOODPUT_INSTANTIATE(" + instantiation.suite + ", " + instantiation.name + ")";
  try {
    return instantiation.source.load();
  } catch (const ConfigError& e) {
    throw ConfigError(e.where(), e.field(), e.message() + " (the rows of " + macro + " at " + instantiation.where.str() + ")");
  } catch (const std::exception& e) {
    throw ConfigError(instantiation.where, macro, e.what());
  }
}

}  // namespace

const std::vector<TaskSpec>& registered_tasks() { return registry(); }

void register_task(TaskSpec task) { registry().push_back(std::move(task)); }

bool has_registered_tasks() { return !registry().empty() || !template_registry().empty(); }

void append_registered_tasks(std::vector<TaskSpec>& tasks) {
  std::map<std::string, SourceLocation> seen;
  for (const auto& task : tasks) seen.emplace(task.id(), task.where);
  const auto append = [&](TaskSpec task) {
    if (task.suite.empty() || task.name.empty())
      throw ConfigError(task.where, "", "a registered task needs a suite and a name (got '" + task.id() + "')");
    if (!task.body && task.prompt.empty())
      throw ConfigError(task.where, task.id(), "a registered task needs a body (or a prompt)");
    if (task.repeat < 1) throw ConfigError(task.where, task.id(), "repeat must be at least 1, got " + std::to_string(task.repeat));
    if (task.min_pass_rate && !(*task.min_pass_rate >= 0 && *task.min_pass_rate <= 1))
      throw ConfigError(task.where, task.id() + ".min_pass_rate",
                        "must be a share from 0 to 1 (0.8: at least 80% of the samples pass), got " + std::to_string(*task.min_pass_rate));
    const auto [it, inserted] = seen.emplace(task.id(), task.where);
    if (!inserted)
      throw ConfigError(task.where, task.id(), "this task id is already used at " + it->second.str() + "; task ids must be unique");
    tasks.push_back(std::move(task));
  };
  for (const auto& task : registered_tasks()) append(task);
  for (const auto& task_template : template_registry()) {
    bool instantiated = false;
    for (const auto& instantiation : instantiation_registry()) {
      if (instantiation.suite != task_template.suite || instantiation.name != task_template.name) continue;
      instantiated = true;
      for (auto& row : rows_of(instantiation)) {
        TaskSpec task = task_template;
        task.name += "_" + row.id;
        task.row = std::make_shared<const DataRow>(std::move(row));
        append(std::move(task));
      }
    }
    if (!instantiated)
      throw ConfigError(task_template.where, task_template.id(),
                        "GOODPUT_TASK_P(" + task_template.suite + ", " + task_template.name + ") has no rows: add GOODPUT_INSTANTIATE(" +
                            task_template.suite + ", " + task_template.name + ", goodput::rows_from_file(\"rows.jsonl\"))");
  }
  for (const auto& instantiation : instantiation_registry()) {
    bool found = false;
    for (const auto& task_template : template_registry())
      found = found || (instantiation.suite == task_template.suite && instantiation.name == task_template.name);
    if (!found)
      throw ConfigError(instantiation.where, "GOODPUT_INSTANTIATE",
                        "names " + instantiation.suite + "." + instantiation.name + ", which no GOODPUT_TASK_P declares");
  }
}

DataSource rows_from_file(std::string path, std::string id_column, std::source_location where) {
  namespace fs = std::filesystem;
  const fs::path given(path);
  const std::string resolved = given.is_absolute() ? path : (fs::path(where.file_name()).parent_path() / given).lexically_normal().string();
  return DataSource([resolved, id_column = std::move(id_column)] { return read_dataset(resolved, id_column); });
}

DataSource rows(std::vector<std::vector<std::pair<std::string, std::string>>> fields, std::string id_column, std::source_location where) {
  return DataSource([fields = std::move(fields), id_column = std::move(id_column), where] {
    std::vector<DataRow> out;
    for (const auto& row_fields : fields) out.push_back({"", {where.file_name(), static_cast<int>(where.line()), 0}, row_fields});
    detail::assign_row_ids(out, id_column);
    return out;
  });
}

DataSource values(std::vector<std::string> list, std::source_location where) {
  std::vector<std::vector<std::pair<std::string, std::string>>> fields;
  for (auto& value : list) fields.push_back({{"value", std::move(value)}});
  return rows(std::move(fields), "", where);
}

namespace detail {

TaskRegistrar::TaskRegistrar(const char* suite, const char* name, const char* file, int line, const TaskOptions& options,
                             void (*body)(TaskContext&)) {
  register_task(task_of(suite, name, file, line, options, body));
}

TaskTemplateRegistrar::TaskTemplateRegistrar(const char* suite, const char* name, const char* file, int line,
                                             const TaskOptions& options, void (*body)(TaskContext&)) {
  template_registry().push_back(task_of(suite, name, file, line, options, body));
}

InstantiationRegistrar::InstantiationRegistrar(const char* suite, const char* name, const char* file, int line, DataSource source) {
  instantiation_registry().push_back({suite, name, {file, line, 0}, std::move(source)});
}

}  // namespace detail
}  // namespace goodput
