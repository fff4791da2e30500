// SPDX-License-Identifier: MIT
// `regex`: std::regex, ECMAScript grammar, searched anywhere in the answer; `^`/`$` match at line
// starts/ends; `min_count`/`max_count` count non-overlapping matches. It works on bytes:
// `.` matches one byte, not one code point, so `.{3}` spans a single Japanese character and
// `[あい]` is a set of bytes; match Japanese text literally or with alternation `(あ|い)`.
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <utility>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/utf8.hpp"

namespace goodput::checkers::detail {

namespace {

// std::regex's backtracking executor recurses once per character it consumes, so a long
// answer overflows the stack and kills the process, and std::regex_search restarts it at every
// position, which is quadratic when the search fails. libstdc++'s polynomial mode runs without
// that recursion, and wrapping the pattern as `[\s\S]*?(P)[\s\S]*` turns the search into one
// linear pass that still finds the leftmost match. Polynomial mode refuses back-references;
// only those patterns fall back to the backtracking executor, on answers up to this size
// (measured safe with an 8 MiB stack, with room to spare for heavier patterns).
constexpr std::size_t k_max_recursive_bytes = 32 * 1024;

// libstdc++ compiles a pattern recursively, one level per term and per nested group: a pattern
// of 200,000 characters, or 20,000 nested groups in 40,000, overflows an 8 MiB stack and kills
// goodput while it loads the task file (found fuzzing the task loader; the inputs are
// fuzz/corpus/task_loader/regression-regex-*). This bound is far beyond any real assertion and
// far below the depth that overflows.
constexpr std::size_t k_max_pattern_bytes = 4096;

struct Compiled {
  std::regex regex;
  bool wrapped = false;  // one pass with regex_match; the user's match is group 1
  std::regex plain;      // the pattern alone, for counting matches
};

Compiled compile(const std::string& pattern, bool ignore_case) {
  // `^` and `$` match at line starts and ends: answers are multi-line text and patterns
  // like "^## 第" are about lines.
  auto flags = std::regex::ECMAScript | std::regex::multiline;
  if (ignore_case) flags |= std::regex::icase;
#if defined(__GLIBCXX__)
  const auto polynomial = flags | std::regex_constants::__polynomial;
  try {
    // Compiled alone first so that an error message is about the user's pattern.
    const std::regex alone(pattern, polynomial);
    return {std::regex("[\\s\\S]*?((?:" + pattern + "))[\\s\\S]*", polynomial), true, alone};
  } catch (const std::regex_error& error) {
    // Polynomial mode reports a back-reference as error_complexity; any other error is the
    // pattern's own and is reported as it is.
    if (error.code() != std::regex_constants::error_complexity) throw;
  }
#endif
  std::regex plain(pattern, flags);
  return {plain, false, plain};
}

class RegexChecker final : public Checker {
 public:
  RegexChecker(std::string pattern, bool ignore_case, Compiled compiled, std::int64_t min_count,
               std::optional<std::int64_t> max_count)
      : m_pattern(std::move(pattern)),
        m_ignore_case(ignore_case),
        m_regex(std::move(compiled.regex)),
        m_wrapped(compiled.wrapped),
        m_plain(std::move(compiled.plain)),
        m_min_count(min_count),
        m_max_count(max_count) {}

  CheckResult check(const Completion& completion) const override {
    const std::string& answer = completion.answer;
    if (counting()) return check_count(answer);
    if (!m_wrapped && answer.size() > k_max_recursive_bytes) {
      return {Outcome::error,
              "regex: pattern " + quote(m_pattern) +
                  " needs std::regex's recursive matcher (it has a back-reference), which "
                  "cannot search an answer of " +
                  with_commas(answer.size()) + " bytes safely (limit " +
                  with_commas(k_max_recursive_bytes) + "); rewrite it without back-references"};
    }
    try {
      std::smatch match;
      const bool found = m_wrapped ? std::regex_match(answer, match, m_regex)
                                   : std::regex_search(answer, match, m_regex);
      if (found) {
        const std::size_t group = m_wrapped ? 1 : 0;
        const auto begin = static_cast<std::size_t>(match.position(group));
        return {Outcome::pass, "regex: " + quote(m_pattern) + " matched " +
                                   quote(match.str(group)) + " at character " +
                                   with_commas(code_point_index(answer, begin) + 1)};
      }
    } catch (const std::exception& error) {
      return {Outcome::error,
              "regex: could not search for " + quote(m_pattern) + ": " + error.what()};
    }
    if (answer.empty()) {
      return {Outcome::fail, "regex: no match for " + quote(m_pattern) + ": the answer is empty"};
    }
    return {Outcome::fail, "regex: no match for " + quote(m_pattern) + suffix() + " in the answer (" +
                               with_commas(utf8::length(answer)) + " characters: " +
                               quote(answer) + ")"};
  }

