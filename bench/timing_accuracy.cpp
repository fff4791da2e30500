// How far goodput's measured TTFT, decode rate and end-to-end time are from the schedule
// `goodput sim` keeps: N requests through the real openai provider to the in-process
// simulator, then the mean and worst absolute errors.
//   bench/goodput_bench_timing [runs=20] [ttft_ms=300] [tokens_per_second=50] [tokens=200]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "goodput/provider.hpp"
#include "goodput/sim_server.hpp"

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 20;
  const double ttft_ms = argc > 2 ? std::atof(argv[2]) : 300;
  const double tps = argc > 3 ? std::atof(argv[3]) : 50;
  const int tokens = argc > 4 ? std::atoi(argv[4]) : 200;

  std::string answer;
  for (int i = 0; i < tokens; ++i) answer += " w" + std::to_string(i % 10);
  const auto profile = std::filesystem::temp_directory_path() / "goodput-bench-timing.yaml";
  std::ofstream(profile) << "models:\n  - id: timed\n    ttft_ms: " << ttft_ms << "\n    tokens_per_second: " << tps
                         << "\n    answers:\n      - text: '" << answer << "'\n";
  goodput::sim::SimServer server(goodput::sim::load_sim_profiles(profile.string()));
  server.start();

  goodput::ModelSpec model;
  model.name = model.model = "timed";
  model.base_url = server.base_url();
  auto provider = goodput::make_provider(model);
  goodput::CompletionRequest request;
  request.messages.push_back({"user", "go"});

  const double expected_e2e = ttft_ms / 1000 + (tokens - 1) / tps;
  std::vector<double> ttft_err_ms, tps_err_pct, e2e_err_ms;
  for (int i = 0; i < runs; ++i) {
    const goodput::Completion c = provider->complete(request);
    if (!c.ok() || !c.metrics.ttft_s || !c.metrics.decode_tps || !c.metrics.e2e_s) {
      std::fprintf(stderr, "run %d failed: %s\n", i, c.error.message.c_str());
      return 1;
    }
    ttft_err_ms.push_back((*c.metrics.ttft_s * 1000) - ttft_ms);
    tps_err_pct.push_back((*c.metrics.decode_tps - tps) / tps * 100);
    e2e_err_ms.push_back((*c.metrics.e2e_s - expected_e2e) * 1000);
  }
  server.stop();
  std::filesystem::remove(profile);

  const auto report = [](const char* name, const std::vector<double>& v, const char* unit) {
    double sum = 0, worst = 0;
    for (double x : v) {
      sum += x;
      worst = std::max(worst, std::abs(x));
    }
    std::printf("%-22s mean error %+8.3f %s   worst |error| %7.3f %s\n", name, sum / v.size(), unit, worst, unit);
  };
  std::printf("schedule: TTFT %.0f ms, %.1f tok/s, %d tokens (e2e %.3f s); %d runs over one reused connection\n", ttft_ms, tps,
              tokens, expected_e2e, runs);
  report("TTFT", ttft_err_ms, "ms");
  report("decode rate", tps_err_pct, "% ");
  report("end-to-end", e2e_err_ms, "ms");
  return 0;
}
