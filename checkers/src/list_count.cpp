// SPDX-License-Identifier: MIT
// `list-count`: the answer is a numbered list of the right size, numbered 1..N in order.
// An item is a line that starts (after indentation, an optional markdown bullet and bold
// markers) with a number and `.`, `)`, `．`, `）` or `、`, or with `(1)`; ASCII or full-width
// digits. Headings, fenced code and nested sub-lists are not items; "3.5 は…" and "2025年"
// are not items either.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "goodput/utf8.hpp"

namespace goodput::checkers::detail {

namespace {

constexpr std::size_t k_max_digits = 6;
constexpr std::size_t k_line_excerpt = 40;
constexpr std::string_view k_ideographic_comma = "、";

struct Item {
  std::int64_t number = 0;
  std::size_t line = 0;       // 1-based
  std::size_t indent = 0;     // columns before the marker
  std::size_t delimiter = 0;  // column of the character after the digits
  std::string_view text;      // the whole line
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t skip_spaces(std::string_view s, std::size_t p, std::size_t* columns = nullptr) {
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) {
    if (columns) *columns += s[p] == '\t' ? 4 : 1;
    ++p;
  }
  return p;
}

// The item number a line starts with, and its columns; nullopt for any other line.
std::optional<Item> parse_item(std::string_view original) {
  const std::string folded = utf8::fold_full_width(original);
  const std::string_view s = folded;
  Item item;
  std::size_t p = skip_spaces(s, 0, &item.indent);
  const std::size_t after_indent = p;
  if (p + 1 < s.size() && (s[p] == '-' || s[p] == '*' || s[p] == '+') && s[p + 1] == ' ') {
    p = skip_spaces(s, p + 1);
  } else {
    for (const std::string_view bullet : {"・", "•"}) {
      if (s.substr(p).starts_with(bullet)) {
        p = skip_spaces(s, p + bullet.size());
        break;
      }
    }
  }
  for (int marks = 0; marks < 3 && p < s.size() && (s[p] == '*' || s[p] == '_'); ++marks) ++p;
  const bool parenthesised = p < s.size() && s[p] == '(';
  if (parenthesised) ++p;
  const std::size_t digits_begin = p;
  while (p < s.size() && is_digit(s[p]) && p - digits_begin <= k_max_digits) ++p;
  const std::size_t digits = p - digits_begin;
  if (digits == 0 || digits > k_max_digits) return std::nullopt;
  item.delimiter = item.indent + utf8::length(s.substr(after_indent, p - after_indent));
  if (p >= s.size()) return std::nullopt;
  const std::string_view rest = s.substr(p);
  if (parenthesised) {
    if (rest[0] != ')') return std::nullopt;
  } else if (rest[0] == '.') {
    if (rest.size() > 1 && is_digit(rest[1])) return std::nullopt;  // a decimal: "3.5"
  } else if (rest[0] != ')' && !rest.starts_with(k_ideographic_comma)) {
    return std::nullopt;
  }
  for (std::size_t d = digits_begin; d < digits_begin + digits; ++d) {
    item.number = item.number * 10 + (s[d] - '0');
  }
  item.text = original;
  return item;
}

bool is_fence(std::string_view line, char& marker) {
  const std::size_t p = skip_spaces(line, 0);
  const std::string_view rest = line.substr(p);
  if (rest.starts_with("```")) marker = '`';
  else if (rest.starts_with("~~~")) marker = '~';
  else return false;
  return true;
}

struct Scan {
  std::vector<Item> items;
  std::size_t numbered_headings = 0;
};

Scan scan(std::string_view answer) {
  Scan result;
  std::vector<Item> candidates;
  char fence = 0;
  std::size_t line_number = 0;
  for (std::size_t begin = 0; begin <= answer.size();) {
    std::size_t end = answer.find('\n', begin);
    if (end == std::string_view::npos) end = answer.size();
    std::string_view line = answer.substr(begin, end - begin);
    begin = end + 1;
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);

    char marker = 0;
    if (is_fence(line, marker)) {
      if (fence == 0) fence = marker;
      else if (fence == marker) fence = 0;
      continue;
    }
    if (fence != 0) continue;

    const std::size_t p = skip_spaces(line, 0);
    if (p < line.size() && line[p] == '#') {
      std::size_t q = p;
      while (q < line.size() && line[q] == '#') ++q;
      if (parse_item(line.substr(q))) ++result.numbered_headings;
      continue;
    }
    if (auto item = parse_item(line)) {
      item->line = line_number;
      candidates.push_back(*item);
    }
  }
  if (candidates.empty()) return result;

