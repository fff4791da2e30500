// SPDX-License-Identifier: MIT
#include "goodput/pattern.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <time.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "goodput/utf8.hpp"

namespace goodput {

namespace {

// PCRE2's limits reset at every start position, so a pattern that backtracks a bounded amount
// from each position ((?:a|aa){1,22}$) still takes hours over a long answer. The compiled
// pattern therefore begins with this callout, which PCRE2 (JIT included) calls at every start
// position it tries; it ends the search once the call's deadline has passed.
constexpr int k_deadline_callout = 255;
constexpr int k_error_deadline = PCRE2_ERROR_CALLOUT;

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  const int length = pcre2_get_error_message(code, buffer, sizeof buffer);
  if (length < 0) return "PCRE2 error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

std::string commas(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

// Terminal columns of a code point: East Asian wide and full-width forms take two.
std::size_t pattern_columns(char32_t cp) {
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

// Start-of-pattern items such as (*UCP) or (*LIMIT_MATCH=1000) must stay first.
std::size_t leading_verbs_end(std::string_view pattern) {
  std::size_t at = 0;
  while (pattern.substr(at, 2) == "(*") {
    std::size_t close = at + 2;
    while (close < pattern.size() &&
           ((pattern[close] >= 'A' && pattern[close] <= 'Z') || (pattern[close] >= '0' && pattern[close] <= '9') ||
            pattern[close] == '_' || pattern[close] == '='))
      ++close;
    if (close >= pattern.size() || pattern[close] != ')') break;
    at = close + 1;
  }
  return at;
}

}  // namespace

// Outside the anonymous namespace: Pattern::Compiled holds one.
struct PatternCodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};

namespace {

using CodePtr = std::unique_ptr<pcre2_code, PatternCodeDeleter>;

CodePtr compile_code(const std::string& pattern, std::uint32_t flags, int& error, PCRE2_SIZE& offset) {
  return CodePtr(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), flags, &error,
                               &offset, nullptr));
}

struct Deadline {
  timespec at{};
};

int check_deadline(pcre2_callout_block* block, void* data) {
  if (block->callout_number != k_deadline_callout) return 0;  // the pattern's own callouts
  timespec now{};
  // The coarse clock costs a few nanoseconds; its few milliseconds of resolution are plenty.
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  const timespec& at = static_cast<const Deadline*>(data)->at;
  const bool late = now.tv_sec > at.tv_sec || (now.tv_sec == at.tv_sec && now.tv_nsec > at.tv_nsec);
  return late ? k_error_deadline : 0;
}

// Per thread: a JIT stack and a match context are not to be shared between concurrent
// matches; one match data of one pair serves every search (only the whole match is read).
struct ThreadMatcher {
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* stack = nullptr;
  pcre2_match_data* data = nullptr;

  ThreadMatcher() {
    context = pcre2_match_context_create(nullptr);
    stack = pcre2_jit_stack_create(32 * 1024, k_pattern_stack_bytes, nullptr);
    data = pcre2_match_data_create(1, nullptr);
    if (!context || !stack || !data) throw std::bad_alloc();
    pcre2_jit_stack_assign(context, nullptr, stack);
    pcre2_set_match_limit(context, k_pattern_match_limit);
    pcre2_set_depth_limit(context, k_pattern_match_limit);
    pcre2_set_heap_limit(context, static_cast<std::uint32_t>(k_pattern_stack_bytes / 1024));
  }
  ~ThreadMatcher() {
    pcre2_match_data_free(data);
    pcre2_jit_stack_free(stack);
    pcre2_match_context_free(context);
  }
  ThreadMatcher(const ThreadMatcher&) = delete;
  ThreadMatcher& operator=(const ThreadMatcher&) = delete;
};

ThreadMatcher& thread_matcher() {
  thread_local ThreadMatcher matcher;
  return matcher;
}

[[noreturn]] void throw_limit(int code, std::chrono::milliseconds time_limit) {
  switch (code) {
    case PCRE2_ERROR_MATCHLIMIT:
      throw PatternLimitError("hit the match limit (" + commas(k_pattern_match_limit) +
                              " backtracking steps from one position)");
    case PCRE2_ERROR_DEPTHLIMIT:
    case PCRE2_ERROR_HEAPLIMIT:
    case PCRE2_ERROR_JIT_STACKLIMIT:
      throw PatternLimitError("hit the backtracking memory limit (" + commas(k_pattern_stack_bytes / (1024 * 1024)) +
                              " MiB)");
    case k_error_deadline:
      throw PatternLimitError("hit the time limit (" + commas(static_cast<std::uint64_t>(time_limit.count())) +
                              " ms for one search)");
    default:
      throw PatternLimitError("could not be searched: " + pcre2_message(code));
  }
}

}  // namespace

struct Pattern::Compiled {
  CodePtr code;
};

PatternError::PatternError(const std::string& pattern, const std::string& reason, std::size_t offset)
    : std::runtime_error(reason + " at character " + std::to_string(utf8::length(std::string_view(pattern).substr(0, offset))) +
                         " of the pattern"),
      m_pattern(pattern),
      m_reason(reason),
      m_offset(offset) {}

