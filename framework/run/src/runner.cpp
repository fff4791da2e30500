// SPDX-License-Identifier: MIT
#include "goodput/runner.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <iostream>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "goodput/server_probe.hpp"
#include "goodput/terminal_text.hpp"
#include "goodput/provider.hpp"
#include "goodput/retrying_provider.hpp"
#include "cold_prompt_cache_provider.hpp"
#include "provider_judge.hpp"
#include "server_gate.hpp"

namespace goodput {

namespace {

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The output token limit the request asked for, as "max_tokens=N", when known. The models
// file's parameters override the task's (merged_params); the first name present wins.
std::string token_limit_of(const RunRecord& run) {
  for (const char* key : {"max_tokens", "max_completion_tokens", "n_predict", "num_predict"}) {
    for (const nlohmann::json* params : {run.model ? &run.model->params : nullptr, run.task ? &run.task->params : nullptr}) {
      if (!params || !params->is_object()) continue;
      const auto it = params->find(key);
      if (it != params->end() && it->is_number_integer()) return std::string(key) + "=" + std::to_string(it->get<std::int64_t>());
    }
  }
  return "";
}

}  // namespace

namespace {

// The Python the run's code ran on, as its checks found it (README "Python packages"), is part
// of what produced the result: results from machines with other versions are told apart.
void add_python_environment(RunRecord& run) {
  if (!run.fingerprint.is_object()) return;
  for (const auto& check : run.checks) {
    if (const auto python = check.facts.find("python"); python != check.facts.end()) run.fingerprint["python"] = python->second;
    if (const auto packages = check.facts.find("python packages"); packages != check.facts.end())
      run.fingerprint["python_packages"] = packages->second;
  }
}

}  // namespace

void judge(RunRecord& run) {
  checkers::CheckContext context;
  context.prompt = run.task->prompt;
  judge(run, context);
}

void judge(RunRecord& run, const checkers::CheckContext& context) {
  run.checks.clear();
  run.score.reset();
  if (!run.completion.ok()) {
    run.verdict = Verdict::error;
    return;
  }
  // A reasoning model that spent the whole budget thinking gave no answer to judge: that is
  // a truncation (raise the limit), not a wrong answer.
  const Completion& c = run.completion;
  if (c.stop_reason == StopReason::length && is_blank(c.answer) && !is_blank(c.reasoning)) {
    const std::string limit = token_limit_of(run);
    run.checks.push_back({checkers::Outcome::fail,
                          "the token limit" + (limit.empty() ? std::string() : " (" + limit + ")") +
                              " cut the reasoning before any answer; raise max_tokens"});
    run.verdict = Verdict::truncated;
    return;
  }
  bool failed = false;
  bool errored = false;
  double passed_weight = 0;
  double total_weight = 0;
  for (const auto& assertion : run.task->assertions) {
    checkers::CheckResult result;
    try {
      result = assertion.checker->check_in_context(run.completion, context);
    } catch (const std::exception& e) {
      result = {checkers::Outcome::error, assertion.type + ": the checker itself failed: " + e.what()};
    }
    failed = failed || result.outcome == checkers::Outcome::fail;
    errored = errored || result.outcome == checkers::Outcome::error;
    total_weight += assertion.weight;
    if (result.outcome == checkers::Outcome::pass) passed_weight += assertion.weight;
    run.checks.push_back(std::move(result));
  }
  // An error leaves the share unknown: the checks that could not judge might have passed.
  if (!errored && total_weight > 0 && is_weighted(*run.task)) run.score = passed_weight / total_weight;
  if (run.task->threshold && !errored) failed = *run.score < *run.task->threshold;
  run.verdict = errored ? Verdict::error : failed ? Verdict::fail : Verdict::pass;
}

namespace {

std::string utc_now_iso() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

using detail::Gate;

struct Job {
  const TaskSpec* task;
  int sample;
};

struct Event {
  bool started = false;  // else: finished
  RunRecord record;
};

class EventQueue {
 public:
  void push(Event event) {
    {
      std::lock_guard lock(m_mutex);
      m_events.push_back(std::move(event));
    }
    m_cv.notify_one();
  }
  // Waits for an event; returns nullopt once every producer is done and the queue is empty.
  std::optional<Event> pop() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return !m_events.empty() || m_producers == 0; });
    if (m_events.empty()) return std::nullopt;
    Event e = std::move(m_events.front());
    m_events.pop_front();
    return e;
  }
  void add_producer() {
    std::lock_guard lock(m_mutex);
    ++m_producers;
  }
  void producer_done() {
    {
      std::lock_guard lock(m_mutex);
      --m_producers;
    }
    m_cv.notify_all();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Event> m_events;
  int m_producers = 0;
};

