// SPDX-License-Identifier: MIT
#include "goodput/filter.hpp"

#include <algorithm>

namespace goodput {

namespace {

// gtest's SplitString: "a::b" gives {"a", "", "b"} and "" gives {""}; empty patterns are kept
// because gtest keeps them (an empty pattern matches only an empty id).
std::vector<std::string> split(std::string_view text, char delimiter) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (true) {
    const std::size_t at = text.find(delimiter, pos);
    if (at == std::string_view::npos) {
      parts.emplace_back(text.substr(pos));
      return parts;
    }
    parts.emplace_back(text.substr(pos, at - pos));
    pos = at + 1;
  }
}

bool any_matches(const std::vector<std::string>& patterns, std::string_view id) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return glob_matches(p, id); });
}

}  // namespace

bool glob_matches(std::string_view pattern, std::string_view text) {
  // Greedy matching with one backtrack point (the last '*'): same answers as gtest's
  // recursive matcher, without its exponential worst case on patterns like "*a*a*a*b".
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && pattern[p] == text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

TaskFilter::TaskFilter(std::string_view filter) : m_text(filter) {
  const std::size_t dash = filter.find('-');
  if (dash == std::string_view::npos) {
    m_positive = split(filter, ':');
    return;
  }
  const std::string_view positive = filter.substr(0, dash);
  m_positive = split(positive.empty() ? std::string_view("*") : positive, ':');
  m_negative = split(filter.substr(dash + 1), ':');
}

bool TaskFilter::matches(std::string_view task_id) const {
  return any_matches(m_positive, task_id) && !any_matches(m_negative, task_id);
}

}  // namespace goodput
