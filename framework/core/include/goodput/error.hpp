// SPDX-License-Identifier: MIT
// Errors in what the user gave goodput (task files, models files, flags). Each names the
// file, line, column and field, and the CLI turns it into exit code 2 before any request.
#pragma once

#include <stdexcept>
#include <string>

namespace goodput {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string str() const;  // "tasks/seed/r0.yaml:12:5", or just the file
};

class ConfigError : public std::runtime_error {
 public:
  // what(): "<file>:<line>:<col>: <field>: <message>"
  ConfigError(SourceLocation where, std::string field, std::string message);
  const SourceLocation& where() const { return m_where; }
  const std::string& field() const { return m_field; }
  const std::string& message() const { return m_message; }

 private:
  SourceLocation m_where;
  std::string m_field;
  std::string m_message;
};

}  // namespace goodput
