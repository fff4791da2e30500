// SPDX-License-Identifier: MIT
// Selecting tasks by id with GoogleTest's --gtest_filter syntax, so people and CI scripts
// that know gtest need nothing new:
//
//   goodput run --filter 'seed.*:mini.capital-seed.long*'
//
// A filter is POSITIVE[-NEGATIVE]; each side is a ':'-separated list of patterns over the
// whole task id `Suite.Name`, where '*' matches any run of characters (also none) and '?'
// exactly one. An id is selected when some positive pattern matches it and no negative one
// does. As in gtest: only the first '-' splits (later ones belong to the negative patterns),
// an empty positive side before a '-' means '*' ("-a.b" runs everything but a.b), an empty
// pattern matches only the empty id, and so the filter "" selects nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace goodput {

class TaskFilter {
 public:
  TaskFilter() : TaskFilter("*") {}
  // Never throws: every string is a valid gtest filter.
  explicit TaskFilter(std::string_view filter);

  bool matches(std::string_view task_id) const;
  const std::string& text() const { return m_text; }  // as given, for logs and results
  bool selects_everything() const { return m_text == "*"; }

 private:
  std::string m_text;
  std::vector<std::string> m_positive;
  std::vector<std::string> m_negative;
};

// '*' and '?' wildcards over the whole of `text` (gtest's PatternMatchesString).
bool glob_matches(std::string_view pattern, std::string_view text);

}  // namespace goodput
