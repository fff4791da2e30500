// SPDX-License-Identifier: MIT
#include "goodput/runner.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "framework/server_probe.hpp"
#include "goodput/provider.hpp"
#include "providers/retrying_provider.hpp"

namespace goodput {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::error: return "error";
    case Verdict::truncated: return "truncated";
  }
  return "error";
}

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

void judge(RunRecord& run) {
  run.checks.clear();
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
  for (const auto& assertion : run.task->assertions) {
    checkers::CheckResult result;
    try {
      result = assertion.checker->check(run.completion);
    } catch (const std::exception& e) {
      result = {checkers::Outcome::error, assertion.type + ": the checker itself failed: " + e.what()};
    }
    failed = failed || result.outcome == checkers::Outcome::fail;
    errored = errored || result.outcome == checkers::Outcome::error;
    run.checks.push_back(std::move(result));
  }
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

// Limits requests in flight to one server, whatever model names point at it: two "models"
// that are one local GPU server with different settings must not be measured concurrently.
class Gate {
 public:
  explicit Gate(int slots) : m_free(slots) {}
  void acquire() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_free > 0; });
    --m_free;
  }
  void release() {
    {
      std::lock_guard lock(m_mutex);
      ++m_free;
    }
    m_cv.notify_one();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  int m_free;
};

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

thread_local const PlannedRun* t_current_run = nullptr;

}  // namespace

const PlannedRun* current_run() { return t_current_run; }

Runner::Runner(const std::vector<ModelSpec>& models, const std::vector<TaskSpec>& tasks, std::vector<PlannedRun> runs,
               PlanOptions options, ProviderFactory make_provider)
    : m_models(models), m_tasks(tasks), m_runs(std::move(runs)), m_options(options),
      m_make_provider(std::move(make_provider)) {}

void Runner::run(const std::vector<Reporter*>& reporters, const std::atomic<bool>& interrupt) {
  Plan plan;
  plan.models = &m_models;
  plan.tasks = &m_tasks;
  plan.repeat = m_options.repeat;
  plan.total_runs = m_runs.size();
  plan.simulated = !m_models.empty();
  for (const auto& model : m_models) plan.simulated = plan.simulated && model.simulated;

  // Each model's runs, in plan order.
  std::vector<std::vector<Job>> jobs(m_models.size());
  for (const auto& r : m_runs) jobs[static_cast<std::size_t>(r.model - m_models.data())].push_back({r.task, r.sample});

  // Providers first: a missing API key variable is a configuration error, before any request.
  std::vector<std::vector<std::unique_ptr<Provider>>> providers(m_models.size());
  for (std::size_t m = 0; m < m_models.size(); ++m)
    for (int w = 0; w < m_models[m].concurrency; ++w)
      providers[m].push_back(m_make_provider ? m_make_provider(m_models[m])
                                             : detail::make_retrying_provider(make_provider(m_models[m]),
                                                                              {m_models[m].retry_attempts,
                                                                               m_models[m].retry_max_wait_s, 0.5}));

  // Once per model, all at once: what the server says it is (best effort, never fails).
  std::vector<detail::ServerInfo> server_info(m_models.size());
  {
    std::vector<std::thread> probes;
    for (std::size_t m = 0; m < m_models.size(); ++m)
      probes.emplace_back([&, m] { server_info[m] = detail::probe_server_info(m_models[m], k_probe_timeout_s); });
    for (auto& t : probes) t.join();
  }
  const auto fingerprint = [&](std::size_t m, const TaskSpec* task, const Completion* c) {
    TaskSpec empty;
    return detail::make_fingerprint(m_models[m], server_info[m], c,
                                    providers[m].front()->request_body(make_request(task ? *task : empty, m_models[m])));
  };
  for (std::size_t m = 0; m < m_models.size(); ++m)
    if (!providers[m].empty()) plan.fingerprints[m_models[m].name] = fingerprint(m, nullptr, nullptr);

  std::map<std::string, std::unique_ptr<Gate>> gates;
  std::map<std::string, int> slots;
  for (const auto& model : m_models)
    if (!model.simulated) slots[server_endpoint(model)] = std::max(slots[server_endpoint(model)], model.concurrency);
  for (const auto& [url, n] : slots) gates[url] = std::make_unique<Gate>(n);

  for (auto* r : reporters) r->on_plan(plan);

  // Warm-ups before any measured run, one model at a time (loading two models at once on
  // one GPU would measure neither).
  for (std::size_t m = 0; m < m_models.size() && !interrupt.load(); ++m) {
    if (!m_models[m].warmup || providers[m].empty() || jobs[m].empty()) continue;
    const WarmupResult warmup = warm_up(*providers[m].front(), m_models[m], &interrupt);
    if (interrupt.load()) break;
    for (auto* r : reporters) r->on_warmup(m_models[m], warmup);
  }

  EventQueue queue;
  std::atomic<bool> cancel{false};
  std::vector<std::unique_ptr<std::atomic<std::size_t>>> next;
  for (std::size_t m = 0; m < m_models.size(); ++m) next.push_back(std::make_unique<std::atomic<std::size_t>>(0));

  std::vector<std::thread> workers;
  for (std::size_t m = 0; m < m_models.size(); ++m) {
    Gate* gate = m_models[m].simulated ? nullptr : gates[server_endpoint(m_models[m])].get();
    for (auto& provider : providers[m]) {
      queue.add_producer();
      workers.emplace_back([&, m, gate, p = provider.get()] {
        const ModelSpec& model = m_models[m];
        while (!interrupt.load()) {
          const std::size_t i = next[m]->fetch_add(1);
          if (i >= jobs[m].size()) break;
          const Job& job = jobs[m][i];
          if (gate) gate->acquire();
          if (interrupt.load()) {
            if (gate) gate->release();
            break;
          }
          RunRecord record;
          record.model = &model;
          record.task = job.task;
          record.sample = job.sample;
          record.started_at = utc_now_iso();
          queue.push({true, record});
          const PlannedRun current{&model, job.task, job.sample};
          t_current_run = &current;
          // A C++ task case asks (maybe several times) and checks on this worker, with this
          // worker's provider and connection; its record comes back already judged.
          if (job.task->body)
            run_task_case(record, *p, &cancel);
          else
            record.completion = p->complete(make_request(*job.task, model), &cancel);
          t_current_run = nullptr;
          if (gate) gate->release();
          if (interrupt.load()) break;  // in flight when interrupted: lost, not reported
          record.fingerprint = fingerprint(m, job.task, &record.completion);
          queue.push({false, std::move(record)});
        }
        queue.producer_done();
      });
    }
  }

  // A watcher turns the caller's interrupt into cancelling requests in flight.
  std::atomic<bool> finished{false};
  std::thread watcher([&] {
    while (!finished.load()) {
      if (interrupt.load()) {
        cancel.store(true);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  while (auto event = queue.pop()) {
    if (event->started) {
      for (auto* r : reporters) r->on_run_start(*event->record.model, *event->record.task, event->record.sample);
      continue;
    }
    if (!event->record.task->body) judge(event->record);
    for (auto* r : reporters) r->on_run_end(event->record);
  }
  for (auto& w : workers) w.join();
  finished.store(true);
  watcher.join();
  for (auto* r : reporters) r->on_finish(interrupt.load());
}

}  // namespace goodput
