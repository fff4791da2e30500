// SPDX-License-Identifier: MIT
#include "resume.hpp"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>

#include "goodput/error.hpp"
#include "goodput/journal_file.hpp"
#include "goodput/results_json.hpp"

namespace goodput::detail {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* k_resume_kind = "goodput.resume";
constexpr int k_resume_schema = 1;

fs::path resume_path(const std::string& dir) { return fs::path(dir) / "resume.json"; }
// Apart from resume.json, so that saving them does not read and rewrite a file that lists
// every task (10,000 tasks: megabytes of JSON).
fs::path fingerprints_path(const std::string& dir) { return fs::path(dir) / "fingerprints.json"; }
std::string journal_path_of(const std::string& dir) { return (fs::path(dir) / "journal.jsonl").string(); }

// Written to a temporary file and renamed, so a kill leaves the old file or the new one.
void write_atomically(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    write(out);
    out.close();
    if (!out) throw ConfigError({tmp.string(), 0, 0}, "--output-dir", "cannot be written");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw ConfigError({path.string(), 0, 0}, "--output-dir", "cannot be written: " + ec.message());
}

void write_json_atomically(const fs::path& path, const Json& doc) {
  write_atomically(path, [&](std::ostream& out) { out << doc.dump(2, ' ', false, Json::error_handler_t::replace) << "\n"; });
}

Json read_resume_file(const std::string& dir) {
  const fs::path path = resume_path(dir);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ConfigError({dir, 0, 0}, "--resume",
                      "holds no resume.json, so there is no run to resume here (every `goodput run` writes one before its "
                      "first request); start the run again with -o " + dir);
  // Parsed from the stream: 10,000 tasks make a file of ~5 MB, not to be held twice as text.
  Json doc = Json::parse(in, nullptr, false);
  if (!doc.is_object() || doc.value("kind", "") != k_resume_kind || doc.value("schema", 0) != k_resume_schema)
    throw ConfigError({path.string(), 0, 0}, "", "is not a resume file of this goodput (kind goodput.resume, schema 1)");
  return doc;
}

// FNV-1a: a change anywhere in a task file (an assertion's expected value is not in
// task_to_json) is seen, cheaply and the same on every platform.
std::string digest_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::uint64_t hash = 14695981039346656037ULL;
  char buffer[1 << 14];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      hash ^= static_cast<unsigned char>(buffer[i]);
      hash *= 1099511628211ULL;
    }
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

Json task_files_of(const std::vector<TaskSpec>& tasks) {
  Json files = Json::object();
  for (const auto& t : tasks)
    if (!t.where.file.empty() && !files.contains(t.where.file)) files[t.where.file] = digest_of_file(t.where.file);
  return files;
}

Json models_of(const std::vector<ModelSpec>& models) {
  Json out = Json::array();
  for (const auto& m : models) out.push_back(model_to_json(m));
  return out;
}

// Fields not compared, and whether a null on either side is "not known" rather than a value.
struct Comparison {
  std::set<std::string> ignored;
  bool null_is_unknown = false;
};

// What differs between two objects, field by field: "prompt", "params ({..} -> {..})".
std::string changed_fields(const Json& before, const Json& now, const Comparison& how) {
  constexpr std::size_t k_shown = 60;
  const auto brief = [](const Json& v) {
    std::string text = v.dump(-1, ' ', false, Json::error_handler_t::replace);
    return text.size() > k_shown ? text.substr(0, k_shown) + "..." : text;
  };
  std::set<std::string> keys;
  for (const auto& [k, v] : before.items()) keys.insert(k);
  for (const auto& [k, v] : now.items()) keys.insert(k);
  std::string out;
  for (const auto& k : keys) {
    if (how.ignored.count(k)) continue;
    const Json& a = member(before, k.c_str());
    const Json& b = member(now, k.c_str());
    if (a == b || (how.null_is_unknown && (a.is_null() || b.is_null()))) continue;
    out += (out.empty() ? "" : ", ") + k + " (" + brief(a) + " -> " + brief(b) + ")";
  }
  return out;
}

// The entries of now, one at a time: the i-th of `count`.
struct EntrySource {
  std::size_t count = 0;
  std::function<Json(std::size_t)> at;
};
EntrySource entries_of(const Json& array) {
  return {array.is_array() ? array.size() : 0, [&array](std::size_t i) { return array[i]; }};
}

