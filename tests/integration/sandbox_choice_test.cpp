// SPDX-License-Identifier: MIT
// What `goodput run` does on a machine where no sandbox can isolate generated code: a task with
// a Python check is refused before any request (exit 2) unless it asks for `sandbox:
// unsafe-none`, and then the log says so. Such a machine is made here by running goodput
// itself inside the unsafe-none sandbox, whose seccomp filter refuses every new namespace.
// That run has a uid of its own, which may not reach the build tree (a clone in a 0700
// directory): the binary is copied to a directory it can reach, and everything else (task,
// fixtures, models file) is in its work directory; the simulated model is served from here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "goodput/sandbox/sandbox.hpp"
#include "support/files.hpp"
#include "support/process.hpp"
#include "support/sim.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

std::string task_file(const std::string& sandbox) {
  return "suite: refusal\n"
         "tasks:\n"
         "  - id: json_to_csv\n"
         "    prompt: PythonでJSON→CSV変換関数を書いてください\n"
         "    assert:\n"
         "      - type: python-passes\n"
         "        fixtures: fixtures\n"
         "        timeout: 20\n"
         "        sandbox: " + sandbox + "\n";
}

class SandboxChoiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      m_outer = sandbox::make_sandbox("unsafe-none");
    } catch (const std::exception& e) {
      GTEST_SKIP() << "unsafe-none sandbox not usable: " << e.what();
    }
    std::string pattern = "/tmp/goodput-choice-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_bin_dir = pattern;
    fs::permissions(m_bin_dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                   fs::perms::others_read | fs::perms::others_exec);
    fs::copy_file(test::goodput_binary(), m_bin_dir / "goodput");
    m_sim = test::start_sim(test::source_path("examples/sim/seed-profiles.yaml"));
  }
  void TearDown() override {
    if (m_sim) m_sim->stop();
    std::error_code ec;
    if (!m_bin_dir.empty()) fs::remove_all(m_bin_dir, ec);
  }

  // goodput run task.yaml against the simulated sim-swift-4b, inside the unsafe-none sandbox.
  sandbox::Result run_goodput(const std::string& task) {
    sandbox::Request request;
    request.argv = {(m_bin_dir / "goodput").string(), "run", "task.yaml", "--models",
                    "models.yaml", "-o", "out"};
    request.files = {{"task.yaml", task},
                     {"models.yaml", test::models_yaml(m_sim->base_url(), {"sim-swift-4b"})}};
    const fs::path fixtures = test::source_path("tasks/seed/fixtures/json_to_csv/seed");
    for (const auto& entry : fs::directory_iterator(fixtures)) {
      request.files.push_back({"fixtures/" + entry.path().filename().string(), test::read_file(entry.path())});
    }
    // A sanitizer build reserves terabytes of address space and stops threads with ptrace at
    // exit for its leak check: neither is what this test is about.
    request.env = {{"ASAN_OPTIONS", "detect_leaks=0"}};
    request.limits.wall_s = 120;
    request.limits.cpu_s = 120;
    request.limits.address_space_bytes = ~0ull;
    request.limits.memory_bytes = 4ull << 30;
    request.limits.processes = 1024;
    request.limits.open_files = 1024;
    request.limits.file_size_bytes = 1ull << 30;
    return m_outer->run(request);
  }

  std::unique_ptr<sandbox::Sandbox> m_outer;
  std::unique_ptr<sim::SimServer> m_sim;
  fs::path m_bin_dir;
};

TEST_F(SandboxChoiceTest, WithoutAnIsolatingSandboxAPythonCheckIsRefusedBeforeAnyRequest) {
  const sandbox::Result result = run_goodput(task_file("auto"));
  ASSERT_EQ(result.reason, sandbox::EndReason::exited) << result.error << result.stderr_text;
  EXPECT_EQ(result.exit_code, 2) << result.stdout_text << result.stderr_text;
  EXPECT_THAT(result.stderr_text, HasSubstr("task.yaml"));
  EXPECT_THAT(result.stderr_text, HasSubstr("sandbox"));
  EXPECT_THAT(result.stderr_text, HasSubstr("no sandbox that isolates generated code works"));
  EXPECT_THAT(result.stderr_text, HasSubstr("unsafe-none"));
  EXPECT_THAT(result.stdout_text, Not(HasSubstr("[ RUN      ]")));
}

TEST_F(SandboxChoiceTest, AskingForUnsafeNoneRunsTheCodeAndSaysSo) {
  const sandbox::Result result = run_goodput(task_file("unsafe-none"));
  ASSERT_EQ(result.reason, sandbox::EndReason::exited) << result.error << result.stderr_text;
  // sim-swift-4b's converter fails two seed fixtures: a judged failure, not an error.
  EXPECT_EQ(result.exit_code, 1) << result.stdout_text << result.stderr_text;
  EXPECT_THAT(result.stdout_text,
              HasSubstr("[ SANDBOX  ] generated code runs under unsafe-none: NO namespaces"));
  EXPECT_THAT(result.stdout_text, HasSubstr("host file system visible (NOT isolated)"));
  EXPECT_THAT(result.stdout_text, HasSubstr("2 of 7 fixtures fail"));
}

}  // namespace
}  // namespace goodput