  std::string describe() const override {
    return "matches regex " + quote(m_pattern) + suffix() + (counting() ? " " + count_range() : "");
  }

 private:
  std::string suffix() const { return m_ignore_case ? " (ignoring case)" : ""; }
  bool counting() const { return m_min_count != 1 || m_max_count.has_value(); }
  std::string count_range() const {
    if (m_max_count && m_min_count == 0) return "at most " + with_commas(static_cast<std::size_t>(*m_max_count)) + " times";
    if (!m_max_count) return "at least " + with_commas(static_cast<std::size_t>(m_min_count)) + " times";
    if (*m_max_count == m_min_count) return "exactly " + with_commas(static_cast<std::size_t>(m_min_count)) + " times";
    return with_commas(static_cast<std::size_t>(m_min_count)) + " to " + with_commas(static_cast<std::size_t>(*m_max_count)) + " times";
  }

  // Non-overlapping matches, counted in one left-to-right pass.
  CheckResult check_count(const std::string& answer) const {
    if (!m_wrapped && answer.size() > k_max_recursive_bytes)
      return {Outcome::error, "regex: pattern " + quote(m_pattern) + " has a back-reference and cannot be counted on an answer of " +
                                  with_commas(answer.size()) + " bytes; rewrite it without back-references"};
    std::int64_t count = 0;
    std::string first;
    try {
      for (auto it = std::sregex_iterator(answer.begin(), answer.end(), m_plain); it != std::sregex_iterator(); ++it) {
        if (count < 3) first += (first.empty() ? "" : ", ") + quote(it->str());
        ++count;
      }
    } catch (const std::exception& error) {
      return {Outcome::error, "regex: could not search for " + quote(m_pattern) + ": " + error.what()};
    }
    const bool ok = count >= m_min_count && (!m_max_count || count <= *m_max_count);
    std::string message = "regex: " + quote(m_pattern) + suffix() + " matched " + with_commas(static_cast<std::size_t>(count)) +
                          (count == 1 ? " time" : " times") + ", expected " + count_range();
    if (!first.empty()) message += " (first: " + first + ")";
    return {ok ? Outcome::pass : Outcome::fail, message};
  }

  std::string m_pattern;
  bool m_ignore_case = false;
  std::regex m_regex;
  bool m_wrapped = false;
  std::regex m_plain;
  std::int64_t m_min_count = 1;
  std::optional<std::int64_t> m_max_count;
};

}  // namespace

CheckerType regex_type() {
  return {"regex",
          "the answer matches a regular expression (ECMAScript, searched anywhere; works on bytes)",
          {{"pattern", ParamType::string, true,
            "ECMAScript regular expression, searched anywhere; '.' matches one byte, not one "
            "character; back-references only on answers up to 32 KiB"},
           {"ignore_case", ParamType::boolean, false, "ignore ASCII case (default false)"},
           {"min_count", ParamType::integer, false, "at least this many non-overlapping matches (default 1, or 0 when max_count is given)"},
           {"max_count", ParamType::integer, false, "at most this many matches (0 = must not match)"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            std::string pattern = params.string("pattern");
            const bool ignore_case = params.boolean("ignore_case", false);
            const std::optional<std::int64_t> max_count = params.optional_integer("max_count");
            // With only a maximum the pattern is a bound, not a requirement.
            const std::int64_t min_count = params.optional_integer("min_count").value_or(max_count ? 0 : 1);
            if (min_count < 0) throw ParamError("min_count", "regex: 'min_count' must not be negative");
            if (max_count && *max_count < 0) throw ParamError("max_count", "regex: 'max_count' must not be negative");
            if (max_count && *max_count < min_count)
              throw ParamError("max_count", "regex: 'max_count' (" + std::to_string(*max_count) + ") is below 'min_count' (" +
                                                std::to_string(min_count) + ")");
            if (pattern.empty()) {
              throw ParamError("pattern", "regex: 'pattern' is empty, which matches every "
                                          "answer; give the expression to search for");
            }
            if (pattern.size() > k_max_pattern_bytes) {
              throw ParamError("pattern", "regex: 'pattern' is " + with_commas(pattern.size()) +
                                              " bytes long; at most " + with_commas(k_max_pattern_bytes) +
                                              " are accepted (std::regex compiles recursively); split it "
                                              "into several regex assertions");
            }
            try {
              Compiled compiled = compile(pattern, ignore_case);
              return std::make_unique<RegexChecker>(std::move(pattern), ignore_case,
                                                    std::move(compiled), min_count, max_count);
            } catch (const std::regex_error& error) {
              throw ParamError("pattern", "regex: " + quote(pattern) +
                                              " is not a valid ECMAScript regular expression: " +
                                              error.what());
            }
          },
          /*negatable=*/true};
}

}  // namespace goodput::checkers::detail
