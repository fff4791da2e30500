// SPDX-License-Identifier: MIT
#include "goodput/plausibility.hpp"

#include <cmath>
#include <optional>
#include <string>

namespace goodput {

namespace {

class Sieve {
 public:
  explicit Sieve(Completion& c) : m_c(c) {}

  void count(std::optional<std::int64_t>& value, const char* field, std::optional<std::int64_t> most = std::nullopt,
             const std::string& beyond_most = "") {
    if (!value) return;
    if (*value < 0) return ignore(value, field, "negative");
    if (*value > k_max_plausible_tokens) return ignore(value, field, "more than 100 million tokens");
    if (most && *value > *most) return ignore(value, field, beyond_most);
  }

  void duration(std::optional<double>& value, const char* field, double request_s) {
    if (!value) return;
    if (!std::isfinite(*value) || *value < 0) return ignore(value, field, "negative or not finite");
    if (request_s > 0 && *value > 1.1 * request_s + 0.5)
      return ignore(value, field, "longer than the whole request");
  }

  void rate(std::optional<double>& value, const char* field) {
    if (!value) return;
    if (!std::isfinite(*value) || *value < 0) return ignore(value, field, "negative or not finite");
    if (*value > k_max_plausible_tokens_per_s) return ignore(value, field, "above a million tokens per second");
  }

 private:
  template <class T>
  void ignore(std::optional<T>& value, const char* field, std::string why) {
    m_c.ignored_server_figures.push_back({field, static_cast<double>(*value), std::move(why)});
    value.reset();
  }

  Completion& m_c;
};

}  // namespace

void drop_implausible_server_figures(Completion& c) {
  Sieve sieve(c);
  const auto text_bytes = static_cast<std::int64_t>(c.answer.size() + c.reasoning.size());
  const std::int64_t most_completion = 4 * text_bytes + 1024;
  const std::string beyond_text = "far more than the text it produced";

  TokenCounts& tokens = c.tokens;
  if (!tokens.completion_estimated) sieve.count(tokens.completion, "usage.completion_tokens", most_completion, beyond_text);
  if (!tokens.reasoning_estimated)
    sieve.count(tokens.reasoning, "usage.reasoning_tokens", tokens.completion, "more than the completion tokens");
  sieve.count(tokens.prompt, "usage.prompt_tokens");

  ServerFigures& server = c.server;
  sieve.count(server.prompt_tokens, "server.prompt_tokens");
  sieve.count(server.completion_tokens, "server.completion_tokens", most_completion, beyond_text);
  sieve.count(server.cached_tokens, "server.cached_tokens", server.prompt_tokens, "more than the prompt tokens");
  const double request_s = c.times.end;
  sieve.duration(server.load_s, "server.load_s", request_s);
  sieve.duration(server.prompt_s, "server.prompt_s", request_s);
  sieve.duration(server.ttft_s, "server.ttft_s", request_s);
  sieve.duration(server.decode_s, "server.decode_s", request_s);
  sieve.duration(server.total_s, "server.total_s", request_s);
  sieve.rate(server.decode_tps, "server.decode_tps");
}

}  // namespace goodput
