// SPDX-License-Identifier: MIT
#include "goodput/sim_profiles.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/provider.hpp"
#include "goodput/sim_server.hpp"
#include "goodput/sim_tokenizer.hpp"

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
  ASSERT_EQ(config.profiles.size(), 5U);
  // Four models to evaluate and the judge of model-graded assertions.
  EXPECT_TRUE(find(config, "sim-judge").judge);
  EXPECT_FALSE(find(config, "sim-oss-20b").judge);
  // The diffusion model: sim-gemma-e4b's answers (a YAML alias), sent in 8 blocks.
  const SimProfile& diffusion = find(config, "sim-diffusion-e4b");
  EXPECT_EQ(diffusion.delivery, SimDelivery::blocks);
  EXPECT_EQ(diffusion.blocks, 8);
  ASSERT_EQ(diffusion.answers.size(), find(config, "sim-gemma-e4b").answers.size());
  EXPECT_EQ(diffusion.answers[0].text, find(config, "sim-gemma-e4b").answers[0].text);
  const SimProfile& swift = find(config, "sim-swift-4b");
  EXPECT_EQ(swift.ttft_ms, 200);
  EXPECT_EQ(swift.tokens_per_second, 180);
  const SimProfile& oss = find(config, "sim-oss-20b");
  EXPECT_EQ(oss.ttft_ms, 800);
  EXPECT_EQ(oss.tokens_per_second, 105);
  const SimProfile& gemma = find(config, "sim-gemma-e4b");
  EXPECT_EQ(gemma.ttft_ms, 340);
  EXPECT_EQ(gemma.tokens_per_second, 135);
  // Every model (not the judge) answers the R0, 100-item and story tasks in both languages; only
  // sim-oss-20b reasons first.
  const std::vector<std::string> seed_matches = {"基本再生産数", "basic reproduction number", "100項目",
                                                 "100 things AI can do", "月面都市", "lunar city"};
  for (const SimProfile& p : config.profiles) {
    if (p.judge) continue;
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

TEST_F(SimProfilesFile, DeliveryShapes) {
  const SimConfig config = load_sim_profiles(write(
      "models:\n"
      "  - {id: t, ttft_ms: 1, tokens_per_second: 40}\n"
      "  - {id: b, ttft_ms: 1, tokens_per_second: 40, delivery: blocks, blocks: 3}\n"
      "  - {id: o, ttft_ms: 1, tokens_per_second: 40, delivery: once}\n"
      "  - {id: j, ttft_ms: 1, tokens_per_second: 40, delivery: body}\n"));
  EXPECT_EQ(find(config, "t").delivery, SimDelivery::tokens);
  EXPECT_EQ(find(config, "b").delivery, SimDelivery::blocks);
  EXPECT_EQ(find(config, "b").blocks, 3);
  EXPECT_EQ(find(config, "o").delivery, SimDelivery::once);
  EXPECT_EQ(find(config, "j").delivery, SimDelivery::body);

  const std::string head = "models:\n  - id: m\n    ttft_ms: 1\n    tokens_per_second: 40\n";
  ConfigError e = load_error(head + "    delivery: chunks\n");
  EXPECT_EQ(e.field(), "models[0].delivery");
  EXPECT_THAT(e.message(), HasSubstr("allowed: tokens, blocks, once, body"));
  e = load_error(head + "    blocks: 4\n");
  EXPECT_EQ(e.field(), "models[0].blocks");
  EXPECT_THAT(e.message(), HasSubstr("needs delivery: blocks"));
  e = load_error(head + "    delivery: blocks\n    blocks: 0\n");
  EXPECT_EQ(e.where().line, 6);
  EXPECT_THAT(e.message(), HasSubstr("from 1 to 100000"));
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
  EXPECT_THAT(e.message(), HasSubstr("'(unclosed' is not a valid regular expression: missing closing parenthesis at "
                                     "character 9 of the pattern\n    (unclosed\n             ^"));
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

TEST_F(SimProfilesFile, PromptCacheAndItsWarmTtft) {
  const SimConfig config = load_sim_profiles(write(
      "models:\n  - {id: off, ttft_ms: 300, tokens_per_second: 5}\n"
      "  - {id: on, ttft_ms: 300, tokens_per_second: 5, prompt_cache: true}\n"
      "  - {id: set, ttft_ms: 300, tokens_per_second: 5, prompt_cache: true, warm_ttft_ms: 7}\n"));
  ASSERT_EQ(config.profiles.size(), 3U);
  EXPECT_FALSE(config.profiles[0].prompt_cache);
  EXPECT_TRUE(config.profiles[1].prompt_cache);
  EXPECT_EQ(config.profiles[1].warm_ttft_ms, 30);  // ttft_ms / 10
  EXPECT_EQ(config.profiles[2].warm_ttft_ms, 7);
  EXPECT_EQ(load_error("models:\n  - {id: m, ttft_ms: 1, tokens_per_second: 5, warm_ttft_ms: 1}\n").field(),
            "models[0].warm_ttft_ms");
  EXPECT_EQ(load_error("models:\n  - {id: m, ttft_ms: 1, tokens_per_second: 5, prompt_cache: true, warm_ttft_ms: -1}\n").field(),
            "models[0].warm_ttft_ms");
  EXPECT_EQ(load_error("models:\n  - {id: m, ttft_ms: 1, tokens_per_second: 5, prompt_cache: maybe}\n").field(),
            "models[0].prompt_cache");
}

// ------------------------------------------------------------------ answers with a chance

TEST_F(SimProfilesFile, ChanceAndSeedLoad) {
  const SimConfig config = load_sim_profiles(write(
      "models:\n"
      "  - id: coin\n    ttft_ms: 0\n    tokens_per_second: 1000\n    seed: 42\n"
      "    answers:\n      - {match: q, text: yes, chance: 0.7}\n      - {text: no}\n"
      "  - id: other\n    ttft_ms: 0\n    tokens_per_second: 1000\n"
      "  - id: another\n    ttft_ms: 0\n    tokens_per_second: 1000\n"));
  const SimProfile& coin = find(config, "coin");
  EXPECT_EQ(coin.seed, 42U);
  ASSERT_EQ(coin.answers.size(), 2U);
  EXPECT_DOUBLE_EQ(coin.answers[0].chance, 0.7);
  EXPECT_DOUBLE_EQ(coin.answers[1].chance, 1.0);  // default: always
  // Without `seed:` each profile gets its own stable sequence.
  EXPECT_EQ(find(config, "other").seed, default_seed("other"));
  EXPECT_NE(default_seed("other"), default_seed("another"));
}

TEST_F(SimProfilesFile, ChanceOutsideZeroToOneIsRejected) {
  const std::string head = "models:\n  - id: m\n    ttft_ms: 1\n    tokens_per_second: 5\n    answers:\n";
  for (const std::string bad : {"1.5", "-0.1"}) {
    const ConfigError e = load_error(head + "      - {text: x, chance: " + bad + "}\n");
    EXPECT_EQ(e.field(), "models[0].answers[0].chance") << bad;
    EXPECT_THAT(e.message(), HasSubstr("must be from 0 to 1, got " + bad)) << bad;
  }
  EXPECT_EQ(load_error(head + "      - {text: x, chance: often}\n").field(), "models[0].answers[0].chance");
  EXPECT_EQ(load_error("models:\n  - {id: m, ttft_ms: 1, tokens_per_second: 5, seed: -3}\n").field(), "models[0].seed");
  EXPECT_EQ(load_error("models:\n  - {id: m, ttft_ms: 1e300, tokens_per_second: 5}\n").message(),
            "must be from 0 to 86400000 ms, got 1e300");  // once converted to a duration with undefined behaviour
  // The bounds themselves are fine.
  EXPECT_NO_THROW(load_sim_profiles(write(head + "      - {text: x, chance: 0}\n      - {text: y, chance: 1}\n")));
}

// Asks `model` on `server` `n` times (through the real OpenAI provider) and returns the answers.
std::vector<std::string> ask_many(SimServer& server, const std::string& model, int n) {
  ModelSpec spec;
  spec.name = model;
  spec.model = model;
  spec.base_url = server.base_url();
  spec.simulated = true;
  const auto provider = make_provider(spec);
  CompletionRequest request;
  request.messages.push_back({"user", "q?"});
  std::vector<std::string> answers;
  for (int i = 0; i < n; ++i) {
    const Completion c = provider->complete(request);
    EXPECT_TRUE(c.ok()) << c.error.message;
    answers.push_back(c.answer);
  }
  return answers;
}

class SimChance : public SimProfilesFile {
 protected:
  std::unique_ptr<SimServer> start(const std::string& chance, const std::string& seed) {
    auto server = std::make_unique<SimServer>(load_sim_profiles(
        write("models:\n  - id: coin\n    ttft_ms: 0\n    tokens_per_second: 1000000\n    seed: " + seed +
              "\n    answers:\n      - {match: q, text: yes, chance: " + chance + "}\n      - {text: no}\n")));
    server->start();
    return server;
  }
};

TEST_F(SimChance, PassesAboutAsOftenAsItsChance) {
  auto server = start("0.7", "7");
  const auto answers = ask_many(*server, "coin", 400);
  server->stop();
  const double yes = static_cast<double>(std::count(answers.begin(), answers.end(), "yes")) / 400.0;
  // 400 draws at 0.7: the standard deviation is 0.023, so this bound is over four of them.
  EXPECT_GT(yes, 0.6);
  EXPECT_LT(yes, 0.8);
  EXPECT_EQ(std::count(answers.begin(), answers.end(), "no") + std::count(answers.begin(), answers.end(), "yes"), 400);
}

TEST_F(SimChance, SameSeedSameSequenceAndRepeatsDiffer) {
  auto first = start("0.5", "123");
  const auto a = ask_many(*first, "coin", 40);
  first->stop();
  auto second = start("0.5", "123");
  const auto b = ask_many(*second, "coin", 40);
  second->stop();
  EXPECT_EQ(a, b);  // deterministic given the seed and the request count
  // ...but each request is its own draw, not one draw repeated.
  EXPECT_GT(std::count(a.begin(), a.end(), "yes"), 5);
  EXPECT_GT(std::count(a.begin(), a.end(), "no"), 5);
  auto third = start("0.5", "124");
  const auto c = ask_many(*third, "coin", 40);
  third->stop();
  EXPECT_NE(a, c);
}

TEST_F(SimChance, ZeroNeverOneAlways) {
  auto never = start("0", "1");
  const auto n = ask_many(*never, "coin", 30);
  never->stop();
  EXPECT_EQ(std::count(n.begin(), n.end(), "no"), 30);
  auto always = start("1", "1");
  const auto y = ask_many(*always, "coin", 30);
  always->stop();
  EXPECT_EQ(std::count(y.begin(), y.end(), "yes"), 30);
}

}  // namespace
}  // namespace goodput::sim
