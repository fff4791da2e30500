// SPDX-License-Identifier: MIT
#include "sim/sim_profiles.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/sim_tokenizer.hpp"

namespace goodput::sim {
namespace {

using ::testing::HasSubstr;

const std::string k_demo_profiles = std::string(GOODPUT_SOURCE_DIR) + "/examples/sim/seed-profiles.yaml";
const std::string k_test_profiles = std::string(GOODPUT_TEST_DATA_DIR) + "/sim-test-profiles.yaml";

class SimProfilesFile : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    m_dir = std::filesystem::temp_directory_path() /
            ("goodput-sim-profiles-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  std::string write(const std::string& text) {
    const std::string path = (m_dir / "profiles.yaml").string();
    std::ofstream(path) << text;
    return path;
  }

  // Loads text that must fail, and returns the error.
  ConfigError load_error(const std::string& text) {
    const std::string path = write(text);
    try {
      load_sim_profiles(path);
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.where().file, path);
      return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << text;
    return ConfigError({}, "", "");
  }

  std::filesystem::path m_dir;
};

const SimProfile& find(const SimConfig& config, const std::string& id) {
  for (const SimProfile& p : config.profiles) {
    if (p.id == id) return p;
  }
  throw std::runtime_error("no profile " + id);
}

TEST(SimProfiles, DemoProfilesLoadWithTheirFigures) {
  const SimConfig config = load_sim_profiles(k_demo_profiles);
  ASSERT_EQ(config.profiles.size(), 3U);
  const SimProfile& swift = find(config, "sim-swift-4b");
  EXPECT_EQ(swift.ttft_ms, 200);
  EXPECT_EQ(swift.tokens_per_second, 180);
  const SimProfile& oss = find(config, "sim-oss-20b");
  EXPECT_EQ(oss.ttft_ms, 800);
  EXPECT_EQ(oss.tokens_per_second, 105);
  const SimProfile& gemma = find(config, "sim-gemma-e4b");
  EXPECT_EQ(gemma.ttft_ms, 340);
  EXPECT_EQ(gemma.tokens_per_second, 135);
  // Every model answers the R0, 100-item and story tasks in both languages; only
  // sim-oss-20b reasons first.
  const std::vector<std::string> seed_matches = {"基本再生産数", "basic reproduction number", "100項目",
                                                 "100 things AI can do", "月面都市", "lunar city"};
  for (const SimProfile& p : config.profiles) {
    for (const std::string& match : seed_matches) {
      const auto it = std::find_if(p.answers.begin(), p.answers.end(),
                                   [&](const SimAnswer& a) { return a.match == match; });
      ASSERT_NE(it, p.answers.end()) << p.id << " has no answer for " << match;
      EXPECT_FALSE(it->text.empty());
      EXPECT_EQ(it->finish, "stop");
      EXPECT_TRUE(it->fault.kind.empty());
      EXPECT_EQ(it->reasoning.empty(), p.id != "sim-oss-20b") << p.id << " " << match;
    }
  }
}

TEST(SimProfiles, TestProfilesLoad) {
  const SimConfig config = load_sim_profiles(k_test_profiles);
  const SimProfile& reasoner = find(config, "sim-reasoner");
  EXPECT_EQ(reasoner.ttft_ms, 80);
  EXPECT_EQ(reasoner.system_fingerprint, "b0000-sim-reasoner");
  for (const SimAnswer& a : reasoner.answers) EXPECT_EQ(sim_tokenize(a.reasoning).size(), 10U) << a.reasoning;
  const SimProfile& faulty = find(config, "sim-faulty");
  ASSERT_GE(faulty.answers.size(), 5U);
  EXPECT_EQ(faulty.answers[0].fault.kind, "error");
  EXPECT_EQ(faulty.answers[0].fault.after_tokens, 3);
  EXPECT_EQ(faulty.answers[1].fault.kind, "disconnect");
  EXPECT_EQ(faulty.answers[2].fault.kind, "http-503");
  EXPECT_EQ(faulty.answers[4].fault.kind, "stall");
  EXPECT_EQ(faulty.answers[4].fault.stall_ms, 300);
  EXPECT_EQ(find(config, "sim-fast").system_fingerprint, "b0000-goodputsim");  // the default
}

TEST_F(SimProfilesFile, DefaultsAndLocations) {
  const SimConfig config = load_sim_profiles(write(
      "models:\n"
      "  - id: m\n"
      "    ttft_ms: 12.5\n"
      "    tokens_per_second: 40\n"
      "    answers:\n"
      "      - text: hi\n"
      "        fault: {kind: stall, after_tokens: 1, stall_ms: 20}\n"));
  ASSERT_EQ(config.profiles.size(), 1U);
  const SimProfile& p = config.profiles[0];
  EXPECT_EQ(p.ttft_ms, 12.5);
  EXPECT_EQ(p.where.line, 2);
  ASSERT_EQ(p.answers.size(), 1U);
  EXPECT_EQ(p.answers[0].match, "");
  EXPECT_EQ(p.answers[0].finish, "stop");
  EXPECT_EQ(p.answers[0].fault.kind, "stall");
  EXPECT_EQ(p.answers[0].fault.stall_ms, 20);
}

TEST_F(SimProfilesFile, UnknownKeyNamesLineAndField) {
  const ConfigError e = load_error(
      "models:\n"
      "  - id: m\n"
      "    ttft_ms: 10\n"
      "    tokens_per_second: 40\n"
      "    answers:\n"
      "      - match: x\n"
      "        txet: hello\n");
  EXPECT_EQ(e.where().line, 7);
  EXPECT_EQ(e.field(), "models[0].answers[0].txet");
  EXPECT_THAT(e.what(), HasSubstr("profiles.yaml:7:9"));
  EXPECT_THAT(e.what(), HasSubstr("did you mean 'text'"));
}

TEST_F(SimProfilesFile, WrongTypeNamesLineAndField) {
  const ConfigError e = load_error(
      "models:\n"
      "  - id: m\n"
      "    ttft_ms: 10\n"
      "    tokens_per_second: fast\n");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.field(), "models[0].tokens_per_second");
  EXPECT_THAT(e.message(), HasSubstr("expected a number"));
}

