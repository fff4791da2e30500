// Task and models files: what loads, and the position and field of every error.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/spec.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;

class SpecLoaderTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const auto path = m_dir / name;
    std::ofstream(path) << text;
    return path.string();
  }
  // Loads and returns the ConfigError, failing the test when none is thrown.
  ConfigError task_error(const std::string& text) {
    const std::string path = write("t.yaml", text);
    try {
      load_task_file(path);
    } catch (const ConfigError& e) {
      return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << text;
    return ConfigError({}, "", "");
  }
  ConfigError models_error(const std::string& text) {
    const std::string path = write("m.yaml", text);
    try {
      load_models_file(path);
    } catch (const ConfigError& e) {
      return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << text;
    return ConfigError({}, "", "");
  }
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() / ("goodput-spec-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::filesystem::path m_dir;
};

constexpr const char* k_valid_task = R"(suite: demo
tasks:
  - id: r0
    tags: [reasoning, ja]
    system: be brief
    prompt: |
      R0 = 2.5 ...
    params: {max_tokens: 512, temperature: 0, stop: ["END"]}
    repeat: 3
    assert:
      - type: number
        expected: 100000
        near: 追加
      - type: stop-reason
        expected: stop
)";

TEST_F(SpecLoaderTest, LoadsAValidTaskFile) {
  const TaskSuite suite = load_task_file(write("t.yaml", k_valid_task));
  ASSERT_EQ(suite.tasks.size(), 1u);
  const TaskSpec& t = suite.tasks[0];
  EXPECT_EQ(t.id(), "demo.r0");
  EXPECT_EQ(t.system, "be brief");
  EXPECT_EQ(t.prompt, "R0 = 2.5 ...\n");
  EXPECT_EQ(t.params["max_tokens"], 512);
  EXPECT_EQ(t.params["stop"], nlohmann::json::array({"END"}));
  EXPECT_EQ(t.repeat, 3);
  EXPECT_THAT(t.tags, ::testing::ElementsAre("reasoning", "ja"));
  ASSERT_EQ(t.assertions.size(), 2u);
  EXPECT_EQ(t.assertions[0].type, "number");
  EXPECT_EQ(t.assertions[0].params.number("expected"), 100000);
  ASSERT_NE(t.assertions[0].checker, nullptr);
  EXPECT_EQ(t.where.line, 3);
}

TEST_F(SpecLoaderTest, UnknownTaskKeyNamesLineColumnAndSuggestsTheRightKey) {
  const ConfigError e = task_error("suite: s\ntasks:\n  - id: a\n    promt: hi\n    assert: [{type: contains, value: x}]\n");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().column, 5);
  EXPECT_EQ(e.field(), "tasks[0].promt");
  EXPECT_THAT(e.message(), HasSubstr("did you mean 'prompt'"));
  EXPECT_THAT(std::string(e.what()), HasSubstr("t.yaml:4:5: tasks[0].promt:"));
}

TEST_F(SpecLoaderTest, UnknownAssertionTypeIsAnError) {
  const ConfigError e = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert:\n      - type: pyhton-passes\n");
  EXPECT_EQ(e.where().line, 6);
  EXPECT_EQ(e.field(), "tasks[0].assert[0].type");
  EXPECT_THAT(e.message(), HasSubstr("unknown assertion type 'pyhton-passes'"));
  EXPECT_THAT(e.message(), HasSubstr("contains"));  // lists the known ones
}

TEST_F(SpecLoaderTest, WrongParameterTypeIsAnError) {
  const ConfigError e = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert:\n      - type: number\n        expected: lots\n");
  EXPECT_EQ(e.where().line, 7);
  EXPECT_EQ(e.field(), "tasks[0].assert[0].expected");
  EXPECT_THAT(e.message(), HasSubstr("expected a number"));
}

TEST_F(SpecLoaderTest, QuotedNumberIsAString) {
  const ConfigError e = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    params: {max_tokens: '100'}\n    assert: [{type: contains, value: x}]\n");
  EXPECT_EQ(e.field(), "tasks[0].params.max_tokens");
}

TEST_F(SpecLoaderTest, MissingRequiredParameterNamesIt) {
  const ConfigError e = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert:\n      - type: contains\n");
  EXPECT_EQ(e.field(), "tasks[0].assert[0].value");
  EXPECT_EQ(e.where().line, 6);
}

