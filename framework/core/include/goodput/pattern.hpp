// SPDX-License-Identifier: MIT
// Regular expressions on UTF-8 text, the one engine goodput matches patterns with (the `regex`
// assertion, simulator answers): PCRE2 in UTF mode with Unicode properties, so `.`, classes,
// ranges and quantifiers work on code points, `\p{Han}` / `\p{Hiragana}` / `\p{Katakana}` exist,
// `\d` and `\w` include full-width digits and letters, and ignoring case folds Unicode (Ä/ä,
// Ａ/ａ). Perl/JavaScript syntax: lookarounds, named groups, back-references. `^` and `$` match
// at line starts and ends.
//
//   auto pattern = goodput::Pattern::get(R"(^第[１-９\d]+章)");   // throws PatternError
//   if (auto m = pattern->find(answer)) use(answer.substr(m->begin, m->end - m->begin));
//   std::size_t chapters = pattern->count(answer);              // throws PatternLimitError
//
// Each distinct (pattern, options) is compiled once per process and shared by every caller
// that holds it (10,000 tasks with one pattern hold one compiled pattern). Thread-safe.
//
// Bounded work on any text (answers are untrusted): one search from one position in the text
// takes at most k_pattern_match_limit backtracking steps, and one call of find() / count() /
// for_each() stops after k_pattern_time_limit in all; either bound, and the backtracking
// memory bound, ends the call with PatternLimitError instead of a result. Invalid UTF-8 in
// the text never matches anything and never stops a search (PCRE2_MATCH_INVALID_UTF).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace goodput {

// Backtracking steps from one start position (PCRE2's match limit).
inline constexpr std::uint32_t k_pattern_match_limit = 10'000'000;
// Wall time of one call of find(), count() or for_each(), checked at every start position.
inline constexpr std::chrono::milliseconds k_pattern_time_limit{5'000};
// Backtracking memory: the JIT stack of each thread, and the interpreter's heap when PCRE2
// has no JIT for the machine.
inline constexpr std::size_t k_pattern_stack_bytes = 8 * 1024 * 1024;

struct PatternOptions {
  bool ignore_case = false;  // Unicode case folding
  bool dotall = false;       // `.` matches a newline too
  bool operator==(const PatternOptions&) const = default;
};

// Byte offsets into the searched text, on code point boundaries: [begin, end).
struct PatternMatch {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// The pattern does not compile. what(): "<reason> at character N".
class PatternError : public std::runtime_error {
 public:
  PatternError(const std::string& pattern, const std::string& reason, std::size_t offset);
  const std::string& reason() const { return m_reason; }
  std::size_t offset() const { return m_offset; }  // byte offset PCRE2 reports in the pattern
  // Two lines: the pattern's line holding the offset and a caret under it (wide characters
  // counted as two columns), each starting with `indent`.
  std::string pointer(std::string_view indent) const;

 private:
  std::string m_pattern;
  std::string m_reason;
  std::size_t m_offset = 0;
};

// A search ended by a bound: what() says which, e.g. "hit the match limit (10,000,000
// backtracking steps from one position)". The text was not judged; the pattern is at fault.
class PatternLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Pattern {
 public:
  // The shared compiled form of `pattern`, compiled now if no caller holds it yet.
  static std::shared_ptr<const Pattern> get(std::string_view pattern, PatternOptions options = {});

  ~Pattern();
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  const std::string& text() const { return m_text; }
  PatternOptions options() const { return m_options; }

  // The leftmost match.
  std::optional<PatternMatch> find(std::string_view text, std::chrono::milliseconds time_limit = k_pattern_time_limit) const;
  // Non-overlapping matches left to right (an empty match moves on one code point), until
  // `on_match` returns false; returns how many were passed to it.
  std::size_t for_each(std::string_view text, const std::function<bool(const PatternMatch&)>& on_match,
                       std::chrono::milliseconds time_limit = k_pattern_time_limit) const;
  std::size_t count(std::string_view text, std::chrono::milliseconds time_limit = k_pattern_time_limit) const;

  struct Compiled;  // PCRE2's code, private to pattern.cpp
  Pattern(std::string text, PatternOptions options, std::unique_ptr<Compiled> compiled);

 private:
  std::string m_text;
  PatternOptions m_options;
  std::unique_ptr<Compiled> m_compiled;
};

}  // namespace goodput
