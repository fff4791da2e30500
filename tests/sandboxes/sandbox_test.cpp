// SPDX-License-Identifier: MIT
// Ordinary runs through every backend: exit codes, output capture, files in and out, the
// scrubbed environment, the work directory's removal, failures to start, parallel runs.
#include "sandbox_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <signal.h>
#include <thread>

namespace goodput::sandbox::testing {
namespace {

using ::testing::HasSubstr;

class SandboxTest : public BackendTest {};

TEST_P(SandboxTest, ReportsTheExitCode) {
  const std::string marker = unique_marker();
  const Result result = run_contained(python_request("import sys\nsys.exit(3)\n", marker), marker);
  EXPECT_EQ(result.reason, EndReason::exited) << describe(result);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.term_signal, 0);
  EXPECT_TRUE(result.error.empty());
  EXPECT_GT(result.wall_s, 0.0);
  EXPECT_EQ(result.isolation.backend, isolation().backend);
}

TEST_P(SandboxTest, CapturesStdoutAndStderrSeparately) {
  const std::string marker = unique_marker();
  const Result result = run_contained(python_request(R"(
import sys
print("to stdout")
print("to stderr", file=sys.stderr)
print("Japanese: 日本語")
)", marker), marker);
  EXPECT_EQ(result.reason, EndReason::exited) << describe(result);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_text, "to stdout\nJapanese: 日本語\n");
  EXPECT_EQ(result.stderr_text, "to stderr\n");
  EXPECT_FALSE(result.stdout_truncated);
  EXPECT_FALSE(result.stderr_truncated);
}

TEST_P(SandboxTest, OutputExactlyAtTheCapIsNotTruncated) {
  const std::string marker = unique_marker();
  Request request = python_request("import sys\nsys.stdout.write('z' * 1000)\n", marker);
  request.limits.output_bytes = 1000;
  const Result result = run_contained(request, marker);
  EXPECT_EQ(result.reason, EndReason::exited) << describe(result);
  EXPECT_EQ(result.stdout_text.size(), 1000u);
  EXPECT_FALSE(result.stdout_truncated);
}

TEST_P(SandboxTest, StderrPastTheCapIsTruncatedAndKilled) {
  const std::string marker = unique_marker();
  Request request = python_request(R"(
import sys, time
sys.stderr.write("e" * 5000)
sys.stderr.flush()
time.sleep(30)
)", marker);
  request.limits.output_bytes = 1000;
  const Result result = run_contained(request, marker);
  EXPECT_EQ(result.reason, EndReason::output_limit) << describe(result);
  EXPECT_TRUE(result.stderr_truncated);
  EXPECT_FALSE(result.stdout_truncated);
  EXPECT_EQ(result.stderr_text, std::string(1000, 'e'));
  EXPECT_LT(result.wall_s, 5.0);
}

TEST_P(SandboxTest, WritesFilesAndReturnsResultsThroughTheChannel) {
  const std::string marker = unique_marker();
  Request request = python_request(R"(
import json, csv, io, os
rows = json.load(open("data/in.json"))
out = io.StringIO()
w = csv.writer(out)
w.writerow(["a", "b"])
for r in rows:
    w.writerow([r["a"], r["b"]])
with os.fdopen(int(os.environ["GOODPUT_RESULT_FD"]), "w", encoding="utf-8") as channel:
    channel.write(out.getvalue())
)", marker);
  request.files.push_back({"data/in.json", R"([{"a": 1, "b": "x,y"}, {"a": 2, "b": "名前"}])"});
  request.result_channel = true;
  const Result result = run_contained(request, marker);
  ASSERT_EQ(result.reason, EndReason::exited) << describe(result);
  EXPECT_EQ(result.exit_code, 0) << describe(result);
  EXPECT_EQ(result.channel_text, "a,b\r\n1,\"x,y\"\r\n2,名前\r\n");
  EXPECT_FALSE(result.channel_truncated);
}

TEST_P(SandboxTest, WithoutAChannelRequestedThereIsNone) {
  const std::string marker = unique_marker();
  const Result result = run_contained(python_request(R"(
import os
print(os.environ.get("GOODPUT_RESULT_FD", "none"))
)", marker), marker);
  EXPECT_EQ(result.stdout_text, "none\n") << describe(result);
  EXPECT_TRUE(result.channel_text.empty());
}

TEST_P(SandboxTest, TheChannelIsCappedAndFloodingItEndsTheRun) {
  const std::string marker = unique_marker();
  Request request = python_request(R"(
import os, time
fd = int(os.environ["GOODPUT_RESULT_FD"])
block = b"c" * 65536
while True:
    os.write(fd, block)
)", marker);
  request.result_channel = true;
  request.limits.channel_bytes = 1u << 20;
  const Result result = run_contained(request, marker);
  EXPECT_EQ(result.reason, EndReason::output_limit) << describe(result);
  EXPECT_TRUE(result.channel_truncated);
  EXPECT_EQ(result.channel_text.size(), std::size_t{1} << 20);
  EXPECT_LT(result.wall_s, 5.0) << describe(result);
}

TEST_P(SandboxTest, EnvironmentIsScrubbed) {
  ::setenv("GOODPUT_TEST_SECRET", "sk-do-not-leak", 1);
  const std::string marker = unique_marker();
  Request request = python_request(R"(
import os
for key in sorted(os.environ):
    print(key)
print("HOME=" + os.environ.get("HOME", ""))
print("cwd=" + os.getcwd())
)", marker);
  request.env = {{"GOODPUT_EXTRA", "1"}};
  const Result result = run_contained(request, marker);
  ::unsetenv("GOODPUT_TEST_SECRET");
  ASSERT_EQ(result.reason, EndReason::exited) << describe(result);
  EXPECT_THAT(result.stdout_text, ::testing::Not(HasSubstr("GOODPUT_TEST_SECRET")));
  EXPECT_THAT(result.stdout_text, ::testing::Not(HasSubstr("sk-do-not-leak")));
  // bwrap always sets PWD for its --chdir (to /work): harmless, and the only addition.
  std::string keys = result.stdout_text;
  if (GetParam() == "bwrap") {
    const auto pwd = keys.find("PWD\n");
    if (pwd != std::string::npos) keys.erase(pwd, 4);
  }
  EXPECT_EQ(keys.substr(0, keys.find("HOME=")),
            "GOODPUT_EXTRA\nHOME\nLANG\nPATH\nPYTHONDONTWRITEBYTECODE\nTMPDIR\n");
  if (GetParam() != "unsafe-none") {
    EXPECT_THAT(result.stdout_text, HasSubstr("cwd=/work\n"));
  }
  // HOME is the work directory, which is also the working directory.
  const auto home = result.stdout_text.find("HOME=");
  const auto cwd = result.stdout_text.find("cwd=");
  ASSERT_NE(home, std::string::npos);
  ASSERT_NE(cwd, std::string::npos);
  const std::string home_value =
      result.stdout_text.substr(home + 5, result.stdout_text.find('\n', home) - home - 5);
  const std::string cwd_value =
      result.stdout_text.substr(cwd + 4, result.stdout_text.find('\n', cwd) - cwd - 4);
  EXPECT_EQ(home_value, cwd_value);
}

TEST_P(SandboxTest, WorkDirectoryIsFreshAndRemovedAfterwards) {
  const std::string marker = unique_marker();
  Request request = python_request(R"(
import os
print(sorted(os.listdir(".")))
os.makedirs("made/deeper")
open("made/deeper/f.txt", "w").write("x")
os.chmod("made", 0)
)", marker);
  request.files.push_back({"marker-" + marker, ""});
  const Result result = run_contained(request, marker);
  EXPECT_EQ(result.reason, EndReason::exited) << describe(result);
  EXPECT_EQ(result.stdout_text, "['main_" + marker + ".py', 'marker-" + marker + "']\n");
  const auto left = work_directories_of(marker);
  EXPECT_TRUE(left.empty()) << "work directory left behind: " << left.front();
  if (GetParam() != "unsafe-none") {
    // Not even during the run: the work directory exists only inside the sandbox.
    const std::string marker2 = unique_marker();
    Request look = python_request("import time\ntime.sleep(1.5)\n", marker2);
    std::vector<std::filesystem::path> during;
    std::thread watcher([&] {
      ::usleep(700'000);
      during = work_directories_of(marker2);
    });
    run_contained(look, marker2);
    watcher.join();
    EXPECT_TRUE(during.empty()) << "the run's files are on the host: " << during.front();
  }
}

TEST_P(SandboxTest, ReportsDeathBySignal) {
  const std::string marker = unique_marker();
  const Result result = run_contained(
      python_request("import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n", marker), marker);
  EXPECT_EQ(result.reason, EndReason::signalled) << describe(result);
  EXPECT_EQ(result.term_signal, SIGTERM);
}

TEST_P(SandboxTest, MissingProgramFailsToStart) {
  Request request;
  request.argv = {"goodput-no-such-program"};
  const Result result = sandbox().run(request);
  EXPECT_EQ(result.reason, EndReason::failed_to_start);
  EXPECT_THAT(result.error, HasSubstr("goodput-no-such-program"));

  request.argv = {"/nonexistent/bin/tool"};
  EXPECT_EQ(sandbox().run(request).reason, EndReason::failed_to_start);

  request.argv = {};
  EXPECT_EQ(sandbox().run(request).reason, EndReason::failed_to_start);
}

TEST_P(SandboxTest, ProgramThatCannotBeExecutedFailsToStart) {
  // Found and executable, but execve refuses it (process backend: ENOEXEC, reported through
  // Boost.Process's exec-error pipe), or bwrap cannot see it (it lives under the host's /tmp).
  TestDir dir;
  const std::string path = dir.write("not-a-program", "garbage, not an executable format\n", 0755);
  Request request;
  request.argv = {path};
  const Result result = sandbox().run(request);
  EXPECT_EQ(result.reason, EndReason::failed_to_start) << describe(result);
  EXPECT_FALSE(result.error.empty());
  std::cout << "[ NOTE ] " << GetParam() << ": " << result.error << "\n";
}

TEST_P(SandboxTest, UnsafeFilePathsFailToStart) {
  for (const std::string path : {"../escape.txt", "/etc/evil", "a/../../b", "", "a//b"}) {
    Request request = python_request("print(1)", unique_marker());
    request.files.push_back({path, "x"});
    const Result result = sandbox().run(request);
    EXPECT_EQ(result.reason, EndReason::failed_to_start) << "path \"" << path << "\"";
  }
}

TEST_P(SandboxTest, SeveralRunsInParallel) {
  constexpr int k_threads = 4;
  std::vector<Result> results(k_threads);
  std::vector<std::string> markers(k_threads);
  for (auto& marker : markers) marker = unique_marker();
  std::vector<std::thread> threads;
  for (int i = 0; i < k_threads; ++i) {
    threads.emplace_back([&, i] {
      Request request = python_request(
          "import sys\nprint('run', sys.argv[1])\nprint('err', sys.argv[1], file=sys.stderr)\n",
          markers[static_cast<std::size_t>(i)], {std::to_string(i)});
      results[static_cast<std::size_t>(i)] = sandbox().run(request);
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < k_threads; ++i) {
    const Result& result = results[static_cast<std::size_t>(i)];
    EXPECT_EQ(result.reason, EndReason::exited) << describe(result);
    EXPECT_EQ(result.stdout_text, "run " + std::to_string(i) + "\n");
    EXPECT_EQ(result.stderr_text, "err " + std::to_string(i) + "\n");
    EXPECT_TRUE(processes_with(markers[static_cast<std::size_t>(i)]).empty());
  }
}

TEST_P(SandboxTest, IsolationReportIsConsistent) {
  const Isolation& report = isolation();
  std::cout << "[ ISOLATION ] " << GetParam() << ": " << report.describe() << "\n";
  EXPECT_EQ(report.backend, GetParam());
  EXPECT_FALSE(report.user.empty());
  EXPECT_TRUE(report.seccomp);
  EXPECT_FALSE(report.memory.empty());
  EXPECT_FALSE(report.scratch.empty());
  if (GetParam() == "unsafe-none") {
    EXPECT_FALSE(report.pid_namespace);
    EXPECT_FALSE(report.network_namespace);
    EXPECT_FALSE(report.read_only_system);
    EXPECT_THAT(report.describe(), HasSubstr("NO namespaces"));
    EXPECT_THAT(report.describe(), HasSubstr("NOT isolated"));
  } else {
    EXPECT_TRUE(report.pid_namespace && report.network_namespace && report.mount_namespace);
    EXPECT_TRUE(report.read_only_system);
    EXPECT_GT(report.strength(), make_sandbox("unsafe-none")->isolation().strength());
  }
  if (::geteuid() == 0) {
    EXPECT_TRUE(report.distinct_uid);
    EXPECT_TRUE(report.dropped_privileges);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SandboxTest, ::testing::ValuesIn(k_backends), backend_name);

TEST(SandboxFactory, NamesAndReasons) {
  EXPECT_THROW(make_sandbox("docker"), std::invalid_argument);
  EXPECT_THROW(make_sandbox("none"), std::invalid_argument);
  EXPECT_NE(make_sandbox("auto"), nullptr);
  EXPECT_EQ(to_string(EndReason::exited), "exited");
  EXPECT_EQ(to_string(EndReason::signalled), "signalled");
  EXPECT_EQ(to_string(EndReason::timed_out), "timed_out");
  EXPECT_EQ(to_string(EndReason::cpu_limit), "cpu_limit");
  EXPECT_EQ(to_string(EndReason::memory_limit), "memory_limit");
  EXPECT_EQ(to_string(EndReason::output_limit), "output_limit");
  EXPECT_EQ(to_string(EndReason::file_size_limit), "file_size_limit");
  EXPECT_EQ(to_string(EndReason::scratch_limit), "scratch_limit");
  EXPECT_EQ(to_string(EndReason::failed_to_start), "failed_to_start");
}

TEST(SandboxFactory, AutoPicksTheStrongestIsolatingBackend) {
  const auto sandbox = make_sandbox("auto");
  EXPECT_NE(sandbox->isolation().backend, "unsafe-none");
  for (const std::string name : {"process", "bwrap"}) {
    try {
      EXPECT_GE(sandbox->isolation().strength(), make_sandbox(name)->isolation().strength()) << name;
    } catch (const std::runtime_error& e) {
      std::cout << "[ NOTE ] " << name << " not usable: " << e.what() << "\n";
    }
  }
}

}  // namespace
}  // namespace goodput::sandbox::testing
