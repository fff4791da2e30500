// SPDX-License-Identifier: MIT
// GoogleTest fixtures for tests that drive a real binary: a scratch directory per test, the
// binary run with captured output, and (SimBinaryTest) `goodput sim` started for each test.
//
//   class RunCommandTest : public goodput::test::SimBinaryTest {
//    protected:
//     RunCommandTest() : SimBinaryTest("run") {}
//   };
//   TEST_F(RunCommandTest, Passes) {
//     const auto r = run("run " + quote(data_path("tasks/mini.yaml")) + " --models " + quote(models_file({"sim-fast"})));
//     EXPECT_EQ(r.exit_code, 0) << r.output();
//   }
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/files.hpp"
#include "support/process.hpp"
#include "support/sim.hpp"
#include "support/temp_dir.hpp"

namespace goodput::test {

class BinaryTest : public ::testing::Test {
 protected:
  // `tag` names the scratch directory: /tmp/goodput-<tag>-<pid>-<test name>.
  explicit BinaryTest(std::string tag, std::string binary = goodput_binary()) : m_tag(std::move(tag)), m_binary(std::move(binary)) {}
  void SetUp() override {
    m_temp.emplace(m_tag);
    m_dir = m_temp->path();
  }
  void TearDown() override { m_temp.reset(); }

  // The binary (the fixture's, or another one) with `args`; see run_process.
  ProcessResult run(const std::string& args, const std::string& env = "") const { return run_process(m_binary, args, m_dir, env); }
  ProcessResult run_binary(const std::string& binary, const std::string& args) const { return run_process(binary, args, m_dir); }

  // <scratch>/<name>, unquoted.
  std::string path(std::string_view name) const { return (m_dir / name).string(); }
  // Writes <scratch>/<name> and returns its path, unquoted.
  std::string write(std::string_view name, std::string_view text) const { return write_file(m_dir / name, text); }

  std::filesystem::path m_dir;

 private:
  std::string m_tag;
  std::string m_binary;
  std::optional<TempDir> m_temp;
};

// BinaryTest with `goodput sim` on loopback, serving tests/data/sim-test-profiles.yaml from
// SetUp to TearDown (restart_sim serves others).
class SimBinaryTest : public BinaryTest {
 protected:
  using BinaryTest::BinaryTest;
  void SetUp() override {
    BinaryTest::SetUp();
    m_sim = start_sim();
  }
  void TearDown() override {
    if (m_sim) m_sim->stop();
    BinaryTest::TearDown();
  }

  void restart_sim(const std::string& profiles) {
    if (m_sim) m_sim->stop();
    m_sim = start_sim(profiles);
  }
  // Writes <scratch>/models.yaml naming `ids` at the simulator (or at `base_url`); returns
  // its path, unquoted.
  std::string models_file(const std::vector<std::string>& ids, const std::string& extra = "", const std::string& base_url = "") const {
    return write("models.yaml", models_yaml(base_url.empty() ? m_sim->base_url() : base_url, ids, extra));
  }

  std::unique_ptr<sim::SimServer> m_sim;
};

}  // namespace goodput::test