TEST_F(SimProfilesFile, BadRegexNamesLineAndField) {
  const ConfigError e = load_error(
      "models:\n"
      "  - id: m\n"
      "    ttft_ms: 10\n"
      "    tokens_per_second: 40\n"
      "    answers:\n"
      "      - text: ok\n"
      "      - match: \"(unclosed\"\n"
      "        text: never\n");
  EXPECT_EQ(e.where().line, 7);
  EXPECT_EQ(e.field(), "models[0].answers[1].match");
  EXPECT_THAT(e.message(), HasSubstr("regex"));
}

TEST_F(SimProfilesFile, BadValuesAreRejected) {
  EXPECT_EQ(load_error("models:\n  - id: m\n    ttft_ms: 10\n    tokens_per_second: 0\n").field(),
            "models[0].tokens_per_second");
  EXPECT_EQ(load_error("models:\n  - id: m\n    ttft_ms: -1\n    tokens_per_second: 5\n").field(),
            "models[0].ttft_ms");
  EXPECT_EQ(load_error("models:\n  - id: m\n    tokens_per_second: 5\n").field(), "models[0].ttft_ms");
  EXPECT_EQ(load_error("models:\n  - id: m\n    ttft_ms: 1\n    tokens_per_second: 5\n"
                       "    answers:\n      - text: x\n        fault: {kind: explode}\n")
                .field(),
            "models[0].answers[0].fault.kind");
  EXPECT_EQ(load_error("models:\n  - id: m\n    ttft_ms: 1\n    tokens_per_second: 5\n"
                       "    answers:\n      - text: x\n        fault: {kind: error, after_tokens: -2}\n")
                .field(),
            "models[0].answers[0].fault.after_tokens");
  EXPECT_EQ(load_error("models:\n  - id: m\n    ttft_ms: 1\n    tokens_per_second: 5\n"
                       "    answers:\n      - text: x\n        finish: maybe\n")
                .field(),
            "models[0].answers[0].finish");
  const ConfigError twice = load_error(
      "models:\n  - {id: m, ttft_ms: 1, tokens_per_second: 5}\n  - {id: m, ttft_ms: 2, tokens_per_second: 5}\n");
  EXPECT_EQ(twice.field(), "models[1].id");
  EXPECT_EQ(twice.where().line, 3);
  EXPECT_EQ(load_error("models: []\n").field(), "models");
  EXPECT_EQ(load_error("profiles: []\n").field(), "profiles");
  EXPECT_THAT(load_error("models: [\n").message(), HasSubstr("YAML syntax error"));
}

}  // namespace
}  // namespace goodput::sim
