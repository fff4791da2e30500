// SPDX-License-Identifier: MIT
#include "goodput/selection.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

#include "goodput/error.hpp"
#include "goodput/terminal_text.hpp"

namespace goodput {

void print_task_list(std::ostream& out, const TaskListing& listing, bool json) {
  // Runs per task and model, in model order.
  std::map<const TaskSpec*, std::vector<std::pair<const ModelSpec*, int>>> per_task;
  std::map<const ModelSpec*, bool> model_runs;
  for (const auto& run : *listing.runs) {
    auto& counts = per_task[run.task];
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == run.model; });
    if (it == counts.end())
      counts.emplace_back(run.model, 1);
    else
      ++it->second;
    model_runs[run.model] = true;
  }
  for (auto& [task, counts] : per_task)
    std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  if (json) {
    nlohmann::json tasks = nlohmann::json::array();
    for (const auto& task : *listing.tasks) {
      const auto it = per_task.find(&task);
      if (it == per_task.end()) continue;
      nlohmann::json names = nlohmann::json::array();
      int runs = 0;
      for (const auto& [model, n] : it->second) {
        names.push_back(model->name);
        runs += n;
      }
      tasks.push_back({{"id", task.id()}, {"suite", task.suite}, {"name", task.name}, {"file", task.where.file},
                       {"line", task.where.line}, {"tags", task.tags}, {"repeat", task.repeat * listing.repeat},
                       {"runs", runs}, {"models", std::move(names)}});
    }
    nlohmann::json models = nlohmann::json::array();
    for (const auto& m : *listing.models) {
      if (!model_runs.count(&m)) continue;
      models.push_back({{"name", m.name}, {"model", m.model}, {"base_url", m.base_url}, {"dialect", m.dialect},
                        {"simulated", m.simulated}});
    }
    nlohmann::json doc = {{"tasks", std::move(tasks)}, {"models", std::move(models)}, {"filter", listing.filter},
                          {"shard", listing.shard ? nlohmann::json{{"index", listing.shard->index}, {"total", listing.shard->total}}
                                                  : nlohmann::json(nullptr)}};
    out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }

  // gtest's --gtest_list_tests shape: "Suite." then the names indented, plus which models
  // would run each task here (and how often, when more than once).
  const std::string* suite = nullptr;
  for (const auto& task : *listing.tasks) {
    const auto it = per_task.find(&task);
    if (it == per_task.end()) continue;
    if (!suite || *suite != task.suite) {
      out << detail::terminal_text(task.suite) << ".\n";
      suite = &task.suite;
    }
    out << "  " << detail::terminal_text(task.name) << "  #";
    const char* sep = " ";
    for (const auto& [model, n] : it->second) {
      out << sep << detail::terminal_text(model->name);
      if (n > 1) out << " x" << n;
      sep = ", ";
    }
    out << "\n";
  }
}

void touch_shard_status_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (!file)
    throw ConfigError({"GTEST_SHARD_STATUS_FILE", 0, 0}, "", "cannot create '" + path + "': " + std::strerror(errno));
  std::fclose(file);
}

}  // namespace goodput
