// SPDX-License-Identifier: MIT
#include "goodput/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace goodput {

Interval wilson_interval(int x, int n, double z) {
  if (n <= 0) return {0, 1};
  if (x < 0 || x > n) throw std::invalid_argument("wilson_interval: x must be in [0, n]");
  const double nn = n;
  const double p = x / nn;
  const double z2 = z * z;
  const double denominator = 1 + z2 / nn;
  const double center = (p + z2 / (2 * nn)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denominator;
  return {std::clamp(center - half, 0.0, 1.0), std::clamp(center + half, 0.0, 1.0)};
}

namespace {
void check_nck(int n, int c, int k, const char* what) {
  if (k < 1 || k > n || c < 0 || c > n)
    throw std::invalid_argument(std::string(what) + ": needs 1 <= k <= n and 0 <= c <= n (n=" + std::to_string(n) +
                                ", c=" + std::to_string(c) + ", k=" + std::to_string(k) + ")");
}
}  // namespace

double pass_at_k(int n, int c, int k) {
  check_nck(n, c, k, "pass_at_k");
  if (n - c < k) return 1.0;
  double all_fail = 1.0;  // C(n-c, k) / C(n, k)
  for (int i = n - c + 1; i <= n; ++i) all_fail *= 1.0 - static_cast<double>(k) / i;
  return 1.0 - all_fail;
}

double pass_hat_k(int n, int c, int k) {
  check_nck(n, c, k, "pass_hat_k");
  double all_pass = 1.0;  // C(c, k) / C(n, k)
  for (int i = 0; i < k; ++i) all_pass *= static_cast<double>(c - i) / (n - i);
  return std::max(all_pass, 0.0);
}

std::vector<int> reported_ks(int n) {
  std::vector<int> ks;
  for (int k : k_reported_ks)
    if (k <= n) ks.push_back(k);
  return ks;
}

std::optional<double> percentile(std::vector<double> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (rank - static_cast<double>(lo));
}

namespace {
[[noreturn]] void bad_slo(const std::string& item, const std::string& why) {
  throw std::invalid_argument("'" + item + "': " + why +
                              " (expected KEY=VALUE[,KEY=VALUE...] with keys ttft, e2e, first_answer and units s or ms, "
                              "e.g. ttft=2s,e2e=60s)");
}
}  // namespace

Slo parse_slo(const std::string& text) {
  Slo slo;
  std::stringstream in(text);
  std::string item;
  const auto fail = [&](const std::string& why) { bad_slo(item, why); };
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) fail("no '='");
    const std::string key = item.substr(0, eq);
    const std::string value = item.substr(eq + 1);
    double scale = 0;
    std::string number;
    if (value.size() > 2 && value.ends_with("ms")) {
      scale = 0.001;
      number = value.substr(0, value.size() - 2);
    } else if (value.size() > 1 && value.ends_with("s")) {
      scale = 1;
      number = value.substr(0, value.size() - 1);
    } else {
      bad_slo(item, "the value needs a unit, s or ms");
    }
    char* end = nullptr;
    const double v = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(v) || v <= 0)
      fail("the limit must be a positive number");
    std::optional<double>* target = key == "ttft" ? &slo.ttft_s : key == "e2e" ? &slo.e2e_s : key == "first_answer" ? &slo.first_answer_s : nullptr;
    if (target == nullptr) bad_slo(item, "unknown key '" + key + "'");
    if (target->has_value()) fail("'" + key + "' given twice");
    *target = v * scale;
  }
  if (slo.empty()) throw std::invalid_argument("no limit given (e.g. --slo ttft=2s,e2e=60s)");
  return slo;
}

std::string to_string(const Slo& slo) {
  std::string out;
  const auto add = [&](const char* key, const std::optional<double>& v) {
    if (!v) return;
    std::ostringstream s;
    if (*v < 1) s << key << "=" << *v * 1000 << "ms";
    else s << key << "=" << *v << "s";
    out += (out.empty() ? "" : ",") + s.str();
  };
  add("ttft", slo.ttft_s);
  add("first_answer", slo.first_answer_s);
  add("e2e", slo.e2e_s);
  return out;
}

bool meets_slo(const Slo& slo, const Metrics& metrics) {
  const auto within = [](const std::optional<double>& limit, const std::optional<double>& value) {
    return !limit || (value && *value <= *limit);
  };
  return within(slo.ttft_s, metrics.ttft_s) && within(slo.e2e_s, metrics.e2e_s) &&
         within(slo.first_answer_s, metrics.time_to_first_answer_s);
}

JudgedTime& JudgedTime::operator+=(const JudgedTime& other) {
  judged += other.judged;
  passed += other.passed;
  timed += other.timed;
  total_s += other.total_s;
  return *this;
}

SecondsPerCorrect seconds_per_correct(const JudgedTime& time) {
  using Missing = SecondsPerCorrect::Missing;
  if (time.judged == 0) return {std::nullopt, Missing::no_judged_run};
  if (time.passed == 0) return {std::nullopt, Missing::no_correct_answer};
  if (time.timed == 0) return {std::nullopt, Missing::no_time_measured};
  return {time.total_s / time.passed, Missing::none};
}

std::string_view to_string(SecondsPerCorrect::Missing missing) {
  switch (missing) {
    case SecondsPerCorrect::Missing::none: return "";
    case SecondsPerCorrect::Missing::no_judged_run: return "no judged run";
    case SecondsPerCorrect::Missing::no_correct_answer: return "no correct answer";
    case SecondsPerCorrect::Missing::no_time_measured: return "no time measured";
  }
  return "";
}

std::optional<double> passed_per_minute(const JudgedTime& time) {
  if (!(time.total_s > 0)) return std::nullopt;
  return time.passed / (time.total_s / 60.0);
}

}  // namespace goodput
