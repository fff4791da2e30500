// SPDX-License-Identifier: MIT
// How often does the regression gate fire? Two simulated models whose answers to a small task
// set pass with probability p_base and p_cand (sim profiles with `chance:`), evaluated by the
// real pipeline (goodput sim in-process on loopback, the OpenAI provider, the Runner, the
// checkers), then the gate decides. Repeated many times it measures:
//   - the false-alarm rate: p_base = p_cand = 0.9 (goal <= 5%);
//   - the power: p_base = 0.9, p_cand = 0.7 (goal >= 80%) at the default sample count.
// Then, for the README's sample-size table, the exact figures (no sampling) of the gate's
// overall part, the pooled test, for several sample counts and drops.
//
// The gate is `goodput compare`'s own decision (goodput/compare.hpp compare_runs with
// fail_on_regression, alpha 0.05, no latency limits: both profiles have the same timing): it
// fires when a task's one-sided Fisher exact test, Holm-adjusted over the tasks, says its pass
// rate dropped, or when the pooled one-sided Fisher test over all runs says the overall rate
// dropped. The pooled test alone is also applied to the same data, and computed exactly.
//
// Usage: goodput_bench_gate_power [REPETITIONS=200] [SAMPLES_PER_TASK=20] [TASKS=5]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "goodput/compare.hpp"
#include "goodput/runner.hpp"
#include "goodput/spec.hpp"
#include "goodput/sim_server.hpp"

namespace {

namespace fs = std::filesystem;
using namespace goodput;

constexpr double k_alpha = 0.05;

// ------------------------------------------------------------------ the gates

// goodput compare's decision.
GateOptions gate_options() {
  GateOptions gate;
  gate.alpha = k_alpha;
  gate.fail_on_regression = true;
  return gate;
}

bool gate_fires(const RunSet& base, const RunSet& cand) { return !compare_runs(base, cand, gate_options()).gate_failures.empty(); }

// The pooled alternative: one one-sided Fisher test over every task's runs together.
bool pooled_fires(int base_pass, int base_n, int cand_pass, int cand_n) {
  return fisher_exact(base_pass, base_n - base_pass, cand_pass, cand_n - cand_pass).greater < k_alpha;
}

double log_choose(int n, int k) { return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0); }

double binomial_pmf(int k, int trials, double p) {
  if (p <= 0) return k == 0 ? 1.0 : 0.0;
  if (p >= 1) return k == trials ? 1.0 : 0.0;
  return std::exp(log_choose(trials, k) + k * std::log(p) + (trials - k) * std::log1p(-p));
}

// Exact probability that the pooled test fires with `n` runs per side.
double exact_pooled(double p_base, double p_cand, int n) {
  double power = 0;
  for (int b = 0; b <= n; ++b) {
    // The p-value grows with the candidate's passes: find the largest count that still fires.
    int threshold = -1;
    while (threshold + 1 <= n && pooled_fires(b, n, threshold + 1, n)) ++threshold;
    double cdf = 0;
    for (int c = 0; c <= threshold; ++c) cdf += binomial_pmf(c, n, p_cand);
    power += binomial_pmf(b, n, p_base) * cdf;
  }
  return power;
}

// ------------------------------------------------------------------ the pipeline

// Turns the runner's records into goodput compare's run sets, one per model.
class RunCollector final : public Reporter {
 public:
  void on_run_end(const RunRecord& run) override {
    RunSet& set = m_sets[run.model->name];
    set.label = set.model = run.model->name;
    set.tasks[run.task->id()] = {{"prompt", run.task->prompt}};
    set.runs.push_back({run.key(), run.verdict, run.completion});
    m_errors += run.verdict == Verdict::error;
  }
  std::map<std::string, RunSet> m_sets;
  int m_errors = 0;
};

int passed(const RunSet& set) {
  return static_cast<int>(std::count_if(set.runs.begin(), set.runs.end(), [](const StoredRun& r) { return r.verdict == Verdict::pass; }));
}

std::string profile(const std::string& id, double chance, int seed, int tasks) {
  std::string yaml = "  - id: " + id + "\n    ttft_ms: 0\n    tokens_per_second: 1000000\n    seed: " +
                     std::to_string(seed) + "\n    answers:\n";
  for (int t = 0; t < tasks; ++t)
    yaml += "      - {match: 'Task " + std::to_string(t) + "\\b', text: PASS, chance: " + std::to_string(chance) + "}\n";
  yaml += "      - {text: FAIL}\n";
  return yaml;
}

struct Rate {
  int fired = 0;
  int pooled_fired = 0;
  int repetitions = 0;
  double share() const { return repetitions ? static_cast<double>(fired) / repetitions : 0; }
  double pooled_share() const { return repetitions ? static_cast<double>(pooled_fired) / repetitions : 0; }
};

struct Setup {
  int repetitions = 200;
  int samples = 20;  // per task and model
  int tasks = 5;
};