// Entries of two arrays matched by `key`: what was added, removed or changed. `now`'s entries
// are built one at a time (10,000 tasks are not a second JSON document beside resume.json's).
void compare_entries(const char* what, const char* key, const Json& before, const EntrySource& now, const Comparison& how,
                     std::vector<std::string>& changes) {
  std::map<std::string, const Json*> old_entries;
  if (before.is_array())
    for (const auto& e : before) old_entries[e.value(key, "")] = &e;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < now.count; ++i) {
    const Json e = now.at(i);
    const std::string name = e.value(key, "");
    seen.insert(name);
    const auto it = old_entries.find(name);
    if (it == old_entries.end()) {
      changes.push_back(std::string(what) + " " + name + " was added");
    } else if (std::string fields = changed_fields(*it->second, e, how); !fields.empty()) {
      changes.push_back(std::string(what) + " " + name + ": " + fields);
    }
  }
  for (const auto& [name, entry] : old_entries)
    if (!seen.count(name)) changes.push_back(std::string(what) + " " + name + " was removed");
}

// `simulated` is what the probe found (a server that was down is not known to be the
// simulator), not a setting; the simulator `--sim` starts listens on a new port each time.
Comparison model_comparison(bool in_process_sim, const char* endpoint_field) {
  Comparison how;
  how.ignored.insert("simulated");
  if (in_process_sim) how.ignored.insert(endpoint_field);
  return how;
}

[[noreturn]] void refuse(const std::string& dir, const std::vector<std::string>& changes, const std::string& what) {
  std::string list;
  for (const auto& c : changes) list += "\n  " + c;
  throw ConfigError({dir, 0, 0}, "--resume",
                    "refusing to resume: " + what + " changed since the run started:" + list +
                        "\nrestore them, or start a new run in another directory (-o)");
}

class RestoredRunsReporter final : public Reporter {
 public:
  RestoredRunsReporter(const Resumption& resumption, std::string journal_path, std::vector<Reporter*> targets)
      : m_resumption(resumption), m_journal_path(std::move(journal_path)), m_targets(std::move(targets)) {}

  void on_plan(const Plan& plan) override {
    std::map<std::string, const ModelSpec*> models;
    for (const auto& m : *plan.models) models[m.name] = &m;
    std::map<std::string, const TaskSpec*> tasks;
    for (const auto& t : *plan.tasks) tasks[t.id()] = &t;
    read_jsonl_lines(m_journal_path, [&](const std::string& text, int number) {
      const Json line = Json::parse(text, nullptr, false);
      const auto key = run_key_of(line);
      if (!key || !m_resumption.restored.count(*key) || m_resumption.last_line.at(*key) != number) return;
      const auto model = models.find(key->model);
      const auto task = tasks.find(key->task);
      if (model == models.end() || task == tasks.end()) return;
      const RunRecord run = run_record_from_json(line, *model->second, *task->second);
      for (auto* r : m_targets) r->on_run_end(run);
    });
  }

 private:
  const Resumption& m_resumption;
  std::string m_journal_path;
  std::vector<Reporter*> m_targets;
};

}  // namespace

