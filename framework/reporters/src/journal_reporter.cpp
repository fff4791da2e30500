// SPDX-License-Identifier: MIT
// The journal: one JSON line per finished run (results_json.hpp journal_line), each appended
// whole with one write() (goodput/journal_file.hpp), so a kill -9 can cut at most the last.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "goodput/journal_file.hpp"
#include "goodput/reporters.hpp"

namespace goodput {

namespace {

class JournalReporter final : public Reporter {
 public:
  explicit JournalReporter(const std::string& path) : m_path(path), m_file(path) {}

  void on_run_end(const RunRecord& run) override {
    if (!m_file.append(journal_line(run)))
      std::fprintf(stderr, "goodput: writing the journal %s failed: %s\n", m_path.c_str(), std::strerror(errno));
  }

 private:
  std::string m_path;
  LineAppender m_file;
};

}  // namespace

std::unique_ptr<Reporter> make_journal_reporter(const std::string& path) {
  return std::make_unique<JournalReporter>(path);
}

}  // namespace goodput