// Evaluates `base` against `cand` through the Runner `setup.repetitions` times.
Rate pipeline_rate(const std::string& base_url, const std::vector<TaskSpec>& tasks, const std::string& base,
                   const std::string& cand, const Setup& setup, int& errors) {
  std::vector<ModelSpec> models(2);
  for (int i = 0; i < 2; ++i) {
    models[static_cast<std::size_t>(i)].name = i == 0 ? base : cand;
    models[static_cast<std::size_t>(i)].model = i == 0 ? base : cand;
    models[static_cast<std::size_t>(i)].base_url = base_url;
    models[static_cast<std::size_t>(i)].simulated = true;
    models[static_cast<std::size_t>(i)].concurrency = 2;
  }
  PlanOptions options;
  options.repeat = setup.samples;
  Rate rate;
  const std::atomic<bool> interrupt{false};
  for (int r = 0; r < setup.repetitions; ++r) {
    RunCollector collector;
    Runner runner(models, tasks, plan_runs(models, tasks, options), options);
    runner.run({&collector}, interrupt);
    errors += collector.m_errors;
    const RunSet& b = collector.m_sets[base];
    const RunSet& c = collector.m_sets[cand];
    rate.fired += gate_fires(b, c);
    rate.pooled_fired += pooled_fires(passed(b), static_cast<int>(b.runs.size()), passed(c), static_cast<int>(c.runs.size()));
    ++rate.repetitions;
  }
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  Setup setup;
  if (argc > 1) setup.repetitions = std::max(1, std::atoi(argv[1]));
  if (argc > 2) setup.samples = std::max(1, std::atoi(argv[2]));
  if (argc > 3) setup.tasks = std::max(1, std::atoi(argv[3]));
  const int runs_per_model = setup.samples * setup.tasks;

  const fs::path dir = fs::temp_directory_path() / ("goodput-bench-gate-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream tasks(dir / "tasks.yaml");
    tasks << "suite: gate\ntasks:\n";
    for (int t = 0; t < setup.tasks; ++t)
      tasks << "  - id: t" << t << "\n    prompt: \"Task " << t << ": say PASS.\"\n    params: {max_tokens: 8}\n"
            << "    assert:\n      - {type: contains, value: PASS}\n";
    std::ofstream profiles(dir / "profiles.yaml");
    profiles << "models:\n"
             << profile("base-90", 0.9, 1, setup.tasks) << profile("same-90", 0.9, 2, setup.tasks)
             << profile("drop-70", 0.7, 3, setup.tasks);
  }
  const std::vector<TaskSpec> tasks = load_tasks({(dir / "tasks.yaml").string()});
  sim::SimServer server(sim::load_sim_profiles((dir / "profiles.yaml").string()));
  server.start();

  std::printf("gate_power: gate = goodput compare (compare_runs, fail_on regression, alpha %.2f: per-task one-sided Fisher\n"
              "            exact, Holm-adjusted over tasks, OR pooled one-sided Fisher over all runs); also shown: the pooled test alone\n",
              k_alpha);
  std::printf("setup: %d tasks x %d samples = %d runs per model per comparison; %d comparisons per scenario\n",
              setup.tasks, setup.samples, runs_per_model, setup.repetitions);
  std::printf("pipeline: goodput sim in-process (ttft 0, 1e6 tok/s, one-token answers PASS/FAIL drawn with `chance:`),\n"
              "          OpenAI provider over loopback, Runner (concurrency 2 per model), `contains` checker\n\n");

  int errors = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const Rate false_alarm = pipeline_rate(server.base_url(), tasks, "base-90", "same-90", setup, errors);
  const Rate power = pipeline_rate(server.base_url(), tasks, "base-90", "drop-70", setup, errors);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  server.stop();
  fs::remove_all(dir);

  std::printf("pipeline, 0.90 vs 0.90: gate fired in %d of %d comparisons = %.1f%% (goal <= 5%%); pooled test %.1f%%\n",
              false_alarm.fired, false_alarm.repetitions, 100 * false_alarm.share(), 100 * false_alarm.pooled_share());
  std::printf("pipeline, 0.90 vs 0.70: gate fired in %d of %d comparisons = %.1f%% (goal >= 80%%); pooled test %.1f%%\n",
              power.fired, power.repetitions, 100 * power.share(), 100 * power.pooled_share());
  std::printf("pipeline: %d runs in %.1f s (%.2f ms per run), %d error runs\n\n", 4 * runs_per_model * setup.repetitions,
              seconds, 1000 * seconds / (4.0 * runs_per_model * setup.repetitions), errors);

  std::printf("exact (no sampling), pooled test, %d tasks x %d samples: false alarm %.2f%%, power 0.90->0.70 %.1f%%\n\n",
              setup.tasks, setup.samples, 100 * exact_pooled(0.9, 0.9, runs_per_model), 100 * exact_pooled(0.9, 0.7, runs_per_model));

  // The README table: base pass rate 0.9 on every task, the same drop on every task. The gate
  // fires at least as often as its pooled part; the pipeline figures above are the whole gate.
  const auto smallest_drop = [](const auto& power_at) {
    for (int d = 1; d <= 90; ++d)
      if (power_at(0.9 - d / 100.0) >= 0.8) return d;
    return -1;
  };
  std::printf("exact, pooled test, %d tasks, base 0.90 on every task, alpha %.2f, 80%% power:\n", setup.tasks, k_alpha);
  std::printf("samples/task | runs/model | false alarm | smallest drop caught\n");
  for (const int n : {5, 10, 20, 40, 60, 100, 200}) {
    const int total = n * setup.tasks;
    std::printf("%12d | %10d | %10.2f%% | %13d points\n", n, total, 100 * exact_pooled(0.9, 0.9, total),
                smallest_drop([&](double pc) { return exact_pooled(0.9, pc, total); }));
  }
  return 0;
}