RunCommandOptions resumed_options(const RunCommandOptions& given) {
  const std::string& dir = given.resume_dir;
  std::vector<std::string> extra;
  const auto flag = [&](bool set, const char* name) {
    if (set) extra.push_back(name);
  };
  flag(!given.task_paths.empty(), "task files");
  flag(!given.models_file.empty(), "--models");
  flag(!given.sim_profiles.empty(), "--sim");
  flag(!given.model_names.empty(), "--model");
  flag(given.repeat != 1, "--repeat");
  flag(!given.output_dir.empty(), "--output-dir");
  flag(given.replace_output, "--replace-output");
  flag(given.filter != "*", "--filter");
  flag(!given.shard.empty(), "--shard");
  flag(given.shuffle, "--shuffle");
  flag(given.seed.has_value(), "--seed");
  flag(given.list_tasks, "--list-tasks");
  flag(!given.junit_path.empty(), "--junit");
  flag(given.warmup, "--warmup");
  flag(!given.slo.empty(), "--slo");
  flag(!given.record_dir.empty(), "--record");
  flag(!given.replay_dir.empty(), "--replay");
  if (!extra.empty()) {
    std::string list;
    for (const auto& e : extra) list += (list.empty() ? "" : ", ") + e;
    throw ConfigError({"--resume", 0, 0}, "",
                      "takes the tasks, the models and every setting from " + resume_path(dir).string() + ": drop " + list);
  }
  const Json doc = read_resume_file(dir);
  const Json& o = member(doc, "options");
  RunCommandOptions options;
  try {
    options.task_paths = o.value("tasks", std::vector<std::string>{});
    options.models_file = o.value("models_file", "");
    options.sim_profiles = o.value("sim_profiles", std::vector<std::string>{});
    options.model_names = o.value("model_names", std::vector<std::string>{});
    options.repeat = o.value("repeat", 1);
    options.filter = o.value("filter", "*");
    options.shard = o.value("shard", "");
    options.shuffle = o.value("shuffle", false);
    if (options.shuffle) options.seed = o.value("seed", std::uint64_t{0});
    options.junit_path = o.value("junit", "");
    options.warmup = o.value("warmup", false);
    options.slo = o.value("slo", "");
    options.replay_dir = o.value("replay", "");
    options.record_dir = o.value("record", "");
  } catch (const Json::exception& e) {
    throw ConfigError({resume_path(dir).string(), 0, 0}, "options", std::string("cannot be read: ") + e.what());
  }
  if (!options.record_dir.empty())
    throw ConfigError({dir, 0, 0}, "--resume",
                      "this run was recorded (--record " + options.record_dir +
                          "); a recording cannot be resumed: start the run again with another -o and --record directory");
  // Paths were kept as given: relative ones name files from where the run started.
  const std::string cwd = doc.value("cwd", "");
  std::error_code ec;
  if (!cwd.empty() && fs::current_path(ec) != fs::path(cwd))
    throw ConfigError({dir, 0, 0}, "--resume",
                      "the run was started in " + cwd + " and its paths are relative to it: cd there and resume again");
  options.output_dir = dir;
  options.resume_dir = dir;
  options.command_line = given.command_line;
  options.color = given.color;
  options.html_path = given.html_path;  // where a report goes is no setting of the run: taken as given
  options.live = given.live;
  options.markdown_path = given.markdown_path;  // a summary of the whole run, wherever this resume is asked to put it
  options.step_summary_path = given.step_summary_path;
  return options;
}

void write_resume_file(const std::string& dir, const RunCommandOptions& options, const PlanOptions& plan,
                       const std::vector<TaskSpec>& tasks, const std::vector<ModelSpec>& models,
                       const std::vector<ModelSpec>& judges) {
  Json o = {{"tasks", options.task_paths},     {"models_file", options.models_file}, {"sim_profiles", options.sim_profiles},
            {"model_names", options.model_names}, {"repeat", options.repeat},        {"filter", options.filter},
            {"shard", plan.shard ? std::to_string(plan.shard->index) + "/" + std::to_string(plan.shard->total) : ""},
            {"shuffle", options.shuffle},       {"seed", plan.seed},                  {"junit", options.junit_path},
            {"warmup", options.warmup},         {"slo", options.slo},                 {"replay", options.replay_dir},
            {"record", options.record_dir}};
  std::error_code ec;
  const Json head = {{"kind", k_resume_kind},       {"schema", k_resume_schema},     {"cwd", fs::current_path(ec).string()},
                     {"command", options.command_line}, {"options", std::move(o)},
                     {"task_files", task_files_of(tasks)}, {"models", models_of(models)}, {"judges", models_of(judges)}};
  // The tasks last, one per line, each built and written in turn: 10,000 tasks are never
  // one JSON document in memory.
  write_atomically(resume_path(dir), [&](std::ostream& out) {
    std::string text = head.dump(2, ' ', false, Json::error_handler_t::replace);
    text.pop_back();  // the closing brace: the tasks come before it
    while (text.back() == '\n' || text.back() == ' ') text.pop_back();
    out << text << ",\n  \"tasks\": [";
    for (std::size_t i = 0; i < tasks.size(); ++i)
      out << (i == 0 ? "\n    " : ",\n    ") << to_line(task_to_json(tasks[i]));
    out << (tasks.empty() ? "]\n}\n" : "\n  ]\n}\n");
  });
}

