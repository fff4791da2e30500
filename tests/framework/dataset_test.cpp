// Datasets and variables: rows from JSONL and CSV, {{name}} in task files, `defaults:`, and
// the file:line:column of every dataset error.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/dataset.hpp"
#include "goodput/spec.hpp"

namespace goodput {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class DatasetTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const auto path = m_dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  // The ConfigError of `load`, failing the test when none is thrown.
  template <class Load>
  ConfigError error_of(Load load) {
    try {
      load();
    } catch (const ConfigError& e) {
      return e;
    }
    ADD_FAILURE() << "no ConfigError";
    return ConfigError({}, "", "");
  }
  ConfigError dataset_error(const std::string& name, const std::string& text, const std::string& id_column = "") {
    const std::string path = write(name, text);
    return error_of([&] { read_dataset(path, id_column); });
  }
  ConfigError task_error(const std::string& yaml) {
    const std::string path = write("t.yaml", yaml);
    return error_of([&] { load_task_file(path); });
  }
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() / ("goodput-dataset-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }
  std::filesystem::path m_dir;
};

TEST_F(DatasetTest, JsonlRowsKeepFieldOrderAndWriteScalarsAsText) {
  const auto rows = read_dataset(write("d.jsonl", "{\"q\": \"a\", \"n\": 3, \"x\": 1.5, \"ok\": true, \"none\": null}\n\n"
                                                  "{\"q\": \"日本\", \"n\": -2}\r\n"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, "1");
  EXPECT_EQ(rows[1].id, "2");
  EXPECT_THAT(rows[0].fields, ElementsAre(Pair("q", "a"), Pair("n", "3"), Pair("x", "1.5"), Pair("ok", "true"), Pair("none", "")));
  EXPECT_EQ(rows[1].at("q"), "日本");
  EXPECT_EQ(rows[1].where.line, 3);  // the blank line counts
  EXPECT_EQ(rows[1].find("x"), nullptr);
  EXPECT_THROW(rows[1].at("x"), std::out_of_range);
}

TEST_F(DatasetTest, CsvFollowsRfc4180) {
  const auto rows = read_dataset(write("d.csv", "\xEF\xBB\xBFid,text,n\r\n"
                                                "a,\"one, two\",1\r\n"
                                                "b,\"say \"\"hi\"\"\nand go\",2\r\n"
                                                "\r\n"
                                                "c,,3"),
                                 "id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, "a");
  EXPECT_THAT(rows[0].fields, ElementsAre(Pair("id", "a"), Pair("text", "one, two"), Pair("n", "1")));
  EXPECT_EQ(rows[1].at("text"), "say \"hi\"\nand go");
  EXPECT_EQ(rows[1].where.line, 3);
  EXPECT_EQ(rows[2].at("text"), "");
  EXPECT_EQ(rows[2].where.line, 6);  // after a field spanning two lines and a blank line
}

TEST_F(DatasetTest, EveryDatasetErrorNamesFileLineAndColumn) {
  {
    const ConfigError e = dataset_error("bad.jsonl", "{\"a\": 1}\n{\"a\": 2,,}\n");
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().column, 9);
    EXPECT_THAT(e.message(), HasSubstr("not a JSON object on one line"));
  }
  {
    const ConfigError e = dataset_error("list.jsonl", "[1, 2]\n");
    EXPECT_EQ(e.where().line, 1);
    EXPECT_THAT(e.message(), HasSubstr("expected a JSON object"));
  }
  {
    const ConfigError e = dataset_error("nested.jsonl", "{\"a\": 1}\n{\"a\": 1, \"tags\": [\"x\"]}\n");
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().column, 10);
    EXPECT_EQ(e.field(), "dataset.tags");
    EXPECT_THAT(e.message(), HasSubstr("is an array; a field must be a string, number, boolean or null"));
  }
  {
    const ConfigError e = dataset_error("ragged.csv", "a,b\n1,2\n3,4,5\n");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().column, 5);
    EXPECT_THAT(e.message(), HasSubstr("this row has 3 fields, the header 2"));
  }
  {
    const ConfigError e = dataset_error("open.csv", "a,b\n1,\"never closed\n");
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().column, 3);
    EXPECT_THAT(e.message(), HasSubstr("never closed"));
  }
  {
    const ConfigError e = dataset_error("stray.csv", "a,b\n1,\"x\"y\n");
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().column, 6);
  }
  {
    const ConfigError e = dataset_error("header.csv", "a,b,a\n1,2,3\n");
    EXPECT_EQ(e.where().line, 1);
    EXPECT_EQ(e.where().column, 5);
    EXPECT_THAT(e.message(), HasSubstr("names column 'a' twice"));
  }
  {
    const ConfigError e = dataset_error("dup.csv", "id,q\nx1,a\nx2,b\nx1,c\n", "id");
    EXPECT_EQ(e.where().line, 4);
    EXPECT_EQ(e.where().column, 1);
    EXPECT_EQ(e.field(), "dataset.id");
    EXPECT_THAT(e.message(), HasSubstr("duplicate id 'x1' (first at " + (m_dir / "dup.csv").string() + ":2)"));
  }
  {
    const ConfigError e = dataset_error("badid.jsonl", "{\"q\": 1, \"id\": \"a b\"}\n", "id");
    EXPECT_EQ(e.where().line, 1);
    EXPECT_EQ(e.where().column, 10);
    EXPECT_THAT(e.message(), HasSubstr("'a b' cannot be part of a task id"));
  }
  {
    const ConfigError e = dataset_error("noid.jsonl", "{\"id\": \"a\"}\n{\"q\": 1}\n", "id");
    EXPECT_EQ(e.where().line, 2);
    EXPECT_THAT(e.message(), HasSubstr("this row has no 'id' field"));
  }
  EXPECT_THAT(dataset_error("empty.jsonl", "\n\n").message(), HasSubstr("has no rows"));
  EXPECT_THAT(dataset_error("empty.csv", "a,b\n").message(), HasSubstr("has no rows below its header"));
  EXPECT_THAT(dataset_error("rows.tsv", "a\tb\n").message(), HasSubstr("name a .jsonl or a .csv file"));
  EXPECT_THAT(error_of([&] { read_dataset((m_dir / "missing.jsonl").string()); }).message(), HasSubstr("no such file"));
}

