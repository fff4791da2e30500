// SPDX-License-Identifier: MIT
// JSON Lines files that survive `kill -9` at any instant: the journal (journal.jsonl) and a
// recording's recording.jsonl. A line is appended with one write() on an O_APPEND descriptor,
// its line break last, so a kill leaves every earlier line whole and at most the last one cut
// short (Linux may stop a large write part-way when the process is killed). Every reader goes
// through read_jsonl_lines, which leaves such a cut last line out and says so.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "goodput/results.hpp"  // RunKey

namespace goodput {

class LineAppender {
 public:
  // Opens (creating) `path` for appending. Throws ConfigError naming it when it cannot.
  explicit LineAppender(const std::string& path);
  ~LineAppender();
  LineAppender(const LineAppender&) = delete;
  LineAppender& operator=(const LineAppender&) = delete;

  // Appends `line` (which ends with its line break) whole; false (errno set) when the file
  // cannot take it (disk full, I/O error).
  bool append(std::string_view line);

 private:
  int m_fd = -1;
};

struct JsonlScan {
  std::uintmax_t whole_bytes = 0;  // the file up to the end of its last whole line
  std::uintmax_t torn_bytes = 0;   // after that: a last line cut by a kill (0: none)
  int lines = 0;                   // whole lines passed on
};

// Calls on_line(line, number) for each whole, non-blank line of `path` (number is 1-based);
// a last line without its line break is not passed on (scan.torn_bytes says how long it was).
// A file that does not exist reads as empty.
JsonlScan read_jsonl_lines(const std::string& path, const std::function<void(const std::string& line, int number)>& on_line);

// "goodput: warning: <path>: its last line (N bytes) was cut off when goodput was killed while
// writing it; that run is left out" — what every reader prints for a scan with a torn line.
std::string torn_line_warning(const std::string& path, const JsonlScan& scan);

// The runs of a journal: for each run, the number of its last line (a run redone by
// `--resume` appears again further down; its last line is the one that counts). Lines that are
// not a run (not JSON, no model, task or sample) are counted in `unreadable`.
struct JournalIndex {
  std::map<RunKey, int> last_line;
  int unreadable = 0;
  JsonlScan scan;
};
JournalIndex index_journal(const std::string& path);
// The run a journal line names; nullopt when the line is not a run.
std::optional<RunKey> run_key_of(const nlohmann::json& line);

}  // namespace goodput
