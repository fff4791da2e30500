// SPDX-License-Identifier: MIT
// Numbers as the reports print them. Private to the reporters.
#pragma once

#include <iomanip>
#include <sstream>
#include <string>

namespace goodput::detail {

// `v` with exactly `digits` digits after the point.
inline std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

}  // namespace goodput::detail