Resumption prepare_resumption(const std::string& dir, const std::vector<TaskSpec>& tasks, const std::vector<ModelSpec>& models,
                              const std::vector<ModelSpec>& judges, bool in_process_sim) {
  Resumption r;
  r.dir = dir;
  r.saved = read_resume_file(dir);
  r.in_process_sim = in_process_sim;

  std::vector<std::string> changes;
  compare_entries("task", "id", member(r.saved, "tasks"), {tasks.size(), [&](std::size_t i) { return task_to_json(tasks[i]); }}, {},
                  changes);
  r.saved.erase("tasks");  // compared: not held through the run
  const Json models_now = models_of(models);
  compare_entries("model", "name", member(r.saved, "models"), entries_of(models_now), model_comparison(in_process_sim, "base_url"),
                  changes);
  // Another judge would grade the runs still to do otherwise than the ones in the journal.
  // (Run directories of earlier builds did not keep their judges.)
  const Json judges_now = models_of(judges);
  if (r.saved.contains("judges"))
    compare_entries("judge", "name", member(r.saved, "judges"), entries_of(judges_now), model_comparison(in_process_sim, "base_url"),
                    changes);
  if (changes.empty()) {
    // Same tasks as far as task_to_json sees; an assertion's parameters are only in the file.
    const Json& saved_files = member(r.saved, "task_files");
    const Json files = task_files_of(tasks);
    for (const auto& [file, digest] : files.items())
      if (member(saved_files, file.c_str()) != digest) changes.push_back("task file " + file + " was edited");
  }
  if (!changes.empty()) refuse(dir, changes, "the tasks, models or judges");

  const std::string journal = journal_path_of(dir);
  const JournalIndex index = index_journal(journal);
  if (index.scan.torn_bytes > 0) {
    std::cerr << torn_line_warning(journal, index.scan) << " and will be redone\n";
    std::error_code ec;
    fs::resize_file(journal, index.scan.whole_bytes, ec);
    if (ec) throw ConfigError({journal, 0, 0}, "--resume", "cannot cut off its torn last line: " + ec.message());
  }
  r.last_line = index.last_line;
  read_jsonl_lines(journal, [&](const std::string& text, int number) {
    const Json line = Json::parse(text, nullptr, false);
    const auto key = run_key_of(line);
    if (!key || index.last_line.at(*key) != number) return;
    if (member(line, "verdict") != "error") r.done.insert(*key);
  });
  return r;
}

std::vector<PlannedRun> runs_to_do(Resumption& resumption, const std::vector<PlannedRun>& runs) {
  std::vector<PlannedRun> todo;
  for (const auto& run : runs) {
    const RunKey key{run.model->name, run.task->id(), run.sample};
    if (resumption.done.count(key))
      resumption.restored.insert(key);
    else
      todo.push_back(run);
  }
  return todo;
}

void save_fingerprints(const std::string& dir, const Plan& plan) {
  Json fingerprints = Json::object();
  for (const auto& [name, f] : plan.fingerprints) fingerprints[name] = f;
  write_json_atomically(fingerprints_path(dir), fingerprints);
}

void check_fingerprints(const Resumption& resumption, Plan& plan) {
  plan.total_runs += resumption.restored.size();
  Json saved = member(resumption.saved, "fingerprints");  // where run directories of earlier builds keep them
  if (std::ifstream in(fingerprints_path(resumption.dir), std::ios::binary); in) {
    std::stringstream text;
    text << in.rdbuf();
    saved = Json::parse(text.str(), nullptr, false);
  }
  if (!saved.is_object()) {
    // Stopped before its servers were probed: what they are now is what the runs measure.
    save_fingerprints(resumption.dir, plan);
    return;
  }
  // Only a model with runs taken from the journal can mix two servers in one result; one whose
  // runs all ended in errors (its server was down) starts afresh.
  std::set<std::string> measured;
  for (const auto& key : resumption.restored) measured.insert(key.model);
  Json now = Json::array();
  Json before = Json::array();
  for (const auto& [name, f] : plan.fingerprints) {
    if (!measured.count(name)) continue;
    Json entry = f.is_object() ? f : Json::object();
    entry["name"] = name;
    now.push_back(std::move(entry));
  }
  for (const auto& [name, f] : saved.items()) {
    if (!measured.count(name)) continue;
    Json entry = f.is_object() ? f : Json::object();
    entry["name"] = name;
    before.push_back(std::move(entry));
  }
  // A server that was down then, or is now, says nothing about itself: not a change.
  Comparison how = model_comparison(resumption.in_process_sim, "endpoint");
  how.null_is_unknown = true;
  std::vector<std::string> changes;
  compare_entries("model", "name", before, entries_of(now), how, changes);
  if (!changes.empty()) refuse(resumption.dir, changes, "what the servers report (their fingerprints)");
}

std::unique_ptr<Reporter> make_restored_runs_reporter(const Resumption& resumption, const std::string& journal_path,
                                                      std::vector<Reporter*> targets) {
  return std::make_unique<RestoredRunsReporter>(resumption, journal_path, std::move(targets));
}

}  // namespace goodput::detail
