// SPDX-License-Identifier: MIT
// Numbers as the reports print them. Private to the reporters.
#pragma once

#include <iomanip>
#include <sstream>
#include <string>

#include "goodput/statistics.hpp"  // SecondsPerCorrect

namespace goodput::detail {

// `v` with exactly `digits` digits after the point.
inline std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

// Seconds per correct answer with the tasks never solved beside it: "11.49 s (6 tasks never
// solved)", or without a value "— (no correct answer; 3 tasks never solved)". `value` is the
// report's wording of per_correct.seconds, `none` its mark for a missing figure.
inline std::string per_correct_text(const SecondsPerCorrect& per_correct, int never_solved, const std::string& value,
                                    const std::string& none) {
  std::string notes = per_correct.seconds ? "" : std::string(to_string(per_correct.missing));
  if (never_solved > 0)
    notes += (notes.empty() ? "" : "; ") + std::to_string(never_solved) + (never_solved == 1 ? " task" : " tasks") + " never solved";
  return (per_correct.seconds ? value : none) + (notes.empty() ? "" : " (" + notes + ")");
}

}  // namespace goodput::detail
