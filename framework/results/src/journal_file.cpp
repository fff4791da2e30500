// SPDX-License-Identifier: MIT
#include "goodput/journal_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "goodput/error.hpp"

namespace goodput {

LineAppender::LineAppender(const std::string& path) {
  m_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (m_fd < 0) throw ConfigError({path, 0, 0}, "", std::string("cannot open it for appending: ") + std::strerror(errno));
}

LineAppender::~LineAppender() {
  if (m_fd >= 0) ::close(m_fd);
}

bool LineAppender::append(std::string_view line) {
  // One write() for the whole line; a regular file takes it whole unless the disk is full or
  // the process is killed during it. A short count (a signal) continues where it stopped.
  while (!line.empty()) {
    const ssize_t n = ::write(m_fd, line.data(), line.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    line.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

JsonlScan read_jsonl_lines(const std::string& path, const std::function<void(const std::string& line, int number)>& on_line) {
  JsonlScan scan;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    // getline stops at the end of the file without a line break: the writer never got to it.
    if (in.eof()) {
      scan.torn_bytes = line.size();
      break;
    }
    ++number;
    scan.whole_bytes += line.size() + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ++scan.lines;
    on_line(line, number);
  }
  return scan;
}

std::string torn_line_warning(const std::string& path, const JsonlScan& scan) {
  return "goodput: warning: " + path + ": its last line (" + std::to_string(scan.torn_bytes) +
         " bytes) was cut off when goodput was stopped while writing it; that run is left out";
}

std::optional<RunKey> run_key_of(const nlohmann::json& line) {
  if (!line.is_object()) return std::nullopt;
  const auto model = line.find("model");
  const auto task = line.find("task");
  const auto sample = line.find("sample");
  if (model == line.end() || task == line.end() || sample == line.end() || !model->is_string() || !task->is_string() ||
      !sample->is_number_integer())
    return std::nullopt;
  return RunKey{model->get<std::string>(), task->get<std::string>(), sample->get<std::int64_t>()};
}

JournalIndex index_journal(const std::string& path) {
  JournalIndex index;
  index.scan = read_jsonl_lines(path, [&](const std::string& text, int number) {
    const auto key = run_key_of(nlohmann::json::parse(text, nullptr, false));
    if (key)
      index.last_line[*key] = number;
    else
      ++index.unreadable;
  });
  return index;
}

}  // namespace goodput
