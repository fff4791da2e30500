// SPDX-License-Identifier: MIT
// Numbers as the reports print them. Private to the reporters.
#pragma once

#include <iomanip>
#include <sstream>
#include <string>

#include "goodput/statistics.hpp"  // SecondsPerCorrect
#include "goodput/stats.hpp"       // RunStats

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

// Judged runs whose text did not all come token by token (README "Metrics", delivery shape),
// with their own figures: "8 of 8 runs block stream · time to first text p50 0.62 s · effective
// rate p50 95.1 tok/s", and the token streams' count when there were some too. `seconds` and
// `rate` are the report's wording of a time and of a rate in tok/s.
template <typename Seconds, typename Rate>
std::string delivery_text(const RunStats& s, Seconds seconds, Rate rate) {
  std::string shapes;
  if (s.block_stream_runs > 0 && s.single_body_runs > 0)
    shapes = "block stream (" + std::to_string(s.block_stream_runs) + "), single body (" + std::to_string(s.single_body_runs) + ")";
  else
    shapes = s.block_stream_runs > 0 ? "block stream" : "single body";
  std::string text = std::to_string(s.not_token_streamed()) + " of " + std::to_string(s.token_stream_runs + s.not_token_streamed()) +
                     " runs " + shapes;
  if (s.token_stream_runs > 0) text += " (the " + std::to_string(s.token_stream_runs) + " token-stream runs have the TTFT and decode)";
  return text + " · time to first text p50 " + seconds(s.first_text_s.median()) + " · effective rate p50 " + rate(s.effective_tps.median());
}

}  // namespace goodput::detail
