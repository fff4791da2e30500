// SPDX-License-Identifier: MIT
// `regex`: a PCRE2 pattern (goodput/pattern.hpp) searched anywhere in the answer, on code points:
// `.` is one character, `[あ-ん]` a range of characters, `\p{Han}` a script, `\d` includes
// full-width digits; `^`/`$` match at line starts/ends; `min_count`/`max_count` count
// non-overlapping matches. A search that hits a bound of the engine is an error of the pattern
// on that answer, never the model's failure.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/pattern.hpp"
#include "goodput/utf8.hpp"

namespace goodput::checkers::detail {

namespace {

class RegexChecker final : public Checker {
 public:
  RegexChecker(std::shared_ptr<const Pattern> pattern, std::int64_t min_count, std::optional<std::int64_t> max_count)
      : m_pattern(std::move(pattern)), m_min_count(min_count), m_max_count(max_count) {}

  CheckResult check(const Completion& completion) const override {
    const std::string& answer = completion.answer;
    try {
      if (counting()) return check_count(answer);
      if (const auto match = m_pattern->find(answer)) {
        return {Outcome::pass, "regex: " + quote(m_pattern->text()) + " matched " +
                                   quote(std::string_view(answer).substr(match->begin, match->end - match->begin)) +
                                   " at character " + with_commas(code_point_index(answer, match->begin) + 1)};
      }
    } catch (const PatternLimitError& error) {
      return {Outcome::error, "regex: the pattern " + quote(m_pattern->text()) + " " + error.what() +
                                  " on this answer of " + with_commas(utf8::length(answer)) +
                                  " characters, so the answer was not judged; rewrite the pattern so that it "
                                  "backtracks less (nested quantifiers such as (a+)+ or (a|aa)+ try every split)"};
    }
    if (answer.empty()) {
      return {Outcome::fail, "regex: no match for " + quote(m_pattern->text()) + ": the answer is empty"};
    }
    return {Outcome::fail, "regex: no match for " + quote(m_pattern->text()) + suffix() + " in the answer (" +
                               with_commas(utf8::length(answer)) + " characters: " + quote(answer) + ")"};
  }

  std::string describe() const override {
    return "matches regex " + quote(m_pattern->text()) + suffix() + (counting() ? " " + count_range() : "");
  }

 private:
  std::string suffix() const {
    const PatternOptions options = m_pattern->options();
    if (options.ignore_case && options.dotall) return " (ignoring case, dot matches newlines)";
    if (options.ignore_case) return " (ignoring case)";
    return options.dotall ? " (dot matches newlines)" : "";
  }
  bool counting() const { return m_min_count != 1 || m_max_count.has_value(); }
  std::string count_range() const {
    if (m_max_count && m_min_count == 0) return "at most " + with_commas(*m_max_count) + " times";
    if (!m_max_count) return "at least " + with_commas(m_min_count) + " times";
    if (*m_max_count == m_min_count) return "exactly " + with_commas(m_min_count) + " times";
    return with_commas(m_min_count) + " to " + with_commas(*m_max_count) + " times";
  }

  // Non-overlapping matches, counted in one left-to-right pass.
  CheckResult check_count(const std::string& answer) const {
    std::string first;
    std::size_t quoted = 0;
    const std::size_t count = m_pattern->for_each(answer, [&](const PatternMatch& match) {
      if (quoted++ < 3)
        first += (first.empty() ? "" : ", ") + quote(std::string_view(answer).substr(match.begin, match.end - match.begin));
      return true;
    });
    const auto signed_count = static_cast<std::int64_t>(count);
    const bool ok = signed_count >= m_min_count && (!m_max_count || signed_count <= *m_max_count);
    std::string message = "regex: " + quote(m_pattern->text()) + suffix() + " matched " + with_commas(count) +
                          (count == 1 ? " time" : " times") + ", expected " + count_range();
    if (!first.empty()) message += " (first: " + first + ")";
    return {ok ? Outcome::pass : Outcome::fail, message};
  }

  std::shared_ptr<const Pattern> m_pattern;
  std::int64_t m_min_count = 1;
  std::optional<std::int64_t> m_max_count;
};

}  // namespace

CheckerType regex_type() {
  return {"regex",
          "the answer matches a regular expression (PCRE2 on characters, searched anywhere)",
          {{"pattern", ParamType::string, true,
            "PCRE2 (Perl/JavaScript) regular expression on characters, searched anywhere: `.` is one "
            "character, \\p{Han} \\p{Hiragana} \\p{Katakana} are scripts, \\d includes full-width digits, "
            "^ and $ match at line starts and ends"},
           {"ignore_case", ParamType::boolean, false, "ignore case, Unicode-wide: Ä/ä, Ａ/ａ (default false)"},
           {"dotall", ParamType::boolean, false, "`.` matches a newline too (default false)"},
           {"min_count", ParamType::integer, false, "at least this many non-overlapping matches (default 1, or 0 when max_count is given)"},
           {"max_count", ParamType::integer, false, "at most this many matches (0 = must not match)"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const std::string pattern = params.string("pattern");
            const PatternOptions options{params.boolean("ignore_case", false), params.boolean("dotall", false)};
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
            try {
              return std::make_unique<RegexChecker>(Pattern::get(pattern, options), min_count, max_count);
            } catch (const PatternError& error) {
              throw ParamError("pattern", "regex: " + quote(pattern) + " is not a valid regular expression: " +
                                              error.what() + "\n" + error.pointer("    "));
            }
          },
          /*negatable=*/true};
}

}  // namespace goodput::checkers::detail
