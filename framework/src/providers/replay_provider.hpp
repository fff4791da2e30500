// SPDX-License-Identifier: MIT
// Record and replay (`goodput run --record DIR`, `--replay DIR`). Recording keeps every
// completion of an evaluation with its timing; replaying answers each (model, task, sample)
// with the recorded completion instead of asking a server, so checkers can be changed and
// gates tested in CI without a model, and an expensive evaluation can be re-scored.
//
// DIR/meta.json    the models (every setting but the key itself) and the tasks with their
//                  text, written when the evaluation starts
// DIR/recording.jsonl  one line per finished run, appended and flushed as it finishes:
//                  {"model", "task", "sample", "verdict", "turns": [{"system", "prompt",
//                  "conversation", "messages", "completion": {...}}]} — one turn for a YAML
//                  task, every ask() in order for a C++ task case.
// Private to framework/.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/completion.hpp"
#include "goodput/provider.hpp"
#include "goodput/runner.hpp"
#include "goodput/spec.hpp"

namespace goodput::detail {

inline constexpr const char* k_recording_schema = "goodput.recording/1";

// Every field of a Completion needed to rebuild it (metrics are recomputed from the times
// and token counts, by the one definition in metrics.cpp).
nlohmann::json completion_to_json(const Completion& c);
Completion completion_from_json(const nlohmann::json& j);  // throws nlohmann::json::exception

struct RecordedTurn {
  std::string system;
  std::string prompt;
  Completion completion;
};

struct Recording {
  std::string dir;
  std::vector<ModelSpec> models;
  // (model name, task id, sample) -> the requests of that run, in order.
  std::map<std::tuple<std::string, std::string, int>, std::vector<RecordedTurn>> runs;
};

// Reads DIR/meta.json and DIR/recording.jsonl. The models come back as recorded, except that
// they point at no server (base_url "replay:DIR") and do not warm up. Throws ConfigError when
// DIR holds no recording or a line cannot be read (naming the file and line).
std::shared_ptr<const Recording> load_recording(const std::string& dir);

// Answers every request of the run in progress (goodput::current_run()) with its recorded
// completion. A run the recording lacks, or whose prompt differs from the recorded one, comes
// back as an error completion saying so.
std::unique_ptr<Provider> make_replay_provider(std::shared_ptr<const Recording> recording, const ModelSpec& model);

// Writes DIR/meta.json at on_plan and appends one line to DIR/recording.jsonl per finished
// run. Throws ConfigError when DIR cannot be created or already holds a recording.
std::unique_ptr<Reporter> make_recording_reporter(const std::string& dir);

}  // namespace goodput::detail
