// Task and models files: what loads, and the position and field of every error.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/spec.hpp"
#include "goodput/yaml_util.hpp"

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

// README "Python packages": a task's python.packages reach its python-passes assertions.
TEST_F(SpecLoaderTest, PythonPackagesOfATask) {
  const std::string fixtures = std::string(GOODPUT_SOURCE_DIR) + "/tasks/seed/fixtures/json_to_csv/seed";
  const TaskSuite suite = load_task_file(write("t.yaml", "suite: s\ntasks:\n"
                                                         "  - id: a\n    prompt: hi\n    python: {packages: [pandas, numpy]}\n"
                                                         "    assert: [{type: python-passes, fixtures: '" + fixtures + "'}, {type: contains, value: x}]\n"
                                                         "  - id: b\n    prompt: hi\n    python: {packages: stdlib}\n"
                                                         "    assert: [{type: python-passes, fixtures: '" + fixtures + "'}]\n"
                                                         "  - id: c\n    prompt: hi\n    python: {packages: [yaml]}\n"
                                                         "    assert: [{type: python-passes, fixtures: '" + fixtures + "', packages: [pandas]}]\n"));
  ASSERT_EQ(suite.tasks.size(), 3u);
  EXPECT_THAT(suite.tasks[0].python_packages, ::testing::ElementsAre("pandas", "numpy"));
  EXPECT_THAT(suite.tasks[0].assertions[0].params.string_list("packages"), ::testing::ElementsAre("pandas", "numpy"));
  EXPECT_FALSE(suite.tasks[0].assertions[1].params.has("packages"));  // contains takes none
  EXPECT_TRUE(suite.tasks[1].python_packages.empty());
  EXPECT_FALSE(suite.tasks[1].assertions[0].params.has("packages"));
  // An assertion's own list wins over the task's.
  EXPECT_THAT(suite.tasks[2].assertions[0].params.string_list("packages"), ::testing::ElementsAre("pandas"));
}

// README "Pass rate per task".
TEST_F(SpecLoaderTest, MinPassRateIsAShareFromZeroToOne) {
  const TaskSuite suite = load_task_file(write("t.yaml", "suite: s\ntasks:\n"
                                                         "  - id: a\n    prompt: hi\n    repeat: 10\n    min_pass_rate: 0.8\n"
                                                         "    assert: [{type: contains, value: x}]\n"
                                                         "  - id: b\n    prompt: hi\n    assert: [{type: contains, value: x}]\n"));
  EXPECT_EQ(suite.tasks[0].min_pass_rate, 0.8);
  EXPECT_FALSE(suite.tasks[1].min_pass_rate.has_value());
  // In the file's defaults, for every task that does not set its own.
  const TaskSuite with_defaults = load_task_file(write("d.yaml", "suite: s\ndefaults: {min_pass_rate: 0.6}\ntasks:\n"
                                                                 "  - id: a\n    prompt: hi\n    min_pass_rate: 0.9\n    assert: [{type: contains, value: x}]\n"
                                                                 "  - id: b\n    prompt: hi\n    assert: [{type: contains, value: x}]\n"));
  EXPECT_EQ(with_defaults.tasks[0].min_pass_rate, 0.9);
  EXPECT_EQ(with_defaults.tasks[1].min_pass_rate, 0.6);
  const std::string head = "suite: s\ntasks:\n  - id: a\n    prompt: hi\n";
  ConfigError e = task_error(head + "    min_pass_rate: 80\n    assert: [{type: contains, value: x}]\n");
  EXPECT_EQ(e.field(), "tasks[0].min_pass_rate");
  EXPECT_EQ(e.where().line, 5);
  EXPECT_EQ(e.where().column, 20);
  EXPECT_THAT(e.message(), HasSubstr("must be from 0 to 1, got 80"));
  e = task_error(head + "    min_pass_rate: '0.8'\n    assert: [{type: contains, value: x}]\n");
  EXPECT_THAT(e.message(), HasSubstr("expected a number from 0 to 1"));
}

