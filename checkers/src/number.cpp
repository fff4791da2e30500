// SPDX-License-Identifier: MIT
// `number`: some number in the answer (any form find_numbers reads, any of its readings) is
// the expected one within tolerance, optionally only numbers near a keyword.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/checkers/number_finder.hpp"
#include "text_match.hpp"

namespace goodput::checkers::detail {

namespace {

constexpr std::int64_t k_default_window = 40;
constexpr std::size_t k_listed_numbers = 10;

// "10万 (=100000)", but just "60%" or "1,000" where the text already says the value.
std::string show(const FoundNumber& number) {
  std::string plain;
  for (const char c : fold_for_match(number.text)) {
    if (c != ',' && c != ' ') plain += c;
  }
  for (const std::string_view suffix : {"%", "パーセント", "percent"}) {
    if (plain.size() > suffix.size() && plain.ends_with(suffix)) {
      plain.resize(plain.size() - suffix.size());
      break;
    }
  }
  if (plain.starts_with('+')) plain.erase(0, 1);
  const std::string value = format_number(number.value);
  return plain == value ? number.text : number.text + " (=" + value + ")";
}

std::string show_list(const std::vector<const FoundNumber*>& numbers) {
  std::string out;
  for (std::size_t n = 0; n < numbers.size() && n < k_listed_numbers; ++n) {
    if (n > 0) out += ", ";
    out += show(*numbers[n]);
  }
  if (numbers.size() > k_listed_numbers) {
    out += ", … (" + with_commas(numbers.size() - k_listed_numbers) + " more)";
  }
  return out;
}

class NumberChecker final : public Checker {
 public:
  NumberChecker(double expected, double tolerance, double relative, std::optional<std::string> near,
                std::size_t window)
      : m_expected(expected),
        m_tolerance(tolerance),
        m_relative(relative),
        m_near(std::move(near)),
        m_window(window) {}

  CheckResult check(const Completion& completion) const override {
    const std::string& answer = completion.answer;
    const std::vector<FoundNumber> numbers = find_numbers(answer);
    std::vector<const FoundNumber*> all;
    all.reserve(numbers.size());
    for (const FoundNumber& number : numbers) all.push_back(&number);

    std::vector<const FoundNumber*> candidates = all;
    std::size_t keyword_count = 0;
    if (m_near) {
      const auto near = near_keyword(answer, all);
      candidates = near.first;
      keyword_count = near.second;
      if (keyword_count == 0) {
        return {Outcome::fail, "number: expected " + expectation() + ", but " + quote(*m_near) +
                                   " does not appear in the answer" + elsewhere(all)};
      }
    }

    for (const FoundNumber* number : candidates) {
      for (const double reading : number->interpretations) {
        if (!matches(reading)) continue;
        std::string message = "number: found " + quote(number->text);
        if (reading != number->value) message += " read as " + format_number(reading);
        message += " at character " + with_commas(code_point_index(answer, number->begin) + 1);
        if (m_near) message += " near " + quote(*m_near);
        return {Outcome::pass, std::move(message)};
      }
    }

    std::string message = "number: expected " + expectation();
    if (numbers.empty()) return {Outcome::fail, message + "; the answer contains no numbers"};
    if (!m_near) {
      return {Outcome::fail, message + "; numbers found: " + show_list(all) + " — none within tolerance"};
    }
    if (candidates.empty()) {
      return {Outcome::fail, message + "; no numbers within " + with_commas(m_window) +
                                 " characters of it (" + quote(*m_near) + " appears " +
                                 times(keyword_count) + ")" + elsewhere(all)};
    }
    return {Outcome::fail,
            message + "; numbers found near it: " + show_list(candidates) + " — none within tolerance"};
  }

  std::string describe() const override {
    std::string text = "the number " + format_number(m_expected) + " (" + tolerance() + ")";
    if (m_near) text += " within " + with_commas(m_window) + " characters of " + quote(*m_near);
    return text;
  }

 private:
  bool matches(double reading) const {
    const double allowed = std::max(m_tolerance, m_relative * std::fabs(m_expected));
    // Readings such as 7% -> 0.07 are computed, and rarely the nearest double to what a YAML
    // file says; a tolerance of 0 must still accept them.
    const double slack = 1e-9 * std::max(1.0, std::fabs(m_expected));
    return std::fabs(reading - m_expected) <= allowed + slack;
  }

