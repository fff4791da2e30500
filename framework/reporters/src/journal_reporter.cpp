// SPDX-License-Identifier: MIT
// The journal: one JSON line per finished run (results_json.hpp journal_line), written and
// flushed at once.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "goodput/error.hpp"
#include "goodput/reporters.hpp"

namespace goodput {

namespace {

class JournalReporter final : public Reporter {
 public:
  explicit JournalReporter(const std::string& path) : m_path(path) {
    m_file = std::fopen(path.c_str(), "a");
    if (!m_file) throw ConfigError({path, 0, 0}, "", std::string("cannot open the journal: ") + std::strerror(errno));
  }
  ~JournalReporter() override {
    if (m_file) std::fclose(m_file);
  }
  JournalReporter(const JournalReporter&) = delete;
  JournalReporter& operator=(const JournalReporter&) = delete;

  void on_run_end(const RunRecord& run) override {
    const std::string line = journal_line(run);
    if (std::fwrite(line.data(), 1, line.size(), m_file) != line.size() || std::fflush(m_file) != 0)
      std::fprintf(stderr, "goodput: writing the journal %s failed: %s\n", m_path.c_str(), std::strerror(errno));
  }

 private:
  std::string m_path;
  std::FILE* m_file = nullptr;
};

}  // namespace

std::unique_ptr<Reporter> make_journal_reporter(const std::string& path) {
  return std::make_unique<JournalReporter>(path);
}

}  // namespace goodput
