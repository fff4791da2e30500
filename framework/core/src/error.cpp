// SPDX-License-Identifier: MIT
#include "goodput/error.hpp"

namespace goodput {

std::string SourceLocation::str() const {
  std::string s = file.empty() ? "<input>" : file.str();
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

namespace {
std::string compose(const SourceLocation& where, const std::string& field, const std::string& message) {
  std::string s = where.str() + ": ";
  if (!field.empty()) s += field + ": ";
  return s + message;
}
}  // namespace

ConfigError::ConfigError(SourceLocation where, std::string field, std::string message)
    : std::runtime_error(compose(where, field, message)),
      m_where(std::move(where)),
      m_field(std::move(field)),
      m_message(std::move(message)) {}

}  // namespace goodput
