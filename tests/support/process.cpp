// SPDX-License-Identifier: MIT
#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "support/files.hpp"

namespace goodput::test {

std::string goodput_binary() { return GOODPUT_BINARY; }

std::vector<char*> exec_array(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    if (entry.starts_with("GTEST_TOTAL_SHARDS=") || entry.starts_with("GTEST_SHARD_INDEX=") ||
        entry.starts_with("GTEST_SHARD_STATUS_FILE="))
      continue;
    env.emplace_back(entry);
  }
  return env;
}

ProcessResult run_process(const std::string& binary, const std::string& args, const std::filesystem::path& scratch_dir,
                          const std::string& env) {
  const std::string out = (scratch_dir / "stdout.txt").string();
  const std::string err = (scratch_dir / "stderr.txt").string();
  const std::string cmd = "env -u GTEST_TOTAL_SHARDS -u GTEST_SHARD_INDEX -u GTEST_SHARD_STATUS_FILE " + env + " " + binary + " " +
                          args + " >" + quote(out) + " 2>" + quote(err) + " </dev/null";
  const int status = std::system(cmd.c_str());
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace goodput::test

namespace goodput::test {

BackgroundProcess::BackgroundProcess(const std::string& binary, const std::vector<std::string>& args,
                                     const std::filesystem::path& scratch_dir, const std::string& name)
    : m_out(scratch_dir / (name + ".out")), m_err(scratch_dir / (name + ".err")) {
  std::vector<std::string> env = child_environment();
  std::vector<char*> envp = exec_array(env);
  std::vector<std::string> argv_text{binary};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv = exec_array(argv_text);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, m_out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, m_err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
  m_pid = pid;
}

BackgroundProcess::~BackgroundProcess() {
  if (m_pid > 0 && !m_reaped) {
    ::kill(m_pid, SIGKILL);
    wait();
  }
}

void BackgroundProcess::signal(int signal_number) const {
  if (!m_reaped) ::kill(m_pid, signal_number);
}

int BackgroundProcess::wait() {
  while (!m_reaped) {
    if (::waitpid(m_pid, &m_status, 0) == m_pid) m_reaped = true;
    else if (errno != EINTR) break;
  }
  if (WIFEXITED(m_status)) return WEXITSTATUS(m_status);
  return WIFSIGNALED(m_status) ? -WTERMSIG(m_status) : -1;
}

bool BackgroundProcess::running() {
  if (m_reaped) return false;
  if (::waitpid(m_pid, &m_status, WNOHANG) == m_pid) m_reaped = true;
  return !m_reaped;
}

std::string BackgroundProcess::output() const { return read_file(m_out) + read_file(m_err); }

}  // namespace goodput::test