  // A sub-list sits deeper both where its line starts and where its number ends; numbers
  // that are merely right-aligned ("  9." above " 10.") share the second column.
  std::size_t base_indent = candidates.front().indent;
  std::size_t base_delimiter = candidates.front().delimiter;
  for (const Item& item : candidates) {
    base_indent = std::min(base_indent, item.indent);
    base_delimiter = std::min(base_delimiter, item.delimiter);
  }
  for (const Item& item : candidates) {
    if (item.indent >= base_indent + 2 && item.delimiter >= base_delimiter + 2) continue;
    result.items.push_back(item);
  }
  return result;
}

struct Break {
  std::string what;
  const Item* at = nullptr;
};

std::optional<Break> first_break(const std::vector<Item>& items) {
  if (items.empty()) return std::nullopt;
  if (items.front().number != 1) {
    return Break{"numbering starts at " + with_commas(items.front().number) + ", not 1", &items.front()};
  }
  for (std::size_t n = 1; n < items.size(); ++n) {
    const std::int64_t previous = items[n - 1].number;
    const std::int64_t number = items[n].number;
    if (number == previous + 1) continue;
    std::string what;
    if (number == previous) what = "duplicate " + with_commas(number);
    else if (number == 1) what = "numbering restarts at 1 after " + with_commas(previous);
    else if (number > previous) what = "numbering jumps from " + with_commas(previous) + " to " + with_commas(number);
    else what = "numbering goes back from " + with_commas(previous) + " to " + with_commas(number);
    return Break{std::move(what), &items[n]};
  }
  return std::nullopt;
}

std::string show_line(const Item& item) {
  std::string_view text = item.text;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return "line " + with_commas(item.line) + ": " + quote(text, k_line_excerpt);
}

class ListCountChecker final : public Checker {
 public:
  ListCountChecker(std::optional<std::int64_t> min, std::optional<std::int64_t> max) : m_min(min), m_max(max) {}

  CheckResult check(const Completion& completion) const override {
    const Scan found = scan(completion.answer);
    const auto count = static_cast<std::int64_t>(found.items.size());
    const bool count_ok = (!m_min || count >= *m_min) && (!m_max || count <= *m_max);
    const auto broken = first_break(found.items);
    if (count_ok && !broken) {
      return {Outcome::pass, "list-count: " + with_commas(count) + " numbered items, numbered 1.." +
                                 with_commas(count)};
    }

    std::string message = "list-count: ";
    if (count == 0) {
      message += "no numbered items found, expected " + bounds();
      if (found.numbered_headings > 0) {
        message += " (" + with_commas(found.numbered_headings) +
                   " numbered headings such as '## 1. …' are not list items)";
      }
    } else {
      message += with_commas(count) + " numbered items";
      if (!count_ok) message += ", expected " + bounds();
      if (broken) {
        message += (count_ok ? ", but " : "; ") + broken->what + " (" + show_line(*broken->at) + ")";
      } else {
        message += " (numbered 1.." + with_commas(count) + "; the last is " +
                   show_line(found.items.back()) + ")";
      }
    }
    if (completion.stop_reason == StopReason::length && !count_ok) {
      message += "; the answer was cut by the token limit (stop reason 'length')";
    }
    return {Outcome::fail, std::move(message)};
  }

  std::string describe() const override {
    if (m_min && m_max && *m_min == *m_max) {
      return with_commas(*m_min) + " numbered items, numbered 1.." + with_commas(*m_min);
    }
    return bounds() + " numbered items, numbered from 1 without gaps";
  }

 private:
  std::string bounds() const {
    if (m_min && m_max) {
      return *m_min == *m_max ? with_commas(*m_min)
                              : "between " + with_commas(*m_min) + " and " + with_commas(*m_max);
    }
    return m_min ? "at least " + with_commas(*m_min) : "at most " + with_commas(*m_max);
  }

  std::optional<std::int64_t> m_min;
  std::optional<std::int64_t> m_max;
};

void require_non_negative(const char* field, std::optional<std::int64_t> value) {
  if (value && *value < 0) {
    throw ParamError(field, std::string("list-count: '") + field + "' is " + with_commas(*value) +
                                "; it cannot be negative");
  }
}

}  // namespace

CheckerType list_count_type() {
  return {"list-count",
          "the answer is a numbered list of N items, numbered 1..N (code blocks ignored)",
          {{"count", ParamType::integer, false, "exact number of items"},
           {"min", ParamType::integer, false, "fewest items allowed"},
           {"max", ParamType::integer, false, "most items allowed"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const auto count = params.optional_integer("count");
            auto min = params.optional_integer("min");
            auto max = params.optional_integer("max");
            require_non_negative("count", count);
            require_non_negative("min", min);
            require_non_negative("max", max);
            if (count && (min || max)) {
              throw ParamError("count", "list-count: give 'count', or 'min' and/or 'max', not both");
            }
            if (!count && !min && !max) {
              throw ParamError("count", "list-count: give 'count', 'min' or 'max'");
            }
            if (min && max && *min > *max) {
              throw ParamError("max", "list-count: 'max' (" + with_commas(*max) + ") is less than 'min' (" +
                                          with_commas(*min) + ")");
            }
            if (count) min = max = count;
            return std::make_unique<ListCountChecker>(min, max);
          }};
}

}  // namespace goodput::checkers::detail
