// SPDX-License-Identifier: MIT
// The results model: a finished run as plain data. Who ran what (model, task, sample), the
// completion that came back, the verdict and each assertion's result, the figures the
// statistics read, and the fingerprint of what produced it. The runner produces these
// records; statistics, reporters, merge, compare and replay read them, and
// goodput/results_json.hpp is the one place that writes and reads them as files (results.json,
// journal lines, recordings).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/checkers/checker.hpp"
#include "goodput/completion.hpp"
#include "goodput/spec.hpp"
#include "goodput/task.hpp"  // Turn

namespace goodput {

// truncated: the token limit (stop reason `length`) cut the reasoning before any answer
// text: the model did not deliver within its budget, which says nothing about whether its
// answer would have been right (see judge() in runner.hpp).
enum class Verdict { pass, fail, error, truncated };
std::string_view to_string(Verdict verdict);
// The word to_string writes; nullopt for any other.
std::optional<Verdict> verdict_from_string(std::string_view word);

// Which run: the unit of scheduling, of the journal and of resumption. Orders as the
// results files list runs (model, task, sample).
struct RunKey {
  std::string model;  // the model's name
  std::string task;   // the task's id
  std::int64_t sample = 0;  // 0-based
  auto operator<=>(const RunKey&) const = default;
};

// One (model, task, sample) as the runner finished it.
struct RunRecord {
  const ModelSpec* model = nullptr;
  const TaskSpec* task = nullptr;
  int sample = 0;  // 0-based
  std::string started_at;  // UTC, ISO 8601
  Completion completion;  // for a C++ task case: its last ask()'s
  std::vector<checkers::CheckResult> checks;  // one per task assertion; empty on error
  // pass: every assertion passed; fail: one failed; error: the request did not complete or a
  // checker could not judge. An error is never a model failure. truncated: the token limit
  // cut the reasoning before any answer (no checker ran; one explanatory check).
  Verdict verdict = Verdict::error;
  // C++ task cases only: every ask() in order, and the assertion type of each check (YAML
  // tasks leave both empty: their types are the task's assertions).
  std::vector<Turn> turns;
  std::vector<std::string> check_types;
  // A weighted task's (is_weighted) share of its assertions' weight that passed, 0..1; unset
  // for other tasks and for runs with an error or no checks.
  std::optional<double> score;
  // What produced this result, flat and stable (server_probe.hpp make_fingerprint): dialect,
  // endpoint, model, server version, quantisation, context length, request parameters,
  // goodput's version. Null when the runner did not fill it in.
  nlohmann::json fingerprint = nullptr;
  // The assertion type that produced checks[i] ("contains").
  const std::string& check_type(std::size_t i) const {
    return i < check_types.size() ? check_types[i] : task->assertions[i].type;
  }
  RunKey key() const { return {model->name, task->id(), sample}; }
};

// The unmeasured request sent to a model before its runs when ModelSpec::warmup is set: its
// time is the model's load time, reported apart and never mixed into the run statistics.
struct WarmupResult {
  std::optional<double> e2e_s;   // request sent -> last token (or the end of the reply)
  std::optional<double> ttft_s;
  std::string error;             // empty when the request completed
};

// What the statistics read from one finished run, whether it was just run (RunRecord) or
// read back from a file (StoredRun): both go through figures_of, so every statistic has one
// definition whatever the source.
struct RunFigures {
  Verdict verdict = Verdict::error;
  bool truncated = false;  // stop reason `length`
  Metrics metrics;
  // The time the user waited for this run: end-to-end, or when no token arrived (an empty
  // answer) the time until the stream ended; nullopt when neither was measured.
  std::optional<double> wait_s;
  std::optional<std::int64_t> completion_tokens;
  bool tokens_estimated = false;  // the completion count was estimated by the client
  ServerFigures server;  // what the server reported for this run, beside the client's figures
  int retries = 0;       // failed attempts retried before this run's completion
  std::vector<IgnoredFigure> ignored_server_figures;  // left out of `server` and the tokens as implausible
  PromptCacheClass prompt_cache = PromptCacheClass::unknown;  // from the cached tokens the server reported
};
// A run's class from its completion: cached tokens against the prompt's (usage, else the server's count).
PromptCacheClass prompt_cache_of(const Completion& completion);
RunFigures figures_of(Verdict verdict, const Completion& completion);
inline RunFigures figures_of(const RunRecord& run) { return figures_of(run.verdict, run.completion); }

// A finished run read back from a results file or a journal (results_json.hpp read_stored_run):
// which run it was, its verdict and its completion as the file holds it.
struct StoredRun {
  RunKey key;
  Verdict verdict = Verdict::error;
  Completion completion;
  RunFigures figures() const { return figures_of(verdict, completion); }
};

}  // namespace goodput
