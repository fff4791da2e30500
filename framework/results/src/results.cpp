// SPDX-License-Identifier: MIT
#include "goodput/results.hpp"

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

std::optional<Verdict> verdict_from_string(std::string_view word) {
  for (const Verdict v : {Verdict::pass, Verdict::fail, Verdict::error, Verdict::truncated})
    if (to_string(v) == word) return v;
  return std::nullopt;
}

RunFigures figures_of(Verdict verdict, const Completion& c) {
  RunFigures figures;
  figures.verdict = verdict;
  figures.truncated = c.stop_reason == StopReason::length;
  figures.metrics = c.metrics;
  figures.wait_s = c.metrics.e2e_s ? c.metrics.e2e_s : c.times.end > 0 ? std::optional<double>(c.times.end) : std::nullopt;
  figures.completion_tokens = c.tokens.completion;
  figures.tokens_estimated = c.tokens.completion_estimated;
  figures.server = c.server;
  figures.retries = static_cast<int>(c.retries.size());
  figures.ignored_server_figures = c.ignored_server_figures;
  figures.prompt_cache = prompt_cache_of(c);
  return figures;
}

PromptCacheClass prompt_cache_of(const Completion& c) {
  return classify_prompt_cache(c.server.cached_tokens, c.tokens.prompt ? c.tokens.prompt : c.server.prompt_tokens);
}

}  // namespace goodput