TEST_F(SpecLoaderTest, UnusableParameterValueIsReportedAtItsField) {
  const ConfigError e = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert:\n      - type: regex\n        pattern: '(unclosed'\n");
  EXPECT_EQ(e.field(), "tasks[0].assert[0].pattern");
  EXPECT_EQ(e.where().line, 7);
}

TEST_F(SpecLoaderTest, UnknownRequestParameterPointsToExtraBody) {
  const ConfigError e = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    params: {grammar: 'root ::= x'}\n    assert: [{type: contains, value: x}]\n");
  EXPECT_EQ(e.field(), "tasks[0].params.grammar");
  EXPECT_THAT(e.message(), HasSubstr("extra_body"));
}

TEST_F(SpecLoaderTest, SyntaxErrorHasAPosition) {
  const ConfigError e = task_error("suite: s\ntasks:\n  - id: a\n    prompt: [unclosed\n");
  EXPECT_GT(e.where().line, 0);
  EXPECT_THAT(e.message(), HasSubstr("YAML syntax error"));
}

TEST_F(SpecLoaderTest, DuplicateTaskIdsAndBadIdentifiers) {
  EXPECT_THAT(task_error("suite: s\ntasks:\n  - {id: a, prompt: x, assert: [{type: contains, value: x}]}\n"
                         "  - {id: a, prompt: y, assert: [{type: contains, value: x}]}\n").message(),
              HasSubstr("duplicate task id 'a'"));
  EXPECT_EQ(task_error("suite: 'my suite'\ntasks: []\n").field(), "suite");
  EXPECT_THAT(task_error("suite: s\ntasks:\n  - {id: a, prompt: x, assert: []}\n").message(), HasSubstr("at least one assertion"));
}