TEST_F(SpecLoaderTest, BadPythonPackagesNameTheField) {
  const std::string head = "suite: s\ntasks:\n  - id: a\n    prompt: hi\n";
  ConfigError e = task_error(head + "    python: {packages: [scikit-learn]}\n    assert: [{type: contains, value: x}]\n");
  EXPECT_EQ(e.field(), "tasks[0].python.packages");
  EXPECT_EQ(e.where().line, 5);
  EXPECT_THAT(e.message(), HasSubstr("'scikit-learn' is not a top-level module name"));
  e = task_error(head + "    python: {packages: [numpy, numpy]}\n    assert: [{type: contains, value: x}]\n");
  EXPECT_THAT(e.message(), HasSubstr("'numpy' is listed twice"));
  e = task_error(head + "    python: {packages: all}\n    assert: [{type: contains, value: x}]\n");
  EXPECT_THAT(e.message(), HasSubstr("or stdlib"));
  e = task_error(head + "    python: {pakages: [numpy]}\n    assert: [{type: contains, value: x}]\n");
  EXPECT_EQ(e.field(), "tasks[0].python.pakages");
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

TEST_F(SpecLoaderTest, NotWeightAndThreshold) {
  const std::string path = write("t.yaml", R"(suite: s
tasks:
  - id: a
    prompt: hi
    threshold: 0.75
    assert:
      - {type: contains, value: London, not: true}
      - {type: contains, value: Paris, weight: 3}
      - {type: stop-reason, not: length}
)");
  const TaskSuite suite = load_task_file(path);
  const TaskSpec& task = suite.tasks.at(0);
  ASSERT_TRUE(task.threshold.has_value());
  EXPECT_DOUBLE_EQ(*task.threshold, 0.75);
  EXPECT_TRUE(task.assertions[0].negated);
  EXPECT_EQ(task.assertions[0].checker->describe(), "not: contains 'London'");
  EXPECT_FALSE(task.assertions[1].negated);
  EXPECT_DOUBLE_EQ(task.assertions[1].weight, 3);
  EXPECT_DOUBLE_EQ(task.assertions[2].weight, 1);
  EXPECT_TRUE(is_weighted(task));
  Completion answer;
  answer.answer = "Paris";
  EXPECT_EQ(task.assertions[0].checker->check(answer).outcome, checkers::Outcome::pass);
}

TEST_F(SpecLoaderTest, NotIsRefusedWhereItMeansNothing) {
  const ConfigError latency = task_error(
      "suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert:\n      - type: max-latency\n        e2e: 5\n        not: true\n");
  EXPECT_EQ(latency.field(), "tasks[0].assert[0].not");
  EXPECT_EQ(latency.where().line, 8);
  EXPECT_THAT(latency.message(), HasSubstr("'max-latency' cannot be negated"));
  EXPECT_THAT(latency.message(), HasSubstr("contains, icontains"));
  const ConfigError word = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert: [{type: contains, value: x, not: yes please}]\n");
  EXPECT_EQ(word.field(), "tasks[0].assert[0].not");
  const ConfigError stop = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert: [{type: stop-reason, not: true}]\n");
  EXPECT_EQ(stop.field(), "tasks[0].assert[0].not");
}

TEST_F(SpecLoaderTest, WeightAndThresholdStateTheirRange) {
  const ConfigError weight = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert: [{type: contains, value: x, weight: 0}]\n");
  EXPECT_EQ(weight.field(), "tasks[0].assert[0].weight");
  EXPECT_THAT(weight.message(), HasSubstr("0.001"));
  const ConfigError threshold = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    threshold: 1.5\n    assert: [{type: contains, value: x}]\n");
  EXPECT_EQ(threshold.field(), "tasks[0].threshold");
  EXPECT_EQ(threshold.where().line, 5);
}

TEST_F(SpecLoaderTest, JsonSchemaInlineInYaml) {
  const std::string path = write("t.yaml", R"(suite: s
tasks:
  - id: a
    prompt: hi
    assert:
      - type: json
        schema:
          type: object
          required: [answer]
          properties: {answer: {type: integer}}
)");
  const TaskSpec task = load_task_file(path).tasks.at(0);
  Completion answer;
  answer.answer = R"({"answer": "ten"})";
  const auto result = task.assertions[0].checker->check(answer);
  EXPECT_EQ(result.outcome, checkers::Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("at /answer"));
  const ConfigError bad = task_error("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert:\n      - type: json\n        schema: {type: 5}\n");
  EXPECT_EQ(bad.field(), "tasks[0].assert[0].schema");
  EXPECT_EQ(bad.where().line, 7);
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

// A task file is read one task at a time (YamlReader::load_listed): an error in a later task
// still names its own line and column, an error in a defaults: assertion names the defaults, and
// a syntax error anywhere is found before any task is read.
TEST_F(SpecLoaderTest, ErrorsInLaterTasksNameTheirPlaceInTheFile) {
  const std::string head = "suite: s\ndefaults:\n  assert:\n    - {type: contains, value: \"{{word}}\"}\ntasks:\n";
  const std::string first = "  - id: a\n    vars: {word: x}\n    prompt: x\n";
  // Line 12: the second task's assertion, its typo `valu` at column 31.
  ConfigError e = task_error(head + first + "  - id: b\n    vars: {word: y}\n    prompt: y\n    assert: [{type: contains, valu: z}]\n");
  EXPECT_EQ(e.where().line, 12);
  EXPECT_EQ(e.where().column, 31);
  EXPECT_EQ(e.field(), "tasks[1].assert[0].valu");
  // The third task lacks the variable the defaults' assertion names: the defaults' line.
  e = task_error(head + first + "  - id: b\n    vars: {word: y}\n    prompt: y\n  - id: c\n    prompt: z\n");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.field(), "defaults.assert[0].value");
  EXPECT_THAT(e.message(), HasSubstr("word"));
  // A number that is not one once substituted: reported at its assertion, in the second task.
  e = task_error("suite: s\ntasks:\n  - id: a\n    prompt: x\n    assert: [{type: contains, value: x}]\n"
                 "  - id: b\n    vars: {n: many}\n    prompt: y\n    assert:\n      - {type: number, expected: \"{{n}}\"}\n");
  EXPECT_EQ(e.where().line, 10);
  EXPECT_EQ(e.where().column, 9);
  // A syntax error after a thousand good tasks, before any is read.
  std::string many = "suite: s\ntasks:\n";
  for (int i = 0; i < 1000; ++i) many += "  - {id: t" + std::to_string(i) + ", prompt: x, assert: [{type: contains, value: x}]}\n";
  e = task_error(many + "  - {id: broken]\n");
  EXPECT_EQ(e.where().line, 1003);
  EXPECT_THAT(e.message(), HasSubstr("YAML syntax error"));
  // A duplicate key inside the 500th task, at its own line.
  many.insert(many.find("  - {id: t500,") + 5, "id: t500b, ");
  e = task_error(many);
  EXPECT_EQ(e.where().line, 503);
  EXPECT_THAT(e.message(), HasSubstr("duplicate key 'id'"));
}

// Entries are read one at a time unless one may use another (an anchor, an alias, a tag) or the
// list is not a block list whose entries start on their dash's line; then the file is read
// whole. Either way the tasks are the same (fuzz/yaml_listed.cpp checks that node by node).
TEST_F(SpecLoaderTest, TaskFilesAreReadTaskByTaskWhenTheirTasksStandAlone) {
  const auto listed = [&](const std::string& text) {
    return detail::YamlReader(write("l.yaml", text)).load_listed("tasks");
  };
  const std::string task = "{id: a, prompt: x, assert: [{type: contains, value: x}]}";
  auto doc = listed("suite: s\ntasks:\n  - " + task + "\n  - id: b\n    prompt: y\n    tags: ~\n    system: null\n"
                    "    vars:\n# note\nother: 1\n");
  EXPECT_EQ(doc.root["tasks"].size(), 0u);  // apart
  ASSERT_EQ(doc.list.size(), 2u);
  EXPECT_EQ(doc.list.entry(1).node["prompt"].Scalar(), "y");
  EXPECT_EQ(doc.list.entry(1).reader.where(doc.list.entry(1).node["prompt"]).line, 5);
  EXPECT_EQ(doc.list.entry(0).node["id"].Scalar(), "a");
  EXPECT_FALSE(doc.list.whole());
  EXPECT_EQ(doc.root["other"].as<int>(), 1);
  EXPECT_EQ(detail::YamlReader("l.yaml").where(doc.root["other"]).line, 10);
  // A UTF-8 byte order mark (yaml-cpp's positions start after it): still read apart.
  doc = listed("\xEF\xBB\xBFsuite: s\ntasks:\n  - " + task + "\n  - id: b\n");
  ASSERT_EQ(doc.list.size(), 2u);
  EXPECT_EQ(doc.list.entry(1).node["id"].Scalar(), "b");
  EXPECT_EQ(doc.list.entry(1).reader.where(doc.list.entry(1).node["id"]).column, 9);  // the value b
  EXPECT_FALSE(doc.list.whole());
  // A plain scalar that YAML continues on a line at the list's own indentation reads otherwise
  // alone: from that entry on, the entries come from the document read whole, as load() reads it.
  doc = listed("suite: s\ntasks:\n- a\n- 1\n%\n");
  ASSERT_EQ(doc.list.size(), 2u);
  EXPECT_EQ(doc.list.entry(0).node.Scalar(), "a");
  EXPECT_FALSE(doc.list.whole());
  EXPECT_EQ(doc.list.entry(1).node.Scalar(), detail::YamlReader(write("w.yaml", "suite: s\ntasks:\n- a\n- 1\n%\n")).load()["tasks"][1].Scalar());
  EXPECT_TRUE(doc.list.whole());
  for (const std::string& whole : std::vector<std::string>{"suite: s\ntasks:\n  - &t " + task + "\n  - *t\n",             // anchor and alias
                                   "suite: s\ntasks:\n  - !!map " + task + "\n",                   // a tag
                                   "suite: s\ntasks: [" + task + "]\n",                             // flow style
                                   std::string("suite: s\ntasks:\n  -\n    id: a\n")}) {            // entry below its dash
    doc = listed(whole);
    EXPECT_TRUE(doc.list.whole()) << whole;
    EXPECT_EQ(doc.root["tasks"].size(), doc.list.size()) << whole;
    EXPECT_GT(doc.list.size(), 0u) << whole;
  }
  EXPECT_EQ(listed("suite: s\ntasks: 3\n").list.size(), 0u);
  EXPECT_EQ(listed("- a\n- b\n").list.size(), 0u);
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
  EXPECT_THAT(e.message(), HasSubstr("must be from 1 to 4096, got"));
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

// ---- strict input: everything checked before any request (issue 12) ----

constexpr const char* k_model_head = "models:\n  - name: a\n    base_url: http://x/v1\n    model: m\n";

std::string task_with(const std::string& lines) {
  return "suite: s\ntasks:\n  - id: a\n" + lines + "    assert:\n      - type: contains\n        value: x\n";
}

// Nine anchors, each a list of nine aliases of the one before: 9^levels strings.
std::string alias_bomb(int levels) {
  std::string text = std::string(k_model_head) + "    extra_body:\n      l0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= levels; ++i) {
    text += "      l" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 9; ++j) text += (j ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  return text;
}

TEST_F(SpecLoaderTest, InvalidUtf8IsRefusedAtItsField) {
  ConfigError e = task_error(task_with("    prompt: \"caf\xc3\"\n"));
  EXPECT_EQ(e.field(), "tasks[0].prompt");
  EXPECT_EQ(e.where().line, 4);
  EXPECT_EQ(e.where().column, 13);
  EXPECT_THAT(e.message(), HasSubstr("not valid UTF-8 (byte 0xC3 at byte 3"));
  EXPECT_EQ(models_error("models:\n  - name: a\n    base_url: http://x/v1\n    model: \xff\xfe\n").field(), "models[0].model");
  EXPECT_EQ(models_error(std::string(k_model_head) + "    extra_body: {opts: [ok, \"\xed\xa0\x80\"]}\n").field(),
            "models[0].extra_body.opts[1]");  // a UTF-16 surrogate is not UTF-8 either
  EXPECT_EQ(models_error(std::string(k_model_head) + "    extra_body: {\"k\xc0\xaf\": 1}\n").field(), "models[0].extra_body");
  // Valid UTF-8, U+FFFD itself included, loads.
  EXPECT_EQ(load_task_file(write("ok.yaml", task_with("    prompt: \"日本語 \xef\xbf\xbd 😀\"\n"))).tasks.at(0).prompt, "日本語 \xef\xbf\xbd 😀");
}

TEST_F(SpecLoaderTest, AliasExpansionIsBounded) {
  for (const int levels : {5, 9}) {  // 9^5: accepted before, a multi-MB body; 9^9: memory exhausted
    const ConfigError e = models_error(alias_bomb(levels));
    EXPECT_THAT(e.field(), HasSubstr("models[0].extra_body.l")) << levels;
    EXPECT_THAT(e.message(), HasSubstr("aliases (*name) expand this file by more than")) << levels;
  }
  // Aliases for what a file shares are fine.
  const auto models = load_models_file(write("shared.yaml",
                                             "models:\n  - name: a\n    base_url: http://x/v1\n    model: m\n    params: &p {temperature: 0.2, top_p: 0.9}\n"
                                             "  - name: b\n    base_url: http://x/v1\n    model: n\n    params: *p\n"));
  EXPECT_EQ(models.at(1).params, models.at(0).params);
}

TEST_F(SpecLoaderTest, DeepNestingIsRefused) {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const ConfigError e = models_error(std::string(k_model_head) + "    extra_body: {x: " + deep + "}\n");
  EXPECT_THAT(e.message(), HasSubstr("nested more than 64 levels deep"));
  EXPECT_THAT(e.field(), HasSubstr("models[0].extra_body.x[0][0]"));
}

TEST_F(SpecLoaderTest, DuplicateKeysAreRefusedWithBothLines) {
  ConfigError e = task_error(task_with("    prompt: one\n    system: s\n    prompt: two\n"));
  EXPECT_EQ(e.field(), "tasks[0].prompt");
  EXPECT_EQ(e.where().line, 6);
  EXPECT_THAT(e.message(), HasSubstr("duplicate key 'prompt': also at line 4, column 5"));
  e = models_error(std::string(k_model_head) + "    extra_body: {a: 1, b: 2, a: 3}\n");
  EXPECT_EQ(e.field(), "models[0].extra_body.a");
  EXPECT_EQ(task_error("suite: s\nsuite: t\ntasks: []\n").field(), "suite");
  EXPECT_THAT(models_error(std::string(k_model_head) + "    extra_body: {[a]: 1}\n").message(), HasSubstr("a key must be a plain word"));
}

TEST_F(SpecLoaderTest, NumbersStateTheirRangeAndQuotedNumbersSaySo) {
  ConfigError e = models_error(std::string(k_model_head) + "    timeouts: {request: 1e300}\n");
  EXPECT_EQ(e.field(), "models[0].timeouts.request");
  EXPECT_EQ(e.message(), "must be from 0.001 to 604800 seconds, got 1e300");
  EXPECT_EQ(models_error(std::string(k_model_head) + "    timeouts: {connect: 1e400}\n").message(),
            "expected a number from 0.001 to 3600 seconds, got '1e400'");
  e = task_error(task_with("    prompt: p\n    repeat: \"3\"\n"));
  EXPECT_EQ(e.field(), "tasks[0].repeat");
  EXPECT_EQ(e.message(), "expected a whole number from 1 to 100000, got the string \"3\"; write 3 without quotes");
  EXPECT_EQ(task_error(task_with("    prompt: p\n    repeat: 0\n")).message(), "must be from 1 to 100000, got 0");
  EXPECT_EQ(task_error(task_with("    prompt: p\n    params: {temperature: 30}\n")).message(), "must be from 0 to 10, got 30");
  EXPECT_EQ(task_error(task_with("    prompt: p\n    params: {max_tokens: 99999999999999999999}\n")).message(),
            "expected a whole number from -1 to 10000000, got '99999999999999999999'");
  EXPECT_EQ(models_error(std::string(k_model_head) + "    concurrency: 1000\n").message(), "must be from 1 to 256, got 1000");
  EXPECT_EQ(models_error(std::string(k_model_head) + "    warmup: \"true\"\n").message(),
            "expected true or false, got the string \"true\"; write true without quotes");
}

// Long values must be refused like short ones (a recursive regex once overflowed the stack).
TEST_F(SpecLoaderTest, LongValuesAreRefusedNotCrashed) {
  EXPECT_EQ(task_error(task_with("    prompt: p\n    repeat: " + std::string(200000, '9') + "\n")).field(), "tasks[0].repeat");
  EXPECT_EQ(task_error("suite: " + std::string(200000, '-') + "\ntasks: []\n").field(), "suite");
  EXPECT_EQ(models_error(std::string(k_model_head) + "    api_key_env: " + std::string(200000, '-') + "\n").field(),
            "models[0].api_key_env");
}

TEST_F(SpecLoaderTest, BaseUrlIsParsedAndMustSuitTheDialect) {
  const auto problem = [&](const std::string& url, const std::string& dialect = "openai") {
    const ConfigError e = models_error("models:\n  - name: a\n    base_url: '" + url + "'\n    model: m\n    dialect: " + dialect + "\n");
    EXPECT_EQ(e.field(), "models[0].base_url") << url;
    EXPECT_EQ(e.where().line, 3) << url;
    return e.message();
  };
  EXPECT_THAT(problem("http://127.0.0.1:99999/v1"), HasSubstr("has a port outside 1 to 65535"));
  EXPECT_THAT(problem("http://127.0.0.1:0/v1"), HasSubstr("has port 0"));
  EXPECT_THAT(problem("http://local host:8080/v1"), HasSubstr("contains a space"));
  EXPECT_THAT(problem("http://h/v1\t"), HasSubstr("control character"));
  EXPECT_THAT(problem("http:///v1"), HasSubstr("names no host"));
  EXPECT_THAT(problem("http://:8080/v1"), HasSubstr("names no host"));
  EXPECT_THAT(problem("ftp://h/v1"), HasSubstr("must start with http:// or https://"));
  EXPECT_THAT(problem("http://h:8080/v1?key=1"), HasSubstr("has a query"));
  EXPECT_THAT(problem("http://127.0.0.1:11434/v1", "ollama"), HasSubstr("for the ollama dialect drop the /v1"));
  EXPECT_THAT(problem("http://127.0.0.1:1234/v1", "lmstudio"), HasSubstr("/v1"));
  for (const char* ok : {"http://127.0.0.1:8080/v1", "https://[::1]:8443/v1", "http://gpu-box.lan/v1"})
    EXPECT_NO_THROW(load_models_file(write("ok.yaml", std::string("models:\n  - {name: a, base_url: '") + ok + "', model: m}\n"))) << ok;
}

TEST_F(SpecLoaderTest, FilesThatAreNoYamlAreConfigErrors) {
  std::filesystem::create_directories(m_dir / "dir.yaml");
  EXPECT_THROW(load_task_file((m_dir / "dir.yaml").string()), ConfigError);
  EXPECT_THROW(load_task_file(write("bin.yaml", std::string("\0\x01\x02", 3))), ConfigError);
  EXPECT_THROW(load_models_file(write("tab.yaml", "models:\n\t- x\n")), ConfigError);
}

TEST(BuiltinTasks, SeedTasksLoad) {
  const auto tasks = load_tasks({std::string(GOODPUT_SOURCE_DIR) + "/tasks/seed"});
  EXPECT_GE(tasks.size(), 6u);
  for (const auto& t : tasks) EXPECT_FALSE(t.assertions.empty()) << t.id();
}

}  // namespace
}  // namespace goodput
