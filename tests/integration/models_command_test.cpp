// `goodput models` in-process against the simulator on loopback: a server that is up, a model
// it does not serve, nothing listening, a key the server wants, and a URL that is not an
// OpenAI-compatible endpoint.
#include <cstdlib>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/commands.hpp"
#include "support/binary_test.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ModelsCommandTest : public test::BinaryTest {
 protected:
  ModelsCommandTest() : BinaryTest("models") {}
  void TearDown() override {
    if (m_sim) m_sim->stop();
    BinaryTest::TearDown();
  }

  std::string start_sim(const std::string& api_key = "") {
    m_sim = test::start_sim(test::test_sim_profiles(), api_key);
    return m_sim->base_url();
  }

  std::string models_file(const std::string& yaml) { return write("models.yaml", yaml); }

  int check(const std::string& yaml) {
    ModelsCommandOptions options;
    options.models_file = models_file(yaml);
    options.timeout_s = 5;
    m_out.str("");
    return models_command(options, m_out);
  }

  std::unique_ptr<sim::SimServer> m_sim;
  std::ostringstream m_out;
};

TEST_F(ModelsCommandTest, ServerUpExitsZeroAndListsModels) {
  const std::string url = start_sim();
  EXPECT_EQ(check("models:\n  - {name: fast, base_url: '" + url + "', model: sim-fast}\n"), 0) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("the server is up"));
  EXPECT_THAT(m_out.str(), HasSubstr("sim-fast, sim-wrong"));
  EXPECT_THAT(m_out.str(), HasSubstr("model 'sim-fast' is served"));
  EXPECT_THAT(m_out.str(), HasSubstr("all 1 model is ready"));
  EXPECT_THAT(m_out.str(), Not(HasSubstr("PROBLEM")));
}

// The judges of model-graded assertions (the models file's judges:) are checked like the models.
TEST_F(ModelsCommandTest, JudgesAreCheckedLikeTheModels) {
  const std::string url = start_sim();
  const std::string models = "models:\n  - {name: fast, base_url: '" + url + "', model: sim-fast}\n";
  EXPECT_EQ(check(models + "judges:\n  - {name: grader, base_url: '" + url + "', model: sim-wrong}\n"), 0) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("judge grader: 'sim-wrong' at"));
  EXPECT_THAT(m_out.str(), HasSubstr("all 2 models are ready (1 judge among them)"));
  EXPECT_EQ(check(models + "judges:\n  - {name: grader, base_url: '" + url + "', model: sim-fsat}\n"), 1) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("model 'sim-fsat' not found"));
  EXPECT_THAT(m_out.str(), HasSubstr("1 problem found (1 of 2 models, 1 judge among them)"));
}

TEST_F(ModelsCommandTest, UnknownModelNamesTheAvailableOnes) {
  const std::string url = start_sim();
  EXPECT_EQ(check("models:\n  - {name: typo, base_url: '" + url + "', model: sim-fsat}\n"), 1) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("model 'sim-fsat' not found; the server has: sim-fast, sim-wrong"));
}

TEST_F(ModelsCommandTest, NothingListeningAsksWhetherTheServerRuns) {
  EXPECT_EQ(check("models:\n  - {name: gone, base_url: 'http://127.0.0.1:1/v1', model: m}\n"), 1) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("nothing listens at http://127.0.0.1:1: is the server running"));
}

TEST_F(ModelsCommandTest, KeyRequiredWithoutApiKeyEnvSaysHowToGiveOne) {
  const std::string url = start_sim("secret-key");
  EXPECT_EQ(check("models:\n  - {name: locked, base_url: '" + url + "', model: sim-fast}\n"), 1) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("the server wants an API key (HTTP 401"));
  EXPECT_THAT(m_out.str(), HasSubstr("api_key_env"));
}

TEST_F(ModelsCommandTest, KeyRequiredWithUnsetVariableNamesIt) {
  const std::string url = start_sim("secret-key");
  ::unsetenv("GOODPUT_MODELS_TEST_UNSET_KEY");
  EXPECT_EQ(check("models:\n  - {name: locked, base_url: '" + url +
                  "', model: sim-fast, api_key_env: GOODPUT_MODELS_TEST_UNSET_KEY}\n"),
            1)
      << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("$GOODPUT_MODELS_TEST_UNSET_KEY is not set"));
}

TEST_F(ModelsCommandTest, KeySetIsAccepted) {
  const std::string url = start_sim("secret-key");
  ::setenv("GOODPUT_MODELS_TEST_KEY", "secret-key", 1);
  EXPECT_EQ(check("models:\n  - {name: locked, base_url: '" + url + "', model: sim-fast, api_key_env: GOODPUT_MODELS_TEST_KEY}\n"), 0)
      << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("the API key in $GOODPUT_MODELS_TEST_KEY is accepted"));
  ::unsetenv("GOODPUT_MODELS_TEST_KEY");
}

TEST_F(ModelsCommandTest, NotAModelListSaysNotOpenAiCompatible) {
  const std::string url = start_sim();
  EXPECT_EQ(check("models:\n  - {name: wrong-path, base_url: '" + url + "/nowhere', model: sim-fast}\n"), 1) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("this is not an OpenAI-compatible endpoint"));
}

TEST_F(ModelsCommandTest, OllamaAddressedAsOpenAiGetsADialectSuggestion) {
  // The simulator also answers Ollama's /api/tags; /api/models is nobody's model list.
  const std::string url = start_sim();
  const std::string root = url.substr(0, url.size() - 3);  // without /v1
  EXPECT_EQ(check("models:\n  - {name: o, base_url: '" + root + "/api', model: sim-fast}\n"), 1) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("this is not an OpenAI-compatible endpoint"));
  EXPECT_THAT(m_out.str(), HasSubstr("this is Ollama (" + root + "/api/tags answers): use dialect: ollama"));
}

TEST_F(ModelsCommandTest, OllamaAndLmStudioDialectsListTheirModels) {
  const std::string url = start_sim();
  const std::string root = url.substr(0, url.size() - 3);
  EXPECT_EQ(check("models:\n  - {name: o, base_url: '" + root + "', dialect: ollama, model: sim-fast}\n"
                  "  - {name: l, base_url: '" + root + "', dialect: lmstudio, model: sim-fast}\n"),
            0)
      << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("[ OK      ] Ollama "));
  EXPECT_THAT(m_out.str(), HasSubstr("[ OK      ] LM Studio is up"));
  EXPECT_EQ(check("models:\n  - {name: o, base_url: '" + root + "', dialect: ollama, model: qwen3:8b}\n"), 1) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("model 'qwen3:8b' not found; the server has: sim-fast"));
}

TEST_F(ModelsCommandTest, BadModelsFileIsBadInput) {
  EXPECT_EQ(check("models: [{name: x}]\n"), 2);
}

TEST_F(ModelsCommandTest, SimChecksTheBuiltInModels) {
  ModelsCommandOptions options;
  options.sim_profiles.push_back(test::test_sim_profiles());
  EXPECT_EQ(models_command(options, m_out), 0) << m_out.str();
  EXPECT_THAT(m_out.str(), HasSubstr("SIMULATED"));
}

}  // namespace
}  // namespace goodput
