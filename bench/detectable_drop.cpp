// SPDX-License-Identifier: MIT
// How long `goodput compare` spends finding the smallest drop its gate detects (80% power),
// by runs per side: the figure behind k_exact_fisher_max_runs (goodput/detectable_drop.hpp).
// Usage: goodput_bench_detectable_drop
#include <chrono>
#include <cstdio>

#include "goodput/detectable_drop.hpp"

int main() {
  std::printf("%8s %6s %10s\n", "runs", "drop", "seconds");
  for (const int n : {100, 1000, 1001, 5000, 10000, 50000}) {
    const auto start = std::chrono::steady_clock::now();
    const goodput::FisherDropPower power(n, n, 0.05);
    const auto drop = goodput::smallest_detectable_drop(0.9, [&](double to) { return power(0.9, to); });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%8d %6d %10.3f\n", n, drop ? *drop : -1, seconds);
  }
}
