// SPDX-License-Identifier: MIT
#include "file_text.hpp"

#include <fstream>
#include <sstream>

namespace goodput::checkers::detail {

std::optional<std::string> file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace goodput::checkers::detail
