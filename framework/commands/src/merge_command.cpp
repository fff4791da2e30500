// SPDX-License-Identifier: MIT
// `goodput merge`: the shards of one evaluation, run on several machines or CI jobs, joined
// back into one results.json. The inputs must describe the same evaluation (same schema,
// tasks and models); the summary is recomputed from the runs with the same statistics the
// runner uses (StatsCollector), never averaged from the shards' summaries. The files are read
// and written by results_json.hpp, as the results reporter writes them.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "goodput/commands.hpp"
#include "goodput/error.hpp"
#include "goodput/results_json.hpp"
#include "goodput/stats.hpp"
#include "goodput/stats_json.hpp"
#include "goodput/terminal_text.hpp"
#include "json_reading.hpp"

namespace goodput {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& message) {
  throw ConfigError({path, 0, 0}, "", "refusing to merge: " + message);
}

using detail::field_of;
using detail::text_of;

std::map<std::string, json> by_key(const json& list, const char* key) {
  std::map<std::string, json> out;
  for (const auto& item : list) out[item.is_object() ? text_of(item.value(key, json())) : ""] = item;
  return out;
}

std::string names_only_in(const std::map<std::string, json>& a, const std::map<std::string, json>& b) {
  std::string out;
  for (const auto& [name, item] : a)
    if (!b.count(name)) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

// Same set of names, and each entry equal in `fields`. A simulated model's base_url is left
// out: `--sim` starts the simulator on a new loopback port in every shard.
void compare_lists(const ResultsFile& first, const ResultsFile& other, const char* list, const char* key,
                   const std::vector<const char*>& fields, const char* what) {
  const auto a = by_key(first.field(list), key);
  const auto b = by_key(other.field(list), key);
  if (a.size() != b.size() || names_only_in(a, b) != "none")
    refuse(other.path, std::string("its ") + list + " differ from " + first.path + "'s: only in " + first.path + ": " +
                           names_only_in(a, b) + "; only in " + other.path + ": " + names_only_in(b, a));
  for (const auto& [name, x] : a) {
    const json& y = b.at(name);
    for (const char* field : fields) {
      if (std::string_view(field) == "base_url" && field_of(x, "simulated") == true && field_of(y, "simulated") == true) continue;
      if (field_of(x, field) != field_of(y, field))
        refuse(other.path, std::string(what) + " '" + name + "' differs from " + first.path + "'s: " + field + " " +
                               field_of(y, field).dump() + " vs " + field_of(x, field).dump());
    }
  }
}

// The inputs must be shards of one evaluation.
void check_inputs_belong_together(const std::vector<ResultsFile>& inputs) {
  const ResultsFile& first = inputs.front();
  for (const auto& input : inputs) {
    check_same_schema(first, input, "merge");
    compare_lists(first, input, "models", "name", {"base_url", "model", "params", "extra_body"}, "model");
    compare_lists(first, input, "tasks", "id", {"system", "prompt", "params", "repeat", "assertions"}, "task");
    if (input.field("slo") != first.field("slo"))
      refuse(input.path, "latency limits (--slo) " + input.field("slo").dump() + " but " + first.path + " used " +
                             first.field("slo").dump() + "; goodput would mix two definitions");
    if (input.field("repeat") != first.field("repeat"))
      refuse(input.path, "--repeat " + input.field("repeat").dump() + " but " + first.path + " used " + first.field("repeat").dump());
  }
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  return fs::weakly_canonical(a, ec1) == fs::weakly_canonical(b, ec2) && !ec1 && !ec2;
}

// `goodput merge a.json b.json` (output forgotten) would overwrite a shard's results.
void check_output(const MergeCommandOptions& options) {
  if (options.inputs.empty()) throw ConfigError({"goodput merge", 0, 0}, "", "name at least one input results file");
  for (const auto& in : options.inputs)
    if (same_file(in, options.output))
      throw ConfigError({options.output, 0, 0}, "", "is also an input; write the merged results to another file");
  if (!fs::exists(options.output)) return;
  std::ifstream in(options.output, std::ios::binary);
  const json existing = json::parse(in, nullptr, false);
  if (existing.is_object() && existing.value("kind", json()) == k_results_kind && existing.value("merged_from", json()).is_null())
    throw ConfigError({options.output, 0, 0}, "",
                      "already holds the results of a run (not of a merge); not overwriting it. Did you forget the "
                      "output file? goodput merge OUT.json IN1.json IN2.json ...");
}

// The union of the inputs' runs, each from exactly one shard, in results order (model, task,
// sample), and the statistics recomputed from them.
struct MergedRuns {
  std::map<RunKey, std::pair<const json*, const std::string*>> runs;  // the run as read, and its file
  StatsCollector stats;
};

MergedRuns merge_runs(const std::vector<ResultsFile>& inputs) {
  const ResultsFile& first = inputs.front();
  std::set<std::string> model_names, task_ids;
  for (const auto& m : first.models()) model_names.insert(text_of(field_of(m, "name")));
  for (const auto& t : first.tasks()) task_ids.insert(text_of(field_of(t, "id")));
  MergedRuns merged{{}, StatsCollector(slo_from_json(first.field("slo"), first.path))};
  for (const auto& input : inputs) {
    for (const auto& line : input.runs()) {
      const StoredRun run = read_stored_run(line, input.path);
      const auto& [model, task, sample] = run.key;
      if (!model_names.count(model) || !task_ids.count(task))
        throw ConfigError({input.path, 0, 0}, "runs", "a run of model '" + model + "', task '" + task + "' that the file does not list");
      const auto [it, inserted] = merged.runs.emplace(run.key, std::make_pair(&line, &input.path));
      if (!inserted)
        refuse(input.path, "the run of model '" + model + "', task '" + task + "', sample " + std::to_string(sample) +
                               " is also in " + *it->second.second + "; each run must come from exactly one shard");
      merged.stats.add(run);
    }
  }
  return merged;
}

// The first input's head, with what the merge changes: times spanning every shard, the union
// of their flags and counts, and where each shard came from. Its summary (recomputed), tasks
// and runs are written apart.
json merged_head(const MergeCommandOptions& options, const std::vector<ResultsFile>& inputs) {
  const ResultsFile& first = inputs.front();
  json head = first.doc;
  for (const char* part : {"summary", "tasks", "runs"}) head.erase(part);
  std::string started = text_of(first.field("started_at"));
  std::string finished = text_of(first.field("finished_at"));
  bool interrupted = false;
  bool simulated = true;
  std::int64_t planned = 0;
  json merged_from = json::array();
  for (const auto& input : inputs) {
    // ISO 8601 UTC strings order as text.
    if (input.field("started_at").is_string()) started = std::min(started, text_of(input.field("started_at")));
    if (input.field("finished_at").is_string()) finished = std::max(finished, text_of(input.field("finished_at")));
    interrupted = interrupted || input.field("interrupted") == true;
    simulated = simulated && input.field("simulated") == true;
    if (input.field("planned_runs").is_number_integer()) planned += input.field("planned_runs").get<std::int64_t>();
    merged_from.push_back({{"file", input.path}, {"shard", input.field("shard")}, {"runs", input.runs().size()},
                           {"planned_runs", input.field("planned_runs")}, {"interrupted", input.field("interrupted")},
                           {"started_at", input.field("started_at")}, {"command", input.field("command")}});
  }
  head["command"] = options.command_line;
  head["started_at"] = started;
  head["finished_at"] = finished;
  head["interrupted"] = interrupted;
  head["simulated"] = simulated;
  head["planned_runs"] = planned;
  head["journal"] = nullptr;  // each shard has its own; see merged_from
  head["shard"] = nullptr;
  head["shuffle_seed"] = nullptr;
  head["merged_from"] = std::move(merged_from);
  return head;
}

// Not refused, because a partial merge is still a correct account of the runs it holds; but a
// missing shard must not go unnoticed.
void warn_missing_shards(const std::vector<ResultsFile>& inputs) {
  std::map<int, std::set<int>> shards;  // total -> indices seen
  for (const auto& input : inputs)
    if (const json& shard = input.field("shard"); shard.is_object()) shards[shard.at("total").get<int>()].insert(shard.at("index").get<int>());
  if (shards.size() > 1)
    std::cerr << "goodput merge: warning: the inputs come from shardings with different totals; some runs may be missing\n";
  for (const auto& [total, seen] : shards)
    for (int i = 0; i < total; ++i)
      if (!seen.count(i))
        std::cerr << "goodput merge: warning: shard " << i << "/" << total << " is not among the inputs; its runs are missing\n";
}

}  // namespace

int merge_command(const MergeCommandOptions& options) {
  try {
    check_output(options);
    std::vector<ResultsFile> inputs;
    for (const auto& path : options.inputs) inputs.push_back(read_results_file(path));
    check_inputs_belong_together(inputs);
    const MergedRuns merged = merge_runs(inputs);
    json head = merged_head(options, inputs);
    warn_missing_shards(inputs);

    const json& tasks = inputs.front().tasks();
    auto next_task = tasks.begin();
    auto next_run = merged.runs.begin();
    write_results_file(options.output, {std::move(head), summary_source(merged.stats),
                                        [&](json& task) {
                                          if (next_task == tasks.end()) return false;
                                          task = *next_task++;
                                          return true;
                                        },
                                        [&](std::string& line) {
                                          if (next_run == merged.runs.end()) return false;
                                          line = to_line(*(next_run++)->second.first);
                                          return true;
                                        }});
    std::cout << "goodput merge: " << merged.runs.size() << " runs from " << inputs.size() << " files -> " << options.output << "\n";
    return k_exit_all_passed;
  } catch (const std::exception& e) {
    std::cerr << "goodput merge: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }
}

}  // namespace goodput