CompletionRequest make_request(const TaskSpec& task, const ModelSpec& model) {
  CompletionRequest request;
  if (!task.system.empty()) request.messages.push_back({"system", task.system});
  request.messages.push_back({"user", task.prompt});
  request.params = merged_params(task, model);
  return request;
}

// The fingerprint probe is best effort: a slow or silent server costs at most this per GET.
constexpr double k_probe_timeout_s = 2;

// One short request ("Hello", max_tokens 1) so that loading the model is not measured as
// the first run's latency.
WarmupResult warm_up(Provider& provider, const ModelSpec& model, const std::atomic<bool>* cancel) {
  TaskSpec task;
  task.prompt = "Hello";
  CompletionRequest request;
  request.messages.push_back({"user", task.prompt});
  request.params = merged_params(task, model);
  request.params["max_tokens"] = 1;
  const Completion c = provider.complete(request, cancel);
  WarmupResult result;
  result.ttft_s = c.metrics.ttft_s;
  result.e2e_s = c.metrics.e2e_s ? c.metrics.e2e_s : std::optional<double>(c.times.end);
  if (!c.ok()) result.error = std::string(to_string(c.error.kind)) + ": " + c.error.message;
  return result;
}

// One Runner::run: the providers, server probes, per-server gates and worker threads of one
// evaluation. Runner::run calls the steps in order; the workers ask, this thread judges and
// reports.
class Session {
 public:
  Session(const std::vector<ModelSpec>& models, const std::vector<ModelSpec>& judges, const std::vector<PlannedRun>& runs,
          const ProviderFactory& make_provider, const RunProviderFactory& make_run_provider, const std::vector<Reporter*>& reporters,
          const std::atomic<bool>& interrupt)
      : m_models(models), m_judges(judges), m_make_provider(make_provider), m_make_run_provider(make_run_provider), m_reporters(reporters),
        m_interrupt(interrupt), m_jobs(models.size()), m_providers(models.size()), m_server_info(models.size()) {
    // Each model's runs, in plan order.
    for (const auto& r : runs) m_jobs[static_cast<std::size_t>(r.model - m_models.data())].push_back({r.task, r.sample});
    for (std::size_t m = 0; m < m_models.size(); ++m) m_next.push_back(std::make_unique<std::atomic<std::size_t>>(0));
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // First: a missing API key variable is a configuration error, before any request.
  void make_providers() {
    for (std::size_t m = 0; m < m_models.size(); ++m)
      for (int w = 0; w < m_models[m].concurrency; ++w) m_providers[m].push_back(make_worker_provider(m_models[m]));
    for (const auto& judge : m_judges) m_judge_providers.push_back(make_worker_provider(judge));
  }

  // Once per model, all at once: what the server says it is (best effort, never fails).
  void probe_servers() {
    std::vector<std::thread> probes;
    for (std::size_t m = 0; m < m_models.size(); ++m)
      probes.emplace_back([this, m] { m_server_info[m] = detail::probe_server_info(m_models[m], k_probe_timeout_s); });
    for (auto& t : probes) t.join();
    // prompt_cache: cold needs a switch only llama.cpp is known to take (a replay asks no server).
    for (std::size_t m = 0; m < m_models.size(); ++m) {
      if (m_models[m].prompt_cache_cold && m_server_info[m].takes_cache_prompt)
        for (auto& provider : m_providers[m]) provider = std::make_unique<detail::ColdPromptCacheProvider>(std::move(provider));
      if (m_models[m].prompt_cache_cold && !m_server_info[m].takes_cache_prompt && !m_jobs[m].empty() &&
          !m_providers[m].empty() && !m_models[m].base_url.starts_with("replay:"))
        std::cerr << "Note: " << detail::terminal_text(m_models[m].name)
                  << ": prompt_cache: cold cannot be guaranteed (the server did not identify as llama.cpp, the one "
                     "known to take cache_prompt: false); each run is classified cold or warm from the cached "
                     "tokens the server reports\n";
    }
  }

  // What each model is, as far as known before any run (from probing its server).
  void add_fingerprints(Plan& plan) const {
    for (std::size_t m = 0; m < m_models.size(); ++m)
      if (!m_providers[m].empty()) plan.fingerprints[m_models[m].name] = fingerprint(m, nullptr, nullptr);
  }

  // Two "models" that are one local GPU server with different settings share one gate.
  void make_gates() {
    std::map<std::string, int> slots;
    for (const auto* models : {&m_models, &m_judges})
      for (const auto& model : *models)
        if (!model.simulated) slots[server_endpoint(model)] = std::max(slots[server_endpoint(model)], model.concurrency);
    for (const auto& [url, n] : slots) m_gates[url] = std::make_unique<Gate>(n);
  }

  // After the gates: a judge holds its server's while it is asked.
  void make_judges() {
    for (std::size_t j = 0; j < m_judges.size(); ++j) {
      Gate* gate = m_judges[j].simulated ? nullptr : m_gates[server_endpoint(m_judges[j])].get();
      m_judge_models.push_back(std::make_unique<detail::ProviderJudge>(m_judges[j], std::move(m_judge_providers[j]), gate, &m_cancel));
    }
  }

  // Before any measured run, one model at a time (loading two models at once on one GPU would
  // measure neither).
  void warm_up_models() {
    for (std::size_t m = 0; m < m_models.size() && !m_interrupt.load(); ++m) {
      if (!m_models[m].warmup || m_providers[m].empty() || m_jobs[m].empty()) continue;
      const WarmupResult warmup = warm_up(*m_providers[m].front(), m_models[m], &m_interrupt);
      if (m_interrupt.load()) break;
      for (auto* r : m_reporters) r->on_warmup(m_models[m], warmup);
    }
  }

  void start_workers() {
    for (std::size_t m = 0; m < m_models.size(); ++m) {
      Gate* gate = m_models[m].simulated ? nullptr : m_gates[server_endpoint(m_models[m])].get();
      for (auto& provider : m_providers[m]) {
        m_queue.add_producer();
        m_workers.emplace_back([this, m, gate, p = provider.get()] { work(m, *p, gate); });
      }
    }
    m_watcher = std::thread([this] { watch_interrupt(); });
  }

  // On this thread until every worker is done: judging one run overlaps the next request.
  void deliver_events() {
    while (auto event = m_queue.pop()) {
      RunRecord& record = event->record;
      if (event->started) {
        for (auto* r : m_reporters) r->on_run_start(*record.model, *record.task, record.sample);
        continue;
      }
      if (!record.task->body) judge(record, check_context(*record.task));
      add_python_environment(record);
      for (auto* r : m_reporters) r->on_run_end(record);
    }
  }

  void finish() {
    for (auto& w : m_workers) w.join();
    m_finished.store(true);
    m_watcher.join();
    for (auto* r : m_reporters) r->on_finish(m_interrupt.load());
  }

 private:
  // The judges of model-graded assertions, on this thread: the one named, or the first.
  checkers::CheckContext check_context(const TaskSpec& task) const {
    checkers::CheckContext context;
    context.prompt = task.prompt;
    if (!m_judge_models.empty())
      context.judge = [this](std::string_view name) -> const JudgeModel* {
        if (name.empty()) return m_judge_models.front().get();
        for (const auto& judge : m_judge_models)
          if (judge->name() == name) return judge.get();
        return nullptr;
      };
    return context;
  }

  std::unique_ptr<Provider> make_worker_provider(const ModelSpec& model) {
    if (m_make_provider) return m_make_provider(model);
    return detail::make_retrying_provider(make_provider(model), {model.retry_attempts, model.retry_max_wait_s, 0.5}, {},
                                          breaker_for(server_endpoint(model)));
  }

  // Every model on one server shares its breaker: the server is down for all of them at once.
  std::shared_ptr<detail::CircuitBreaker> breaker_for(const std::string& server) {
    std::shared_ptr<detail::CircuitBreaker>& breaker = m_breakers[server];
    if (!breaker) breaker = std::make_shared<detail::CircuitBreaker>(server);
    return breaker;
  }

  nlohmann::json fingerprint(std::size_t m, const TaskSpec* task, const Completion* c) const {
    const TaskSpec empty;
    return detail::make_fingerprint(m_models[m], m_server_info[m], c,
                                    m_providers[m].front()->request_body(request_for(m, task ? *task : empty)));
  }

  // The task's request to model m (its providers ask for a cold prompt cache where the model
  // wants one: ColdPromptCacheProvider).
  CompletionRequest request_for(std::size_t m, const TaskSpec& task) const { return make_request(task, m_models[m]); }

  // One worker: takes the model's next run until none is left or the run is interrupted.
  void work(std::size_t m, Provider& provider, Gate* gate) {
    while (!m_interrupt.load()) {
      const std::size_t i = m_next[m]->fetch_add(1);
      if (i >= m_jobs[m].size()) break;
      if (gate) gate->acquire();
      if (m_interrupt.load()) {
        if (gate) gate->release();
        break;
      }
      RunRecord record = ask(m, provider, m_jobs[m][i]);
      if (gate) gate->release();
      if (m_interrupt.load()) break;  // in flight when interrupted: lost, not reported
      record.fingerprint = fingerprint(m, record.task, &record.completion);
      m_queue.push({false, std::move(record)});
    }
    m_queue.producer_done();
  }

  // One run's requests, with the worker's provider or, when the factory is given, one made for
  // this run. A C++ task case asks (maybe several times) and checks on this worker, with this
  // worker's connection; its record comes back already judged.
  RunRecord ask(std::size_t m, Provider& worker_provider, const Job& job) {
    RunRecord record;
    record.model = &m_models[m];
    record.task = job.task;
    record.sample = job.sample;
    record.started_at = utc_now_iso();
    m_queue.push({true, record});
    const std::unique_ptr<Provider> run_provider =
        m_make_run_provider ? m_make_run_provider(PlannedRun{record.model, job.task, job.sample}) : nullptr;
    Provider& provider = run_provider ? *run_provider : worker_provider;
    if (job.task->body)
      run_task_case(record, provider, &m_cancel);
    else
      record.completion = provider.complete(request_for(m, *job.task), &m_cancel);
    return record;
  }

  // Turns the caller's interrupt into cancelling the requests in flight.
  void watch_interrupt() {
    while (!m_finished.load()) {
      if (m_interrupt.load()) {
        m_cancel.store(true);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  const std::vector<ModelSpec>& m_models;
  const std::vector<ModelSpec>& m_judges;
  const ProviderFactory& m_make_provider;
  const RunProviderFactory& m_make_run_provider;
  const std::vector<Reporter*>& m_reporters;
  const std::atomic<bool>& m_interrupt;
  std::vector<std::vector<Job>> m_jobs;                          // per model
  std::vector<std::vector<std::unique_ptr<Provider>>> m_providers;  // per model, one per worker
  std::vector<detail::ServerInfo> m_server_info;                 // per model
  std::vector<std::unique_ptr<std::atomic<std::size_t>>> m_next;  // per model: its next job
  std::map<std::string, std::unique_ptr<Gate>> m_gates;          // per server
  std::map<std::string, std::shared_ptr<detail::CircuitBreaker>> m_breakers;  // per server
  std::vector<std::unique_ptr<Provider>> m_judge_providers;  // per judge, until make_judges
  std::vector<std::unique_ptr<detail::ProviderJudge>> m_judge_models;  // per judge
  EventQueue m_queue;
  std::atomic<bool> m_cancel{false};
  std::atomic<bool> m_finished{false};
  std::vector<std::thread> m_workers;
  std::thread m_watcher;
};

Plan plan_of(const std::vector<ModelSpec>& models, const std::vector<TaskSpec>& tasks, int repeat, std::size_t total_runs) {
  Plan plan;
  plan.models = &models;
  plan.tasks = &tasks;
  plan.repeat = repeat;
  plan.total_runs = total_runs;
  plan.simulated = !models.empty();
  for (const auto& model : models) plan.simulated = plan.simulated && model.simulated;
  return plan;
}

}  // namespace

Runner::Runner(const std::vector<ModelSpec>& models, const std::vector<TaskSpec>& tasks, std::vector<PlannedRun> runs,
               PlanOptions options, ProviderFactory make_provider, RunProviderFactory make_run_provider)
    : m_models(models), m_tasks(tasks), m_runs(std::move(runs)), m_options(options),
      m_make_provider(std::move(make_provider)), m_make_run_provider(std::move(make_run_provider)) {}

void Runner::run(const std::vector<Reporter*>& reporters, const std::atomic<bool>& interrupt) {
  Session session(m_models, m_judges, m_runs, m_make_provider, m_make_run_provider, reporters, interrupt);
  session.make_providers();
  session.probe_servers();
  Plan plan = plan_of(m_models, m_tasks, m_options.repeat, m_runs.size());
  session.add_fingerprints(plan);
  if (m_plan_hook) m_plan_hook(plan);
  session.make_gates();
  session.make_judges();
  for (auto* r : reporters) r->on_plan(plan);
  session.warm_up_models();
  session.start_workers();
  session.deliver_events();
  session.finish();
}

}  // namespace goodput
