// SPDX-License-Identifier: MIT
// The one place the results model (goodput/results.hpp) becomes files and comes back from
// them: journal lines, results.json (runs, models, tasks and its layout; the summary's
// statistics are goodput/stats_json.hpp's) and recordings (`--record` / `--replay`). The journal and results reporters, the recording
// reporter, `goodput merge`, `goodput compare` and the replay provider all go through here, so
// a field has one name and one meaning whoever reads or writes it.
//
// A Completion has one JSON shape, the journal's: a run's line is its completion's fields
// (error, client, tokens, stop_reason, server_stop_reason, server, answer, reasoning, retries)
// beside the run's own (model, task, sample, verdict, checks...). A recording stores each
// turn's completion in that same shape, with the few fields only a replay needs and the
// journal leaves out (CompletionDetail::replayable).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/reporter.hpp"  // Plan
#include "goodput/results.hpp"
#include "goodput/spec.hpp"

namespace goodput {

// ---- a completion and a run ----

namespace detail {
// Shared with goodput/stats_json.hpp, so every results.json field reads and writes alike.
nlohmann::json optional_number(std::optional<double> v);  // null when unset or not finite
// object[key], or null when `object` is not an object or has no such key.
const nlohmann::json& member(const nlohmann::json& object, const char* key);
}  // namespace detail

enum class CompletionDetail {
  journal,     // what a journal line and results.json carry
  replayable,  // also client.answer_chunks, server.version and server.model_info
};
nlohmann::json completion_to_json(const Completion& completion, CompletionDetail detail = CompletionDetail::journal);
// Reads what completion_to_json wrote, from a completion or from a whole run line (a run's
// line holds its completion's fields). Lenient: an absent field stays unset, so hand-written
// files read too. The client figures are taken as written, and the stream times rebuilt from
// them (metrics.cpp defines ttft = first token, e2e = last token).
Completion completion_from_json(const nlohmann::json& j);

// One run as a journal line / results.json entry. Never contains an API key.
nlohmann::json to_json(const RunRecord& run);
// `j` on one line; invalid UTF-8 from a model becomes U+FFFD, so a run can always be written.
std::string to_line(const nlohmann::json& j);
std::string journal_line(const RunRecord& run);  // to_line(to_json(run)) and a line break
// A journal line read back as the run it records, for `--resume` to report the runs it does
// not redo: `model` and `task` are the ones the line names. Its checks, verdict, completion and
// fingerprint are as written (a C++ task case's turns are not: the line keeps them in brief).
RunRecord run_record_from_json(const nlohmann::json& line, const ModelSpec& model, const TaskSpec& task);
// A run of results.json (or a journal line) read back. Throws ConfigError naming `path`
// when the run lacks its model, task or sample, or has no known verdict.
StoredRun read_stored_run(const nlohmann::json& run, const std::string& path);

// ---- results.json ----

inline constexpr const char* k_results_kind = "goodput.results";
// results.json's "schema_version": raised when a field changes meaning or goes away.
inline constexpr int k_results_schema_version = 1;

// A model's settings as results.json's "models" entries and a recording's meta.json hold them
// (api_key_env is the variable's name, never the key).
nlohmann::json model_to_json(const ModelSpec& model);
nlohmann::json task_to_json(const TaskSpec& task);  // results.json's "tasks" entries
nlohmann::json warmup_to_json(const WarmupResult& warmup);

// A results.json read whole. Throws ConfigError naming the file when it cannot be read, is
// not JSON, is not a goodput results file or lacks its models, tasks or runs.
struct ResultsFile {
  std::string path;
  nlohmann::json doc;
  // doc[key], or null when the file has no such field.
  const nlohmann::json& field(const char* key) const;
  const nlohmann::json& models() const { return field("models"); }
  const nlohmann::json& tasks() const { return field("tasks"); }
  const nlohmann::json& runs() const { return field("runs"); }
  std::vector<StoredRun> stored_runs() const;  // read_stored_run of each run
};
ResultsFile read_results_file(const std::string& path);
// Refuses ("refusing to <verb>: ...", ConfigError) files of two schemas, or of a schema this
// goodput does not read.
void check_same_schema(const ResultsFile& first, const ResultsFile& other, const std::string& verb);

// results.json's big parts, each handed over one piece at a time when the writer reaches it
// (false when none is left), so that a run of many tasks never holds one of them whole.
// The next run of a results file, already one line of JSON.
using RunLineSource = std::function<bool(std::string& line)>;
// The next "tasks" entry (task_to_json).
using TaskEntrySource = std::function<bool(nlohmann::json& task)>;
// The next member of an object: its key and its value.
using MemberSource = std::function<bool(std::string& key, nlohmann::json& value)>;
// A model's entry of the "summary": its own figures ("tasks" left out), and then its tasks'
// figures by task id.
struct SummaryModel {
  std::string name;
  nlohmann::json figures;
  MemberSource tasks;
};
// The next model of the "summary" (goodput/stats_json.hpp's summary_source).
using SummaryModelSource = std::function<bool(SummaryModel& model)>;

// Everything results.json holds. A source left empty writes an empty object or array.
struct ResultsContent {
  nlohmann::json head;         // an object: every field but the three below
  SummaryModelSource summary;  // "summary"
  TaskEntrySource tasks;       // "tasks"
  RunLineSource runs;          // "runs"
};
// Writes results.json as goodput lays it out, the one place that knows it: an object as
// nlohmann's dump(2) lays it out (keys in order, "summary" and "tasks" among the head's and a
// model's "tasks" among its figures), then the runs last, one per line, so files read and diff
// alike whoever wrote them. Each piece is written as it comes and let go. Written to PATH.tmp
// and renamed, so a reader never sees half a file. Throws std::runtime_error when it cannot,
// std::invalid_argument when `head` holds one of the parts given apart.
void write_results_file(const std::string& path, const ResultsContent& content);

// ---- recordings (`goodput run --record DIR`, `--replay DIR`) ----
//
// DIR/meta.json        {"schema", "repeat", "models": [model_to_json + reasoning_effort,
//                      system_role], "tasks": [{"id", "system", "prompt", "cpp"}]}, written
//                      when the evaluation starts
// DIR/recording.jsonl  one line per finished run, appended and flushed as it finishes:
//                      {"model", "task", "sample", "verdict", "turns": [{"system", "prompt",
//                      "conversation", "messages", "completion": {...}}]} — one turn for a YAML
//                      task, every ask() in order for a C++ task case.
// Schema 2 stores completions in the one shape (completion_to_json, replayable); schema 1
// (before) had a shape of its own, still read so that old recordings replay.

inline constexpr const char* k_recording_schema = "goodput.recording/2";

struct RecordedTurn {
  std::string system;
  std::string prompt;
  Completion completion;
};

struct Recording {
  std::string dir;
  std::vector<ModelSpec> models;
  std::map<RunKey, std::vector<RecordedTurn>> runs;  // the requests of each run, in order
};

nlohmann::json recording_meta(const Plan& plan);   // DIR/meta.json
std::string recording_line(const RunRecord& run);  // one line of DIR/recording.jsonl, with its line break

// Reads DIR/meta.json and DIR/recording.jsonl. The models come back as recorded, except that
// they point at no server (base_url "replay:DIR") and do not warm up. Throws ConfigError when
// DIR holds no recording or a line cannot be read (naming the file and line); a last line cut
// by an interrupted recording is left out.
std::shared_ptr<const Recording> read_recording(const std::string& dir);

}  // namespace goodput
