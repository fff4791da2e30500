// SPDX-License-Identifier: MIT
// The journal: one JSON line per finished run, written and flushed at once.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "goodput/reporters.hpp"

namespace goodput {

namespace {

class JournalReporter final : public Reporter {
 public:
  explicit JournalReporter(const std::string& path) : m_path(path) {
    m_file = std::fopen(path.c_str(), "a");
    if (!m_file) throw std::runtime_error("cannot open the journal " + path + ": " + std::strerror(errno));
  }
  ~JournalReporter() override {
    if (m_file) std::fclose(m_file);
  }
  JournalReporter(const JournalReporter&) = delete;
  JournalReporter& operator=(const JournalReporter&) = delete;

  void on_run_end(const RunRecord& run) override {
    // Invalid UTF-8 from a model must not make the journal unwritable.
    const std::string line = to_json(run).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
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