  std::string tolerance() const {
    // Rounded so that 0.07 shows as 7%, not as the 7.000000000000001 the product is.
    const std::string relative = format_number(std::round(m_relative * 100 * 1e9) / 1e9) + "%";
    if (m_relative > 0 && m_tolerance > 0) {
      return "±max(" + format_number(m_tolerance) + ", " + relative + ")";
    }
    return "±" + (m_relative > 0 ? relative : format_number(m_tolerance));
  }

  std::string expectation() const {
    std::string text = format_number(m_expected) + " (" + tolerance() + ")";
    if (m_near) text += " near " + quote(*m_near);
    return text;
  }

  static std::string times(std::size_t count) {
    return count == 1 ? "once" : with_commas(count) + " times";
  }

  static std::string elsewhere(const std::vector<const FoundNumber*>& all) {
    return all.empty() ? "; the answer contains no numbers"
                       : "; numbers elsewhere: " + show_list(all);
  }

  // The numbers within the window of any occurrence of the keyword, compared after folding
  // case and width like icontains, and how many occurrences there are.
  std::pair<std::vector<const FoundNumber*>, std::size_t> near_keyword(
      const std::string& answer, const std::vector<const FoundNumber*>& all) const {
    const std::string folded = fold_for_match(answer);
    const std::string keyword = fold_for_match(*m_near);
    const std::vector<std::size_t> found = find_all(folded, keyword);
    std::pair<std::vector<const FoundNumber*>, std::size_t> result{{}, found.size()};
    if (found.empty()) return result;

    // Folding keeps one code point per code point, so positions in code points agree.
    const CodePointIndex folded_index(folded);
    const CodePointIndex answer_index(answer);
    const std::size_t keyword_length = CodePointIndex(keyword).size();
    std::vector<std::size_t> starts;
    starts.reserve(found.size());
    for (const std::size_t byte : found) starts.push_back(folded_index.index_of(byte));

    for (const FoundNumber* number : all) {
      const std::size_t first = answer_index.index_of(number->begin);
      const std::size_t last = answer_index.index_of(number->end);
      // Occurrences do not overlap and share a length, so the nearest is one of the two
      // around the number's start.
      const auto after = std::lower_bound(starts.begin(), starts.end(), first);
      bool near = false;
      if (after != starts.end()) near = *after <= last + m_window;
      if (!near && after != starts.begin()) {
        const std::size_t end = *(after - 1) + keyword_length;
        near = end + m_window >= first;
      }
      if (near) result.first.push_back(number);
    }
    return result;
  }

  double m_expected;
  double m_tolerance;
  double m_relative;
  std::optional<std::string> m_near;
  std::size_t m_window;
};

double non_negative(const Params& params, const char* field, double fallback) {
  const double value = params.optional_number(field).value_or(fallback);
  if (!std::isfinite(value) || value < 0) {
    throw ParamError(field, std::string("number: '") + field + "' is " + format_number(value) +
                                "; give a number of 0 or more");
  }
  return value;
}

}  // namespace

CheckerType number_type() {
  return {"number",
          "the answer states a number (100,000 / 10万 / １０万 / 60% ...) within tolerance",
          {{"expected", ParamType::number, true, "the number that must appear"},
           {"tolerance", ParamType::number, false, "absolute tolerance (default 0)"},
           {"relative_tolerance", ParamType::number, false,
            "relative tolerance, 0.05 for 5%; the larger of the two applies (default 0)"},
           {"near", ParamType::string, false,
            "only count numbers near this keyword (case and full-width forms ignored)"},
           {"window", ParamType::integer, false,
            "characters either side of the keyword that count as near (default 40)"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const double expected = params.number("expected");
            if (!std::isfinite(expected)) {
              throw ParamError("expected", "number: 'expected' is " + format_number(expected) +
                                               "; give a finite number");
            }
            const double tolerance = non_negative(params, "tolerance", 0);
            const double relative = non_negative(params, "relative_tolerance", 0);
            auto near = params.optional_string("near");
            const auto window = params.optional_integer("window");
            if (near && near->empty()) {
              throw ParamError("near", "number: 'near' is empty; give a keyword, or leave it out "
                                       "to accept numbers anywhere");
            }
            if (window && !near) {
              throw ParamError("window", "number: 'window' only applies with 'near'; add the "
                                         "keyword the number must be near");
            }
            if (window && *window < 0) {
              throw ParamError("window", "number: 'window' is " + with_commas(*window) +
                                             "; give a number of characters, 0 or more");
            }
            return std::make_unique<NumberChecker>(expected, tolerance, relative, std::move(near),
                                                   static_cast<std::size_t>(window.value_or(k_default_window)));
          },
          /*negatable=*/true};
}

}  // namespace goodput::checkers::detail
