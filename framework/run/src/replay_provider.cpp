// SPDX-License-Identifier: MIT
#include "goodput/replay_provider.hpp"

#include <optional>
#include <string>

namespace goodput::detail {

namespace {

using Json = nlohmann::json;

Completion error_completion(std::string message) {
  Completion c;
  c.error.kind = ErrorKind::bad_response;
  c.error.message = std::move(message);
  return c;
}

// The model's own dialect, for its request bodies. The key is not needed to build a body, and
// a replay must not need it.
std::unique_ptr<Provider> keyless_dialect(const ModelSpec& model) {
  ModelSpec keyless = model;
  keyless.api_key_env.clear();
  try {
    return make_provider(keyless);
  } catch (const std::exception&) {
    return nullptr;
  }
}

class ReplayProvider final : public Provider {
 public:
  // `run`: the run this provider answers; none for a worker's provider, which answers nothing.
  ReplayProvider(std::shared_ptr<const Recording> recording, const ModelSpec& model, std::optional<RunKey> run)
      : m_recording(std::move(recording)), m_model(model), m_run(std::move(run)), m_dialect(keyless_dialect(model)) {}

  Completion complete(const CompletionRequest& request, const std::atomic<bool>* /*cancel*/) override {
    if (!m_run) return error_completion("replay: a request outside any run has no recorded answer");
    // A C++ task case's asks arrive in order: the n-th request gets the n-th recorded turn.
    const std::size_t turn_index = m_turns_asked++;
    const std::string what = "model '" + m_run->model + "', task " + m_run->task + ", sample " + std::to_string(m_run->sample);
    const auto it = m_recording->runs.find(*m_run);
    if (it == m_recording->runs.end())
      return error_completion("replay: the recording in " + m_recording->dir + " has no run for " + what +
                              " (record it with --record, or replay only what was recorded: same tasks, --repeat, --filter)");
    if (turn_index >= it->second.size())
      return error_completion("replay: the recording in " + m_recording->dir + " has " + std::to_string(it->second.size()) +
                              " request(s) for " + what + ", and the task case now asks more");
    const RecordedTurn& turn = it->second[turn_index];
    std::string system;
    std::string prompt;
    for (const auto& message : request.messages) {
      if (message.role == "user") prompt = message.content;
      if (message.role == "system" && system.empty()) system = message.content;
    }
    if (prompt != turn.prompt || system != turn.system)
      return error_completion("replay: " + what + " was recorded for a different prompt (the task's " +
                              (prompt != turn.prompt ? "prompt" : "system message") +
                              " changed since the recording; record it again)");
    return turn.completion;
  }

  // The request body the model's own dialect would send, for the runs' fingerprints.
  Json request_body(const CompletionRequest& request) const override {
    if (m_dialect) {
      CompletionRequest as_recorded = request;  // no server to probe: the recording says what was sent
      as_recorded.no_prompt_cache = m_model.replay_cache_prompt_off;
      return m_dialect->request_body(as_recorded);
    }
    Json messages = Json::array();
    for (const auto& m : request.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
    return {{"model", m_model.model}, {"messages", messages}, {"params", request.params}};
  }

 private:
  std::shared_ptr<const Recording> m_recording;
  ModelSpec m_model;
  std::optional<RunKey> m_run;
  std::size_t m_turns_asked = 0;
  std::unique_ptr<Provider> m_dialect;  // may be null: an unknown dialect
};

}  // namespace

std::unique_ptr<Provider> make_replay_provider(std::shared_ptr<const Recording> recording, const ModelSpec& model) {
  return std::make_unique<ReplayProvider>(std::move(recording), model, std::nullopt);
}

std::unique_ptr<Provider> make_replay_run_provider(std::shared_ptr<const Recording> recording, const PlannedRun& run) {
  return std::make_unique<ReplayProvider>(std::move(recording), *run.model, RunKey{run.model->name, run.task->id(), run.sample});
}

}  // namespace goodput::detail
