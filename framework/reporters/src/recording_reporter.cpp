// SPDX-License-Identifier: MIT
// `goodput run --record DIR`: the evaluation's completions with their timing, for `--replay`
// (results_json.hpp describes the files and reads them back).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "goodput/error.hpp"
#include "goodput/journal_file.hpp"
#include "goodput/json_text.hpp"
#include "goodput/reporters.hpp"

namespace goodput {

namespace {

namespace fs = std::filesystem;

class RecordingReporter final : public Reporter {
 public:
  explicit RecordingReporter(std::string dir) : m_dir(std::move(dir)) {
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    if (ec) throw ConfigError({m_dir, 0, 0}, "--record", "cannot create the directory: " + ec.message());
    if (fs::exists(fs::path(m_dir) / "recording.jsonl"))
      throw ConfigError({m_dir, 0, 0}, "--record", "already holds a recording; choose another directory");
    m_out = std::make_unique<LineAppender>((fs::path(m_dir) / "recording.jsonl").string());
  }

  void on_plan(const Plan& plan) override {
    std::ofstream out(fs::path(m_dir) / "meta.json", std::ios::binary | std::ios::trunc);
    out << detail::json_text(recording_meta(plan), 2) << "\n";
  }

  // Written whole per run: an interrupted evaluation keeps what it finished.
  void on_run_end(const RunRecord& run) override {
    if (!m_out->append(recording_line(run)))
      std::fprintf(stderr, "goodput: writing the recording in %s failed: %s\n", m_dir.c_str(), std::strerror(errno));
  }

 private:
  std::string m_dir;
  std::unique_ptr<LineAppender> m_out;
};

}  // namespace

std::unique_ptr<Reporter> make_recording_reporter(const std::string& dir) { return std::make_unique<RecordingReporter>(dir); }

}  // namespace goodput
