// SPDX-License-Identifier: MIT
// Errors in what the user gave goodput (task files, models files, flags). Each names the
// file, line, column and field, and the CLI turns it into exit code 2 before any request.
#pragma once

#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

namespace goodput {

// A file's name, one copy shared by every place in the file: the 10,000 tasks of a task file
// and their assertions hold one string, not 50,000 (a path longer than 15 bytes is an
// allocation each). Reads as the std::string it holds.
class FileName {
 public:
  FileName() = default;
  FileName(std::string name)  // NOLINT: a file name is a string
      : m_name(name.empty() ? nullptr : std::make_shared<const std::string>(std::move(name))) {}
  FileName(const char* name) : FileName(std::string(name)) {}  // NOLINT
  operator const std::string&() const { return str(); }        // NOLINT
  const std::string& str() const {
    static const std::string k_none;
    return m_name ? *m_name : k_none;
  }
  bool empty() const { return !m_name; }
  friend bool operator==(const FileName& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const FileName& a, const char* b) { return a.str() == b; }
  friend bool operator==(const FileName& a, const FileName& b) { return a.str() == b.str(); }
  friend std::ostream& operator<<(std::ostream& out, const FileName& name) { return out << name.str(); }

 private:
  std::shared_ptr<const std::string> m_name;
};

struct SourceLocation {
  FileName file;
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