constexpr const char* k_capitals = R"(suite: Geo
defaults:
  system: "Answer in {{language}}."
  params: {max_tokens: 100, temperature: 0.5}
  tags: [geo]
  vars: {language: English}
  assert:
    - {type: not-contains, value: "sorry"}
tasks:
  - id: capital
    dataset: rows.jsonl
    id_column: id
    params: {temperature: 0}
    tags: [capitals, geo]
    prompt: "What is the capital of {{ country }}? {{ not a var }} {{"
    assert:
      - {type: contains, value: "{{capital}}"}
      - {type: number, expected: "{{population}}", tolerance: 1}
      - {type: icontains, value: "city"}
      - {type: stop-reason, expected: stop}
)";

TEST_F(DatasetTest, ATemplateBecomesOneCasePerRowWithItsVars) {
  write("rows.jsonl",
        "{\"id\": \"jp\", \"country\": \"Japan\", \"capital\": \"Tokyo\", \"population\": 125}\n"
        "{\"id\": \"fr\", \"country\": \"France\", \"capital\": \"Paris\", \"population\": 68, \"language\": \"French\"}\n"
        "{\"id\": \"fr2\", \"country\": \"France\", \"capital\": \"Paris\", \"population\": 68}\n");
  const TaskSuite suite = load_task_file(write("t.yaml", k_capitals));
  ASSERT_EQ(suite.tasks.size(), 3u);
  const TaskSpec& jp = suite.tasks[0];
  const TaskSpec& fr = suite.tasks[1];
  EXPECT_EQ(jp.id(), "Geo.capital_jp");
  EXPECT_EQ(fr.id(), "Geo.capital_fr");
  EXPECT_EQ(jp.prompt, "What is the capital of Japan? {{ not a var }} {{");
  EXPECT_EQ(jp.system, "Answer in English.");
  EXPECT_EQ(fr.system, "Answer in French.");  // a row's field wins over vars
  EXPECT_EQ(jp.params, (nlohmann::json{{"max_tokens", 100}, {"temperature", 0}}));  // the task wins per key
  EXPECT_EQ(jp.tags, (std::vector<std::string>{"geo", "capitals"}));
  ASSERT_EQ(jp.assertions.size(), 5u);  // the task's, then the defaults'
  EXPECT_EQ(jp.assertions[0].params.string("value"), "Tokyo");
  EXPECT_EQ(fr.assertions[0].params.string("value"), "Paris");
  EXPECT_EQ(jp.assertions[1].params.number("expected"), 125);
  EXPECT_EQ(jp.assertions[4].type, "not-contains");

  Completion answer;
  answer.answer = "Tokyo is the capital city (population: 125).";
  answer.stop_reason = StopReason::stop;
  for (const auto& a : jp.assertions) EXPECT_EQ(a.checker->check(answer).outcome, checkers::Outcome::pass) << a.type;
  EXPECT_EQ(fr.assertions[0].checker->check(answer).outcome, checkers::Outcome::fail);

  // One checker for an assertion without {{names}}, and for one whose values come out equal.
  EXPECT_EQ(jp.assertions[2].checker, fr.assertions[2].checker);
  EXPECT_EQ(jp.assertions[4].checker, fr.assertions[4].checker);
  EXPECT_NE(jp.assertions[0].checker, fr.assertions[0].checker);
  EXPECT_EQ(fr.assertions[0].checker, suite.tasks[2].assertions[0].checker);
}

