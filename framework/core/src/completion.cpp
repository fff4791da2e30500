// SPDX-License-Identifier: MIT
#include "goodput/completion.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace goodput {

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::none: return "none";
    case StopReason::stop: return "stop";
    case StopReason::length: return "length";
    case StopReason::tool_calls: return "tool_calls";
    case StopReason::error: return "error";
    case StopReason::cancelled: return "cancelled";
    case StopReason::other: return "other";
  }
  return "other";
}

StopReason normalise_stop_reason(std::string_view word) {
  // Words from OpenAI finish_reason, llama.cpp /completion stop_type, Ollama done_reason and
  // LM Studio's camelCase stats.stop_reason (wire-formats.md A-D).
  static constexpr std::array<std::pair<std::string_view, StopReason>, 16> k_words{{
      {"stop", StopReason::stop},
      {"eos", StopReason::stop},
      {"word", StopReason::stop},
      {"eosFound", StopReason::stop},
      {"stopStringFound", StopReason::stop},
      {"length", StopReason::length},
      {"limit", StopReason::length},
      {"max_tokens", StopReason::length},
      {"maxPredictedTokensReached", StopReason::length},
      {"tool_calls", StopReason::tool_calls},
      {"function_call", StopReason::tool_calls},
      {"toolCalls", StopReason::tool_calls},
      {"content_filter", StopReason::cancelled},
      {"cancelled", StopReason::cancelled},
      {"userStopped", StopReason::cancelled},
      {"error", StopReason::error},
  }};
  if (word.empty()) return StopReason::none;
  auto it = std::find_if(k_words.begin(), k_words.end(),
                         [&](const auto& entry) { return entry.first == word; });
  return it == k_words.end() ? StopReason::other : it->second;
}

std::string_view to_string(PromptCacheClass c) {
  switch (c) {
    case PromptCacheClass::cold: return "cold";
    case PromptCacheClass::warm: return "warm";
    case PromptCacheClass::unknown: break;
  }
  return "unknown";
}

PromptCacheClass classify_prompt_cache(std::optional<std::int64_t> cached_tokens, std::optional<std::int64_t> prompt_tokens) {
  if (!cached_tokens || !prompt_tokens || *prompt_tokens <= 0) return PromptCacheClass::unknown;
  return *cached_tokens * 10 > *prompt_tokens ? PromptCacheClass::warm : PromptCacheClass::cold;
}

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::none: return "none";
    case ErrorKind::connect: return "connect";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::stall: return "stall";
    case ErrorKind::http_status: return "http_status";
    case ErrorKind::stream_error: return "stream_error";
    case ErrorKind::truncated: return "truncated";
    case ErrorKind::bad_response: return "bad_response";
  }
  return "bad_response";
}

}  // namespace goodput
