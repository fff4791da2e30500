// SPDX-License-Identifier: MIT
#include "run_set.hpp"

#include "goodput/error.hpp"
#include "json_reading.hpp"

namespace goodput::detail {

using nlohmann::json;

namespace {

std::string listed_model_names(const ResultsFile& file) {
  std::string names;
  for (const auto& m : file.models())
    if (field_of(m, "name").is_string()) names += (names.empty() ? "" : ", ") + text_of(field_of(m, "name"));
  return names.empty() ? "none" : names;
}

}  // namespace

RunSet run_set(const ResultsFile& file, std::string model, const char* role) {
  const json& models = file.models();
  if (model.empty()) {
    if (models.size() != 1)
      throw ConfigError({file.path, 0, 0}, "", std::string("holds ") + std::to_string(models.size()) + " models (" + listed_model_names(file) +
                                                   "); name the " + role + " with --" + role + "-model");
    model = text_of(field_of(models[0], "name"));
  }
  const json* entry = nullptr;
  for (const auto& m : models)
    if (field_of(m, "name") == model) entry = &m;
  if (!entry)
    throw ConfigError({file.path, 0, 0}, "", std::string("has no model '") + model + "' (" + role + "); it holds: " + listed_model_names(file));

  RunSet set;
  set.label = file.path + ":" + model;
  set.model = model;
  json f = field_of(*entry, "fingerprint").is_object() ? field_of(*entry, "fingerprint") : json::object();
  for (const char* key : {"model", "dialect", "params", "extra_body"}) f[key] = field_of(*entry, key);
  f.erase("endpoint");
  set.fingerprint = std::move(f);
  for (const auto& t : file.tasks()) {
    if (!field_of(t, "id").is_string()) throw ConfigError({file.path, 0, 0}, "tasks", "a task has no id");
    set.tasks[text_of(field_of(t, "id"))] = {{"system", field_of(t, "system")},
                                             {"prompt", field_of(t, "prompt")},
                                             {"params", field_of(t, "params")},
                                             {"assertions", field_of(t, "assertions")}};
  }
  for (auto& run : file.stored_runs()) {
    if (run.key.model != model) continue;
    if (!set.tasks.count(run.key.task))
      throw ConfigError({file.path, 0, 0}, "runs", "a run of task '" + run.key.task + "' that the file does not list");
    set.runs.push_back(std::move(run));
  }
  return set;
}

}  // namespace goodput::detail