TEST_F(DatasetTest, APythonJudgeGetsTheVarsOfItsCase) {
  write("q.csv", "a,b\n1,2\n1,2\n3,4\n");
  const TaskSuite suite = load_task_file(write("t.yaml", R"(suite: S
defaults:
  vars: {unit: cm}
  threshold: 0.5
tasks:
  - id: add
    dataset: q.csv
    prompt: "{{a}} + {{b}}"
    assert:
      - type: python
        code: |
          def check(answer, vars):
              return str(int(vars["a"]) + int(vars["b"])) in answer
  - id: plain
    prompt: hi
    assert: [{type: python, code: "def check(answer, vars): return True"}]
)"));
  ASSERT_EQ(suite.tasks.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(suite.tasks[0].assertions[0].params.string("vars")),
            (nlohmann::json{{"a", "1"}, {"b", "2"}, {"unit", "cm"}}));
  EXPECT_EQ(suite.tasks[0].assertions[0].checker, suite.tasks[1].assertions[0].checker);  // equal vars: one judge
  EXPECT_NE(suite.tasks[0].assertions[0].checker, suite.tasks[2].assertions[0].checker);
  EXPECT_EQ(nlohmann::json::parse(suite.tasks[3].assertions[0].params.string("vars")), (nlohmann::json{{"unit", "cm"}}));
  EXPECT_EQ(suite.tasks[3].threshold, 0.5);
}

TEST_F(DatasetTest, CsvRowsNumberedWithoutAnIdColumn) {
  write("q.csv", "a,b\n1,2\n3,4\n");
  const TaskSuite suite = load_task_file(write("t.yaml", R"(suite: S
tasks:
  - id: add
    dataset: q.csv
    prompt: "{{a}} + {{b}}"
    assert: [{type: contains, value: "{{b}}"}]
)"));
  ASSERT_EQ(suite.tasks.size(), 2u);
  EXPECT_EQ(suite.tasks[1].id(), "S.add_2");
  EXPECT_EQ(suite.tasks[1].prompt, "3 + 4");
}

TEST_F(DatasetTest, VarsWithoutADatasetAndDefaultAssertionsAlone) {
  const TaskSuite suite = load_task_file(write("t.yaml", R"(suite: S
defaults:
  repeat: 3
  assert: [{type: contains, value: "{{word}}"}]
tasks:
  - id: say
    vars: {word: "hello", open: "{{"}
    prompt: "Say {{word}}, then {{open}}word}}"
  - id: other
    repeat: 2
    vars: {word: "bye"}
    prompt: "Say {{word}}"
)"));
  ASSERT_EQ(suite.tasks.size(), 2u);
  EXPECT_EQ(suite.tasks[0].id(), "S.say");
  EXPECT_EQ(suite.tasks[0].prompt, "Say hello, then {{word}}");  // a value is not searched again
  EXPECT_EQ(suite.tasks[0].repeat, 3);
  EXPECT_EQ(suite.tasks[1].repeat, 2);  // the task wins
  EXPECT_EQ(suite.tasks[1].assertions.at(0).params.string("value"), "bye");
}

TEST_F(DatasetTest, AnUnknownVariableNamesItsPlaceAndTheRow) {
  write("rows.jsonl", "{\"country\": \"Japan\"}\n{\"name\": \"France\"}\n");
  {
    const ConfigError e = task_error("suite: S\ntasks:\n  - id: t\n    dataset: rows.jsonl\n    prompt: \"Capital of {{country}}?\"\n"
                                     "    assert: [{type: contains, value: x}]\n");
    EXPECT_EQ(e.where().line, 5);
    EXPECT_EQ(e.field(), "tasks[0].prompt");
    EXPECT_THAT(e.message(), HasSubstr("unknown variable {{country}} (known here: name)"));
    EXPECT_THAT(e.message(), HasSubstr("rows.jsonl:2"));
  }
  {
    const ConfigError e = task_error("suite: S\ntasks:\n  - id: t\n    prompt: hi\n    assert:\n      - type: contains\n"
                                     "        value: \"{{answer}}\"\n");
    EXPECT_EQ(e.where().line, 7);
    EXPECT_EQ(e.where().column, 16);
    EXPECT_EQ(e.field(), "tasks[0].assert[0].value");
    EXPECT_THAT(e.message(), HasSubstr("{{answer}}"));
  }
  {
    const ConfigError e = task_error("suite: S\ndefaults:\n  system: \"{{tone}}\"\ntasks:\n  - id: t\n    prompt: hi\n"
                                     "    assert: [{type: contains, value: x}]\n");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.field(), "defaults.system");
  }
}

TEST_F(DatasetTest, TaskFileDatasetErrors) {
  {
    const ConfigError e = task_error("suite: S\ntasks:\n  - id: t\n    dataset: nowhere.jsonl\n    prompt: hi\n"
                                     "    assert: [{type: contains, value: x}]\n");
    EXPECT_EQ(e.where().line, 4);
    EXPECT_EQ(e.field(), "tasks[0].dataset");
    EXPECT_THAT(e.message(), HasSubstr("does not exist"));
  }
  {
    const ConfigError e = task_error("suite: S\ntasks:\n  - id: t\n    id_column: id\n    prompt: hi\n"
                                     "    assert: [{type: contains, value: x}]\n");
    EXPECT_EQ(e.field(), "tasks[0].id_column");
  }
  {
    write("n.jsonl", "{\"n\": \"many\"}\n");
    const ConfigError e = task_error("suite: S\ntasks:\n  - id: t\n    dataset: n.jsonl\n    prompt: hi\n"
                                     "    assert: [{type: number, expected: \"{{n}}\"}]\n");
    EXPECT_EQ(e.where().line, 6);
    EXPECT_THAT(e.message(), HasSubstr("expected a number"));
    EXPECT_THAT(e.message(), HasSubstr("n.jsonl:1"));
  }
  {
    write("ids.jsonl", "{\"id\": \"2\"}\n{\"id\": \"x\"}\n");
    write("more.jsonl", "{\"x\": 1}\n{\"x\": 2}\n");
    const ConfigError e = task_error("suite: S\ntasks:\n  - id: t\n    dataset: more.jsonl\n    prompt: hi\n"
                                     "    assert: [{type: contains, value: x}]\n  - id: t_2\n    prompt: hi\n"
                                     "    assert: [{type: contains, value: x}]\n");
    EXPECT_EQ(e.where().line, 7);
    EXPECT_THAT(e.message(), HasSubstr("duplicate task id 't_2'"));
  }
  {
    const ConfigError e = task_error("suite: S\ntasks:\n  - id: t\n    vars: {a: [1]}\n    prompt: hi\n"
                                     "    assert: [{type: contains, value: x}]\n");
    EXPECT_EQ(e.field(), "tasks[0].vars.a");
  }
  {
    const ConfigError e = task_error("suite: S\ntasks:\n  - id: t\n    prompt: hi\n");
    EXPECT_THAT(e.message(), HasSubstr("a task needs at least one assertion (in its assert: or in the file's defaults.assert)"));
  }
}

}  // namespace
}  // namespace goodput