TEST_F(SpecLoaderTest, LoadsAModelsFile) {
  const auto models = load_models_file(write("m.yaml", R"(models:
  - name: oss
    base_url: http://localhost:1234/v1/
    model: openai/gpt-oss-20b
    params: {temperature: 0.2}
    extra_body: {reasoning_effort: low, chat_template_kwargs: {enable_thinking: false}, n_probs: 0}
    api_key_env: LMSTUDIO_KEY
    concurrency: 2
    timeouts: {stall: 30, request: 60}
)"));
  ASSERT_EQ(models.size(), 1u);
  const ModelSpec& m = models[0];
  EXPECT_EQ(m.base_url, "http://localhost:1234/v1");  // trailing slash dropped
  EXPECT_EQ(m.dialect, "openai");
  EXPECT_EQ(m.extra_body["chat_template_kwargs"]["enable_thinking"], false);
  EXPECT_EQ(m.extra_body["n_probs"], 0);
  EXPECT_EQ(m.api_key_env, "LMSTUDIO_KEY");
  EXPECT_EQ(m.concurrency, 2);
  EXPECT_DOUBLE_EQ(m.timeouts.stall_s, 30);
  EXPECT_DOUBLE_EQ(m.timeouts.request_s, 60);
}

TEST_F(SpecLoaderTest, ModelsFileErrors) {
  EXPECT_EQ(models_error("models:\n  - name: a\n    base_url: localhost:1234\n    model: m\n").field(), "models[0].base_url");
  EXPECT_EQ(models_error("models:\n  - name: a\n    base_url: http://x/v1\n    model: m\n    dialect: grpc\n").field(), "models[0].dialect");
  EXPECT_EQ(models_error("models:\n  - name: a\n    base_url: http://x/v1\n    model: m\n    api_key_env: sk-abc123\n").field(), "models[0].api_key_env");
  EXPECT_EQ(models_error("models:\n  - name: a\n    base_url: http://x/v1\n").field(), "models[0].model");
  EXPECT_EQ(models_error("models:\n  - name: a\n    base_url: http://x/v1\n    model: m\n    timeouts: {stal: 3}\n").field(), "models[0].timeouts.stal");
  EXPECT_THAT(models_error("models:\n  - {name: a, base_url: 'http://x/v1', model: m}\n  - {name: a, base_url: 'http://y/v1', model: m}\n").message(),
              HasSubstr("duplicate model name"));
}

TEST_F(SpecLoaderTest, PromptCacheIsColdUnlessAsIs) {
  const auto load = [&](const std::string& extra) {
    return load_models_file(write("pc.yaml", "models:\n  - name: a\n    base_url: http://x/v1\n    model: m\n" + extra)).at(0);
  };
  EXPECT_TRUE(load("").prompt_cache_cold);
  EXPECT_TRUE(load("    prompt_cache: cold\n").prompt_cache_cold);
  EXPECT_FALSE(load("    prompt_cache: as-is\n").prompt_cache_cold);
  const ConfigError e = models_error("models:\n  - name: a\n    base_url: http://x/v1\n    model: m\n    prompt_cache: warm\n");
  EXPECT_EQ(e.field(), "models[0].prompt_cache");
  EXPECT_EQ(e.where().line, 5);
  EXPECT_THAT(e.message(), HasSubstr("cold"));
}

TEST_F(SpecLoaderTest, MaxAnswerMbIsAWholeNumberOfMegabytes) {
  const auto load = [&](const std::string& extra) {
    return load_models_file(write("cap.yaml", "models:\n  - name: a\n    base_url: http://x/v1\n    model: m\n" + extra)).at(0);
  };
  EXPECT_EQ(load("").max_answer_mb, 16u);
  EXPECT_EQ(load("    max_answer_mb: 64\n").max_answer_mb, 64u);
  const ConfigError e = models_error("models:\n  - name: a\n    base_url: http://x/v1\n    model: m\n    max_answer_mb: 0\n");
  EXPECT_EQ(e.field(), "models[0].max_answer_mb");
  EXPECT_THAT(e.message(), HasSubstr("between 1 and 4096"));
}

TEST_F(SpecLoaderTest, ModelParamsOverrideTaskParams) {
  TaskSpec task;
  task.params = {{"max_tokens", 8192}, {"temperature", 0}};
  ModelSpec model;
  model.params = {{"temperature", 0.7}};
  const auto merged = merged_params(task, model);
  EXPECT_EQ(merged["max_tokens"], 8192);
  EXPECT_EQ(merged["temperature"], 0.7);
}

TEST(ServerEndpoint, DialectPathsOnOneServerAreOneEndpoint) {
  ModelSpec openai, ollama, other;
  openai.base_url = "http://127.0.0.1:11434/v1";
  ollama.base_url = "http://127.0.0.1:11434";
  other.base_url = "http://127.0.0.1:8080/v1";
  EXPECT_EQ(server_endpoint(openai), "http://127.0.0.1:11434");
  EXPECT_EQ(server_endpoint(openai), server_endpoint(ollama));
  EXPECT_NE(server_endpoint(openai), server_endpoint(other));
}

TEST_F(SpecLoaderTest, LoadTasksWalksDirectoriesAndRejectsEmptyOnes) {
  std::filesystem::create_directories(m_dir / "d" / "sub");
  std::ofstream(m_dir / "d" / "sub" / "a.yaml") << "suite: a\ntasks:\n  - {id: x, prompt: p, assert: [{type: contains, value: x}]}\n";
  std::ofstream(m_dir / "d" / "b.yml") << "suite: b\ntasks:\n  - {id: x, prompt: p, assert: [{type: contains, value: x}]}\n";
  std::ofstream(m_dir / "d" / "notes.txt") << "not a task";
  const auto tasks = load_tasks({(m_dir / "d").string()});
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].id(), "b.x");  // sorted by path: d/b.yml before d/sub/a.yaml
  EXPECT_EQ(tasks[1].id(), "a.x");
  std::filesystem::create_directories(m_dir / "empty");
  EXPECT_THROW(load_tasks({(m_dir / "empty").string()}), ConfigError);
  EXPECT_THROW(load_tasks({(m_dir / "missing").string()}), ConfigError);
}

TEST(BuiltinTasks, SeedTasksLoad) {
  const auto tasks = load_tasks({std::string(GOODPUT_SOURCE_DIR) + "/tasks/seed"});
  EXPECT_GE(tasks.size(), 6u);
  for (const auto& t : tasks) EXPECT_FALSE(t.assertions.empty()) << t.id();
}

}  // namespace
}  // namespace goodput
