// SPDX-License-Identifier: MIT
// Running a real binary (goodput, a task binary) the way a user's shell does, and what came
// back: its exit code, stdout and stderr.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace goodput::test {

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal
  std::string out;
  std::string err;
  std::string output() const { return out + err; }  // both streams, for failure messages
};

// The goodput binary of this build.
std::string goodput_binary();

// This process's environment ("NAME=value") without GoogleTest's sharding variables, which must
// not leak into a goodput that shards by them when the test binary itself runs sharded.
std::vector<std::string> child_environment();

// `strings` as execve wants them: pointers into each, then a null. `strings` must outlive the result.
std::vector<char*> exec_array(std::vector<std::string>& strings);

// Runs `binary args` through /bin/sh with stdin from /dev/null; `args` are shell words (use
// quote() for paths). `env` ("VAR=value ...") is set for the child only. GoogleTest's sharding
// variables of this test process are removed first: when the test binary itself runs
// sharded, they must not leak into a goodput that shards by them. stdout and stderr go through
// files in `scratch_dir` (stdout.txt, stderr.txt), overwritten by each call.
ProcessResult run_process(const std::string& binary, const std::string& args, const std::filesystem::path& scratch_dir,
                          const std::string& env = "");

}  // namespace goodput::test

namespace goodput::test {

// A binary started in the background (for tests that signal or kill it mid-run): stdout and
// stderr go to <scratch_dir>/<name>.out and .err, stdin is /dev/null, GoogleTest's sharding
// variables are removed as in run_process. Killed (SIGKILL) and reaped when destroyed.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::string& binary, const std::vector<std::string>& args, const std::filesystem::path& scratch_dir,
                    const std::string& name = "background");
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  void signal(int signal_number) const;
  // Waits for it to end: its exit code, or -signal when a signal ended it.
  int wait();
  bool running();  // not ended yet (reaps it when it has)
  std::string output() const;  // stdout and stderr so far

 private:
  int m_pid = -1;
  int m_status = 0;
  bool m_reaped = false;
  std::filesystem::path m_out;
  std::filesystem::path m_err;
};

}  // namespace goodput::test