std::string PatternError::pointer(std::string_view indent) const {
  constexpr auto npos = std::string_view::npos;
  const std::string_view pattern = m_pattern;
  std::size_t offset = std::min(m_offset, pattern.size());
  // An error at the very end (an unclosed group or class) belongs to the last line written.
  if (offset == pattern.size())
    while (offset > 0 && pattern[offset - 1] == '\n') --offset;
  const std::size_t newline = offset == 0 ? npos : pattern.rfind('\n', offset - 1);
  const std::size_t line_begin = newline == npos ? 0 : newline + 1;
  const std::size_t line_end = std::min(pattern.find('\n', offset), pattern.size());
  std::vector<std::size_t> starts;  // of the line's code points, then its end
  for (std::size_t at = line_begin, size = 0; at < line_end; at += size) {
    starts.push_back(at);
    utf8::decode(pattern, at, size);
  }
  starts.push_back(line_end);
  const auto index = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin()) - 1;
  // A window of the line around the offset, so that a long pattern still fits a line.
  constexpr std::size_t k_context = 30;
  const std::size_t first = index > k_context ? index - k_context : 0;
  const std::size_t last = std::min(starts.size() - 1, index + k_context);
  std::string line = first > 0 ? "…" : "";
  std::size_t columns = first > 0 ? 1 : 0;
  for (std::size_t i = first, size = 0; i < index; ++i) columns += pattern_columns(utf8::decode(pattern, starts[i], size));
  line += pattern.substr(starts[first], starts[last] - starts[first]);
  if (last < starts.size() - 1) line += "…";
  return std::string(indent) + line + "\n" + std::string(indent) + std::string(columns, ' ') + "^";
}

std::shared_ptr<const Pattern> Pattern::get(std::string_view text, PatternOptions options) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::weak_ptr<const Pattern>> cache;
  std::string key;
  key += options.ignore_case ? 'i' : '-';
  key += options.dotall ? 's' : '-';
  key += text;

  const std::lock_guard lock(mutex);
  if (auto found = cache.find(key); found != cache.end()) {
    if (auto shared = found->second.lock()) return shared;
  }
  // Patterns no caller holds any more are dropped when the table has doubled since the last sweep.
  static std::size_t swept_at = 64;
  if (cache.size() >= 2 * swept_at) {
    std::erase_if(cache, [](const auto& entry) { return entry.second.expired(); });
    swept_at = std::max<std::size_t>(64, cache.size());
  }

  const std::string pattern(text);
  std::uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_MULTILINE;
  if (options.ignore_case) flags |= PCRE2_CASELESS;
  if (options.dotall) flags |= PCRE2_DOTALL;
  int error = 0;
  PCRE2_SIZE offset = 0;
  // Compiled alone first, so that errors and their positions are about the pattern as written.
  if (!compile_code(pattern, flags, error, offset)) throw PatternError(pattern, pcre2_message(error), offset);
  const std::size_t verbs = leading_verbs_end(pattern);
  const std::string head = pattern.substr(0, verbs) + "(?C" + std::to_string(k_deadline_callout) + ")(?:";
  const std::string body = pattern.substr(verbs);
  CodePtr code;
  // A trailing (?x) comment or an unended \Q would swallow the closing parenthesis.
  for (const char* close : {")", "\n)", "\\E)"}) {
    code = compile_code(head + body + close, flags, error, offset);
    if (code) break;
  }
  if (!code)
    throw PatternError(pattern, "cannot be searched with a time limit (it ends inside a comment or \\Q...); end it with \\E or a newline",
                       pattern.size());
  // Without JIT (an unsupported machine) the interpreter runs the same pattern, under the same limits.
  pcre2_jit_compile(code.get(), PCRE2_JIT_COMPLETE);

  auto compiled = std::make_unique<Compiled>();
  compiled->code = std::move(code);
  auto shared = std::make_shared<const Pattern>(pattern, options, std::move(compiled));
  cache[key] = shared;
  return shared;
}

Pattern::Pattern(std::string text, PatternOptions options, std::unique_ptr<Compiled> compiled)
    : m_text(std::move(text)), m_options(options), m_compiled(std::move(compiled)) {}

Pattern::~Pattern() = default;

std::size_t Pattern::for_each(std::string_view text, const std::function<bool(const PatternMatch&)>& on_match,
                              std::chrono::milliseconds time_limit) const {
  ThreadMatcher& matcher = thread_matcher();
  Deadline deadline;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &deadline.at);
  const auto limit_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(time_limit).count();
  deadline.at.tv_sec += static_cast<time_t>(limit_ns / 1'000'000'000);
  deadline.at.tv_nsec += static_cast<long>(limit_ns % 1'000'000'000);
  if (deadline.at.tv_nsec >= 1'000'000'000) {
    deadline.at.tv_sec += 1;
    deadline.at.tv_nsec -= 1'000'000'000;
  }

  std::size_t found = 0;
  std::size_t from = 0;
  while (from <= text.size()) {
    // Set on every call: `on_match` may search with another pattern on this thread.
    pcre2_set_callout(matcher.context, check_deadline, &deadline);
    const int rc = pcre2_match(m_compiled->code.get(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), from, 0,
                               matcher.data, matcher.context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) throw_limit(rc, time_limit);
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(matcher.data);
    const PatternMatch match{ovector[0], ovector[1]};
    ++found;
    if (!on_match(match)) break;
    if (match.end > match.begin) {
      from = match.end;
    } else {
      if (match.end >= text.size()) break;
      std::size_t size = 1;
      utf8::decode(text, match.end, size);
      from = match.end + size;
    }
  }
  return found;
}

std::optional<PatternMatch> Pattern::find(std::string_view text, std::chrono::milliseconds time_limit) const {
  std::optional<PatternMatch> first;
  for_each(
      text,
      [&](const PatternMatch& match) {
        first = match;
        return false;
      },
      time_limit);
  return first;
}

std::size_t Pattern::count(std::string_view text, std::chrono::milliseconds time_limit) const {
  return for_each(text, [](const PatternMatch&) { return true; }, time_limit);
}

}  // namespace goodput
