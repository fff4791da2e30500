// SPDX-License-Identifier: MIT
// `goodput merge`: the shards of one evaluation, run on several machines or CI jobs, joined
// back into one results.json. The inputs must describe the same evaluation (same schema,
// tasks and models); the summary is recomputed from the runs with the same statistics the
// runner uses (StatsCollector), never averaged from the shards' summaries.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "goodput/commands.hpp"
#include "goodput/error.hpp"
#include "goodput/reporters.hpp"
#include "goodput/stats.hpp"
#include "reporters/terminal_text.hpp"

namespace goodput {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Input {
  std::string path;
  json doc;
};

[[noreturn]] void refuse(const std::string& path, const std::string& message) {
  throw ConfigError({path, 0, 0}, "", "refusing to merge: " + message);
}

const json& member(const json& object, const char* key) {
  static const json k_null;
  if (!object.is_object()) return k_null;
  const auto it = object.find(key);
  return it == object.end() ? k_null : *it;
}

Input read_input(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError({path, 0, 0}, "", "cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  Input input{path, nullptr};
  try {
    input.doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw ConfigError({path, 0, 0}, "", std::string("is not valid JSON: ") + e.what());
  }
  if (member(input.doc, "kind") != "goodput.results")
    throw ConfigError({path, 0, 0}, "", "is not a goodput results file (no \"kind\": \"goodput.results\")");
  if (!member(input.doc, "models").is_array() || !member(input.doc, "tasks").is_array() || !member(input.doc, "runs").is_array())
    throw ConfigError({path, 0, 0}, "", "has no models, tasks or runs array; is it complete?");
  return input;
}

std::map<std::string, json> by_key(const json& list, const char* key) {
  std::map<std::string, json> out;
  for (const auto& item : list) out[member(item, key).is_string() ? member(item, key).get<std::string>() : ""] = item;
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
void compare_lists(const Input& first, const Input& other, const char* list, const char* key, const std::vector<const char*>& fields,
                   const char* what) {
  const auto a = by_key(member(first.doc, list), key);
  const auto b = by_key(member(other.doc, list), key);
  if (a.size() != b.size() || names_only_in(a, b) != "none")
    refuse(other.path, std::string("its ") + list + " differ from " + first.path + "'s: only in " + first.path + ": " +
                           names_only_in(a, b) + "; only in " + other.path + ": " + names_only_in(b, a));
  for (const auto& [name, x] : a) {
    const json& y = b.at(name);
    for (const char* field : fields) {
      if (std::string_view(field) == "base_url" && member(x, "simulated") == true && member(y, "simulated") == true) continue;
      if (member(x, field) != member(y, field))
        refuse(other.path, std::string(what) + " '" + name + "' differs from " + first.path + "'s: " + field + " " +
                               member(y, field).dump() + " vs " + member(x, field).dump());
    }
  }
}

std::optional<double> number(const json& object, const char* key) {
  const json& v = member(object, key);
  if (!v.is_number()) return std::nullopt;
  return v.get<double>();
}

// The latency limits the runs' goodput was measured against (results.json "slo"), or none.
std::optional<Slo> slo_from_json(const std::string& path, const json& slo) {
  if (slo.is_null()) return std::nullopt;
  if (!slo.is_object()) throw ConfigError({path, 0, 0}, "slo", "must be an object or null");
  const auto limit = [&](const char* key) -> std::optional<double> {
    const json& v = member(slo, key);
    if (v.is_null()) return std::nullopt;
    if (!v.is_number()) throw ConfigError({path, 0, 0}, "slo", std::string(key) + " must be a number or null");
    return v.get<double>();
  };
  Slo out;
  out.ttft_s = limit("ttft_s");
  out.first_answer_s = limit("first_answer_s");
  out.e2e_s = limit("e2e_s");
  return out;
}

// The figures the statistics read, from a run as to_json(RunRecord) wrote it.
RunFigures figures_from_json(const std::string& path, const json& run) {
  RunFigures f;
  const json& verdict = member(run, "verdict");
  if (verdict == "pass")
    f.verdict = Verdict::pass;
  else if (verdict == "fail")
    f.verdict = Verdict::fail;
  else if (verdict == "error")
    f.verdict = Verdict::error;
  else if (verdict == "truncated")
    f.verdict = Verdict::truncated;
  else
    throw ConfigError({path, 0, 0}, "runs", "a run has no verdict pass, fail, truncated or error: " + verdict.dump());
  f.truncated = member(run, "stop_reason") == "length";
  const json& client = member(run, "client");
  f.metrics.ttft_s = number(client, "ttft_s");
  f.metrics.time_to_first_answer_s = number(client, "time_to_first_answer_s");
  f.metrics.e2e_s = number(client, "e2e_s");
  f.metrics.decode_tps = number(client, "decode_tps");
  const json& tokens = member(run, "tokens");
  if (member(tokens, "completion").is_number_integer()) f.completion_tokens = member(tokens, "completion").get<std::int64_t>();
  f.tokens_estimated = member(tokens, "completion_estimated") == true;
  const json& figures = member(member(run, "server"), "figures");
  f.server.ttft_s = number(figures, "ttft_s");
  f.server.prompt_s = number(figures, "prompt_s");
  f.server.decode_s = number(figures, "decode_s");
  f.server.decode_tps = number(figures, "decode_tps");
  f.server.load_s = number(figures, "load_s");
  if (const json& retries = member(run, "retries"); retries.is_array()) f.retries = static_cast<int>(retries.size());
  return f;
}

using RunKey = std::tuple<std::string, std::string, std::int64_t>;  // model, task, sample

RunKey key_of(const std::string& path, const json& run) {
  const json& model = member(run, "model");
  const json& task = member(run, "task");
  const json& sample = member(run, "sample");
  if (!model.is_string() || !task.is_string() || !sample.is_number_integer())
    throw ConfigError({path, 0, 0}, "runs", "a run lacks its model, task or sample");
  return {model.get<std::string>(), task.get<std::string>(), sample.get<std::int64_t>()};
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  return fs::weakly_canonical(a, ec1) == fs::weakly_canonical(b, ec2) && !ec1 && !ec2;
}

void write_atomically(const std::string& path, const json& head, const std::vector<const json*>& runs) {
  // The layout results.json has: the head, then one run per line, so merged files read and
  // diff like the originals.
  std::string text = head.dump(2, ' ', false, json::error_handler_t::replace);
  text.pop_back();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  text += ",\n  \"runs\": [";
  bool first = true;
  for (const json* run : runs) {
    text += (first ? "\n    " : ",\n    ") + run->dump(-1, ' ', false, json::error_handler_t::replace);
    first = false;
  }
  text += first ? "]\n}\n" : "\n  ]\n}\n";

  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + ec.message());
}

}  // namespace

int merge_command(const MergeCommandOptions& options) {
  try {
    if (options.inputs.empty()) throw ConfigError({"goodput merge", 0, 0}, "", "name at least one input results file");
    for (const auto& in : options.inputs)
      if (same_file(in, options.output))
        throw ConfigError({options.output, 0, 0}, "", "is also an input; write the merged results to another file");
    // `goodput merge a.json b.json` (output forgotten) would overwrite a shard's results.
    if (fs::exists(options.output)) {
      std::ifstream in(options.output, std::ios::binary);
      const json existing = json::parse(in, nullptr, false);
      if (member(existing, "kind") == "goodput.results" && member(existing, "merged_from").is_null())
        throw ConfigError({options.output, 0, 0}, "",
                          "already holds the results of a run (not of a merge); not overwriting it. Did you forget the "
                          "output file? goodput merge OUT.json IN1.json IN2.json ...");
    }

    std::vector<Input> inputs;
    for (const auto& path : options.inputs) inputs.push_back(read_input(path));
    const Input& first = inputs.front();
    for (const auto& input : inputs) {
      if (member(input.doc, "schema_version") != member(first.doc, "schema_version"))
        refuse(input.path, "schema_version " + member(input.doc, "schema_version").dump() + " but " + first.path + " has " +
                               member(first.doc, "schema_version").dump() + "; merge files written by the same goodput");
      if (member(input.doc, "schema_version") != k_results_schema_version)
        refuse(input.path, "schema_version " + member(input.doc, "schema_version").dump() + "; this goodput reads " +
                               std::to_string(k_results_schema_version));
      compare_lists(first, input, "models", "name", {"base_url", "model", "params", "extra_body"}, "model");
      compare_lists(first, input, "tasks", "id", {"system", "prompt", "params", "repeat", "assertions"}, "task");
      if (member(input.doc, "slo") != member(first.doc, "slo"))
        refuse(input.path, "latency limits (--slo) " + member(input.doc, "slo").dump() + " but " + first.path + " used " +
                               member(first.doc, "slo").dump() + "; goodput would mix two definitions");
      if (member(input.doc, "repeat") != member(first.doc, "repeat"))
        refuse(input.path, "--repeat " + member(input.doc, "repeat").dump() + " but " + first.path + " used " +
                               member(first.doc, "repeat").dump());
    }

    std::set<std::string> model_names, task_ids;
    for (const auto& m : member(first.doc, "models")) model_names.insert(member(m, "name").get<std::string>());
    for (const auto& t : member(first.doc, "tasks")) task_ids.insert(member(t, "id").get<std::string>());

    std::map<RunKey, std::pair<const json*, const std::string*>> runs;
    StatsCollector stats(slo_from_json(first.path, member(first.doc, "slo")));
    for (const auto& input : inputs) {
      for (const auto& run : member(input.doc, "runs")) {
        const RunKey key = key_of(input.path, run);
        const auto& [model, task, sample] = key;
        if (!model_names.count(model) || !task_ids.count(task))
          throw ConfigError({input.path, 0, 0}, "runs", "a run of model '" + model + "', task '" + task + "' that the file does not list");
        const auto [it, inserted] = runs.emplace(key, std::make_pair(&run, &input.path));
        if (!inserted)
          refuse(input.path, "the run of model '" + model + "', task '" + task + "', sample " + std::to_string(sample) +
                                 " is also in " + *it->second.second + "; each run must come from exactly one shard");
        stats.add(model, task, figures_from_json(input.path, run));
      }
    }

    json head = first.doc;
    head.erase("runs");
    std::string started = member(first.doc, "started_at").is_string() ? member(first.doc, "started_at").get<std::string>() : "";
    std::string finished = member(first.doc, "finished_at").is_string() ? member(first.doc, "finished_at").get<std::string>() : "";
    bool interrupted = false;
    bool simulated = true;
    std::int64_t planned = 0;
    json merged_from = json::array();
    std::map<int, std::set<int>> shards;  // total -> indices seen
    for (const auto& input : inputs) {
      const json& doc = input.doc;
      // ISO 8601 UTC strings order as text.
      if (member(doc, "started_at").is_string()) started = std::min(started, member(doc, "started_at").get<std::string>());
      if (member(doc, "finished_at").is_string()) finished = std::max(finished, member(doc, "finished_at").get<std::string>());
      interrupted = interrupted || member(doc, "interrupted") == true;
      simulated = simulated && member(doc, "simulated") == true;
      if (member(doc, "planned_runs").is_number_integer()) planned += member(doc, "planned_runs").get<std::int64_t>();
      const json& shard = member(doc, "shard");
      if (shard.is_object()) shards[member(shard, "total").get<int>()].insert(member(shard, "index").get<int>());
      merged_from.push_back({{"file", input.path}, {"shard", shard}, {"runs", member(doc, "runs").size()},
                             {"planned_runs", member(doc, "planned_runs")}, {"interrupted", member(doc, "interrupted")},
                             {"started_at", member(doc, "started_at")}, {"command", member(doc, "command")}});
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
    head["summary"] = summary_to_json(stats);

    // Not refused, because a partial merge is still a correct account of the runs it holds;
    // but a missing shard must not go unnoticed.
    if (shards.size() > 1)
      std::cerr << "goodput merge: warning: the inputs come from shardings with different totals; some runs may be missing\n";
    for (const auto& [total, seen] : shards)
      for (int i = 0; i < total; ++i)
        if (!seen.count(i))
          std::cerr << "goodput merge: warning: shard " << i << "/" << total << " is not among the inputs; its runs are missing\n";

    std::vector<const json*> ordered;
    for (const auto& [key, entry] : runs) ordered.push_back(entry.first);
    write_atomically(options.output, head, ordered);
    std::cout << "goodput merge: " << ordered.size() << " runs from " << inputs.size() << " files -> " << options.output << "\n";
    return k_exit_all_passed;
  } catch (const ConfigError& e) {
    std::cerr << "goodput merge: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "goodput merge: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }
}

}  // namespace goodput
