// GOODPUT_TASK and the expectation macros: the task cases below register into this test
// binary's registry, and each test runs one through a TaskContext around a scripted Provider,
// then looks at what was recorded: messages, verdicts, the requests the provider saw.
#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/goodput.hpp"

namespace goodput {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Replies from a script, in order; records every request. Past the script: a connect error.
class ScriptedProvider final : public Provider {
 public:
  explicit ScriptedProvider(std::deque<Completion> script) : m_script(std::move(script)) {}

  Completion complete(const CompletionRequest& request, const std::atomic<bool>* /*cancel*/) override {
    requests.push_back(request);
    if (m_script.empty()) {
      Completion failed;
      failed.error = {ErrorKind::connect, "cannot connect to 127.0.0.1:9 (scripted)", 0};
      return failed;
    }
    Completion next = std::move(m_script.front());
    m_script.pop_front();
    return next;
  }
  nlohmann::json request_body(const CompletionRequest& /*request*/) const override { return nlohmann::json::object(); }

  std::vector<CompletionRequest> requests;

 private:
  std::deque<Completion> m_script;
};

Completion answer(std::string text, double e2e_s = 0.5) {
  Completion c;
  c.answer = std::move(text);
  c.stop_reason = StopReason::stop;
  c.server_stop_reason = "stop";
  c.metrics.e2e_s = e2e_s;
  c.tokens.prompt = 10;
  return c;
}

// Lines of expectations and markers of how far bodies got, set by the task bodies below.
int g_contains_line = 0;
int g_assert_line = 0;
bool g_after_assert_ran = false;
bool g_after_failed_ask_ran = false;
int g_checks_after_failure = 0;

}  // namespace
}  // namespace goodput

namespace macro_tasks {

// README "Python packages": the C++ option, seen by this task's python-passes checks.
GOODPUT_TASK_WITH(PackagesTest, OnlyNumpy, goodput::TaskOptions{}.python_packages({"numpy"})) {
  auto reply = ask("Write a JSON to CSV converter.");
  GOODPUT_EXPECT_PYTHON_PASSES(reply, "../../tasks/seed/fixtures/json_to_csv/seed");
}

GOODPUT_TASK(MacroTest, FailureMessage) {
  auto reply = ask("R0 is 2.5: what share must be immune?");
  goodput::g_contains_line = __LINE__; GOODPUT_EXPECT_CONTAINS(reply, "60%") << "the threshold is 1 - 1/R0";
}

GOODPUT_TASK(MacroTest, NonFatalContinues) {
  auto reply = ask("R0 is 2.5: what share must be immune?");
  GOODPUT_EXPECT_CONTAINS(reply, "60%");
  ++goodput::g_checks_after_failure;
  GOODPUT_EXPECT_NUMBER_NEAR(reply, 50, 0);
  ++goodput::g_checks_after_failure;
}

GOODPUT_TASK(MacroTest, FatalStops) {
  auto reply = ask("List three primary colors.");
  goodput::g_assert_line = __LINE__; GOODPUT_ASSERT_LIST_COUNT(reply, 3);
  goodput::g_after_assert_ran = true;
  GOODPUT_EXPECT_CONTAINS(reply, "Red");
}

GOODPUT_TASK(MacroTest, EveryKindPasses) {
  auto reply = ask("Herd immunity?");
  GOODPUT_EXPECT_CONTAINS(reply, "60%");
  GOODPUT_EXPECT_NOT_CONTAINS(reply, "70%");
  GOODPUT_EXPECT_ICONTAINS(reply, "HERD");
  GOODPUT_EXPECT_MATCHES(reply, "[0-9]+ ?万人");
  GOODPUT_EXPECT_NUMBER_NEAR(reply, 100000, 0, "追加");
  GOODPUT_EXPECT_STOP_REASON(reply, "stop");
  GOODPUT_EXPECT_LATENCY_BELOW(reply, 5);
  GOODPUT_EXPECT_CHECK(reply, "length", {{"min", 10}});
  auto list = ask("Three items, please.");
  GOODPUT_ASSERT_LIST_COUNT(list, 3);
  // An expectation is one statement, safe in an unbraced if/else.
  if (list.answer().empty())
    GOODPUT_EXPECT_CONTAINS(list, "never");
  else
    GOODPUT_EXPECT_CONTAINS(list.completion(), "1.");
}

GOODPUT_TASK(MacroTest, CannotJudge) {
  auto reply = ask("anything");
  GOODPUT_EXPECT_MATCHES(reply, "(unclosed");
  GOODPUT_EXPECT_PYTHON_PASSES(reply, "no/such/fixtures");
  GOODPUT_EXPECT_CHECK(reply, "contains", {{"valeu", "x"}});
  GOODPUT_EXPECT_CHECK(reply, "pyhton-passes");
  GOODPUT_EXPECT_CONTAINS(reply, "anything");
}

GOODPUT_TASK(MacroTest, Conversation) {
  auto first = ask("List three primary colors.", {.system = "Answer briefly."});
  auto second = ask("Now add a BOM option.");
  GOODPUT_EXPECT_CONTAINS(second, "BOM");
  new_conversation();
  ask("A fresh start.");
}

GOODPUT_TASK(MacroTest, TransportError) {
  ask("first");
  ask("second");  // the script has only one reply: this one cannot connect
  goodput::g_after_failed_ask_ran = true;
}

GOODPUT_TASK(MacroTest, Throws) {
  ask("first");
  throw std::runtime_error("fixture file missing");
}

GOODPUT_TASK(MacroTest, ChecksNothing) { ask("hello"); }

GOODPUT_TASK_WITH(MacroTest, Tagged,
                  goodput::tags({"smoke", "fast"}).repeat(2).param("max_tokens", 50).param("temperature", 0.2).system("Be terse.").min_pass_rate(0.5)) {
  auto reply = ask("hi", {.params = {{"max_tokens", 10}, {"stop", std::vector<std::string>{"\n\n"}}}});
  GOODPUT_EXPECT_CONTAINS(reply, "hi");
}

}  // namespace macro_tasks

namespace goodput {
namespace {

const TaskSpec& registered(const std::string& id) {
  for (const auto& task : registered_tasks())
    if (task.id() == id) return task;
  throw std::logic_error("not registered: " + id);
}

struct Ran {
  std::vector<Turn> turns;
  std::vector<TaskCheck> checks;
  checkers::Outcome outcome = checkers::Outcome::error;
  std::vector<CompletionRequest> requests;
};

Ran run_registered(const std::string& id, std::deque<Completion> script, const ModelSpec* model = nullptr) {
  ScriptedProvider provider(std::move(script));
  TaskContext context(provider, model, &registered(id));
  context.run(registered(id).body);
  return {context.turns(), context.checks(), context.outcome(), provider.requests};
}

std::string this_file() { return __FILE__; }

TEST(TaskMacros, AFailureReadsLikeGoogleTestWithFileAndLine) {
  const Ran ran = run_registered("MacroTest.FailureMessage", {answer("The threshold is 50%.")});
  ASSERT_EQ(ran.checks.size(), 1u);
  const TaskCheck& check = ran.checks[0];
  EXPECT_EQ(check.type, "contains");
  EXPECT_EQ(check.where.file, this_file());
  EXPECT_EQ(check.where.line, g_contains_line);
  EXPECT_EQ(check.result.outcome, checkers::Outcome::fail);
  const std::string& message = check.result.message;
  EXPECT_THAT(message, StartsWith(this_file() + ":" + std::to_string(g_contains_line) + ": Failure\n"
                                  "Expected: reply contains \"60%\"\n"
                                  "  Actual: contains: '60%' not found in the answer"));
  EXPECT_THAT(message, HasSubstr("'The threshold is 50%.'"));  // the checker's own words
  EXPECT_THAT(message, EndsWith("\nthe threshold is 1 - 1/R0"));  // the << note
  EXPECT_EQ(ran.outcome, checkers::Outcome::fail);
}

TEST(TaskMacros, PythonPackagesOfATaskCaseReachItsPythonChecks) {
  EXPECT_EQ(registered("PackagesTest.OnlyNumpy").python_packages, std::vector<std::string>{"numpy"});
  if (!std::filesystem::exists("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 is not installed";
  const Ran ran = run_registered("PackagesTest.OnlyNumpy",
                                 {answer("```python\nimport requests\n\ndef json_to_csv(records):\n    return ''\n```\n")});
  ASSERT_EQ(ran.checks.size(), 1u);
  EXPECT_EQ(ran.checks[0].result.outcome, checkers::Outcome::fail) << ran.checks[0].result.message;
  EXPECT_THAT(ran.checks[0].result.message, HasSubstr("the answer imports 'requests'; this task allows only: numpy, the standard library"));
}

TEST(TaskMacros, ANonFatalFailureCarriesOn) {
  g_checks_after_failure = 0;
  const Ran ran = run_registered("MacroTest.NonFatalContinues", {answer("About 60% must be immune.")});
  EXPECT_EQ(g_checks_after_failure, 2);
  ASSERT_EQ(ran.checks.size(), 2u);
  EXPECT_EQ(ran.checks[0].result.outcome, checkers::Outcome::pass);
  EXPECT_EQ(ran.checks[1].type, "number");
  EXPECT_EQ(ran.checks[1].result.outcome, checkers::Outcome::fail);
  EXPECT_THAT(ran.checks[1].result.message, HasSubstr("Expected: reply states the number 50\n  Actual: "));
  EXPECT_EQ(ran.outcome, checkers::Outcome::fail);
}

TEST(TaskMacros, AFatalFailureStopsTheBody) {
  g_after_assert_ran = false;
  const Ran ran = run_registered("MacroTest.FatalStops", {answer("1. Red\n2. Yellow\n3. Blue\n4. Black")});
  EXPECT_FALSE(g_after_assert_ran);
  ASSERT_EQ(ran.checks.size(), 1u);  // the EXPECT after the ASSERT never ran
  EXPECT_TRUE(ran.checks[0].fatal);
  EXPECT_EQ(ran.checks[0].type, "list-count");
  EXPECT_THAT(ran.checks[0].result.message,
              StartsWith(this_file() + ":" + std::to_string(g_assert_line) + ": Failure\n"
                         "Expected: reply is a numbered list of 3 items\n  Actual: "));
  EXPECT_EQ(ran.outcome, checkers::Outcome::fail);

  g_after_assert_ran = false;
  const Ran passing = run_registered("MacroTest.FatalStops", {answer("1. Red\n2. Green\n3. Blue")});
  EXPECT_TRUE(g_after_assert_ran);
  EXPECT_EQ(passing.checks.size(), 2u);
  EXPECT_EQ(passing.outcome, checkers::Outcome::pass);
}

TEST(TaskMacros, EveryExpectationUsesTheRegisteredCheckerOfItsYamlType) {
  const Ran ran = run_registered("MacroTest.EveryKindPasses",
                                 {answer("Herd immunity needs 60%: 追加で10万人 must be vaccinated."), answer("1. a\n2. b\n3. c")});
  std::vector<std::string> types;
  for (const auto& check : ran.checks) {
    types.push_back(check.type);
    EXPECT_EQ(check.result.outcome, checkers::Outcome::pass) << check.type << ": " << check.result.message;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"contains", "not-contains", "icontains", "regex", "number", "stop-reason",
                                             "max-latency", "length", "list-count", "contains"}));
  EXPECT_EQ(ran.outcome, checkers::Outcome::pass);
}

TEST(TaskMacros, ACheckThatCannotBeBuiltOrJudgedIsAnErrorNotAFailure) {
  const Ran ran = run_registered("MacroTest.CannotJudge", {answer("anything")});
  ASSERT_EQ(ran.checks.size(), 5u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(ran.checks[i].result.outcome, checkers::Outcome::error) << i;
    EXPECT_THAT(ran.checks[i].result.message, HasSubstr(": Error\nExpected: reply ")) << i;
    EXPECT_THAT(ran.checks[i].result.message, HasSubstr("\n  Could not judge: ")) << i;
  }
  EXPECT_THAT(ran.checks[0].result.message, HasSubstr("the assertion cannot be built"));
  EXPECT_THAT(ran.checks[1].result.message, HasSubstr("relative paths start at the task's source folder"));
  EXPECT_THAT(ran.checks[2].result.message, HasSubstr("has no parameter 'valeu'"));
  EXPECT_THAT(ran.checks[3].result.message, HasSubstr("unknown assertion type 'pyhton-passes'"));
  EXPECT_EQ(ran.checks[4].result.outcome, checkers::Outcome::pass);  // non-fatal: carried on
  EXPECT_EQ(ran.outcome, checkers::Outcome::error);
}

TEST(TaskMacros, AFollowUpSendsTheConversationSoFar) {
  const Ran ran = run_registered("MacroTest.Conversation",
                                 {answer("1. Red\n2. Green\n3. Blue"), answer("Added a BOM flag."), answer("Hello.")});
  ASSERT_EQ(ran.requests.size(), 3u);
  const auto& second = ran.requests[1].messages;
  ASSERT_EQ(second.size(), 4u);  // system, user, assistant, user
  EXPECT_EQ(second[0].role, "system");
  EXPECT_EQ(second[0].content, "Answer briefly.");
  EXPECT_EQ(second[1].role, "user");
  EXPECT_EQ(second[1].content, "List three primary colors.");
  EXPECT_EQ(second[2].role, "assistant");
  EXPECT_EQ(second[2].content, "1. Red\n2. Green\n3. Blue");
  EXPECT_EQ(second[3].role, "user");
  EXPECT_EQ(second[3].content, "Now add a BOM option.");
  // new_conversation(): history and the ask's system message are gone.
  ASSERT_EQ(ran.requests[2].messages.size(), 1u);
  EXPECT_EQ(ran.requests[2].messages[0].content, "A fresh start.");

  ASSERT_EQ(ran.turns.size(), 3u);
  EXPECT_EQ(ran.turns[1].messages, 4u);
  EXPECT_EQ(ran.turns[1].conversation, 0);
  EXPECT_EQ(ran.turns[2].conversation, 1);
  EXPECT_EQ(ran.turns[1].completion.answer, "Added a BOM flag.");
  EXPECT_EQ(ran.turns[1].where.file, this_file());
  EXPECT_EQ(ran.outcome, checkers::Outcome::pass);
}

TEST(TaskMacros, ATransportErrorInAskIsAnErrorAndStopsTheBody) {
  g_after_failed_ask_ran = false;
  const TaskSpec& task = registered("MacroTest.TransportError");
  ScriptedProvider provider({answer("one")});
  RunRecord run;
  run.task = &task;
  run_task_case(run, provider);
  EXPECT_FALSE(g_after_failed_ask_ran);
  EXPECT_EQ(run.verdict, Verdict::error);
  ASSERT_EQ(run.turns.size(), 2u);
  EXPECT_EQ(run.completion.error.kind, ErrorKind::connect);  // the run's completion: the last ask's
  EXPECT_TRUE(run.checks.empty());
}

TEST(TaskMacros, AnExceptionFromTheBodyIsAnErrorWithItsMessage) {
  const TaskSpec& task = registered("MacroTest.Throws");
  ScriptedProvider provider({answer("one")});
  RunRecord run;
  run.task = &task;
  run_task_case(run, provider);
  EXPECT_EQ(run.verdict, Verdict::error);
  ASSERT_EQ(run.checks.size(), 1u);
  EXPECT_EQ(run.check_type(0), "exception");
  EXPECT_THAT(run.checks[0].message, HasSubstr("Unexpected exception from the task body: fixture file missing"));
  EXPECT_THAT(run.checks[0].message, StartsWith(task.where.str() + ": Error\n"));
}

TEST(TaskMacros, ABodyWithoutExpectationsPassesWhenItsAsksSucceeded) {
  EXPECT_EQ(run_registered("MacroTest.ChecksNothing", {answer("hi")}).outcome, checkers::Outcome::pass);
  EXPECT_EQ(run_registered("MacroTest.ChecksNothing", {}).outcome, checkers::Outcome::error);
}

TEST(TaskMacros, ParametersLayerTaskThenAskThenModel) {
  ModelSpec model;
  model.name = "m";
  model.params = {{"temperature", 0.0}};
  const Ran ran = run_registered("MacroTest.Tagged", {answer("hi")}, &model);
  ASSERT_EQ(ran.requests.size(), 1u);
  const nlohmann::json& params = ran.requests[0].params;
  EXPECT_EQ(params["max_tokens"], 10);       // the ask's, over the task's 50
  EXPECT_EQ(params["temperature"], 0.0);     // the models file wins over the task's 0.2
  EXPECT_EQ(params["stop"], nlohmann::json::array({"\n\n"}));
  ASSERT_EQ(ran.requests[0].messages.size(), 2u);
  EXPECT_EQ(ran.requests[0].messages[0].content, "Be terse.");  // the task's default system message
}

TEST(TaskMacros, TasksRegisterWithIdTagsOptionsAndSourceLocation) {
  const TaskSpec& plain = registered("MacroTest.FailureMessage");
  EXPECT_EQ(plain.suite, "MacroTest");
  EXPECT_EQ(plain.name, "FailureMessage");
  EXPECT_EQ(plain.where.file, this_file());
  EXPECT_GT(plain.where.line, 0);
  EXPECT_TRUE(plain.body);
  EXPECT_TRUE(plain.prompt.empty());
  EXPECT_TRUE(plain.assertions.empty());
  EXPECT_TRUE(plain.tags.empty());
  EXPECT_EQ(plain.repeat, 1);
  EXPECT_FALSE(plain.min_pass_rate.has_value());

  const TaskSpec& tagged = registered("MacroTest.Tagged");
  EXPECT_EQ(tagged.tags, (std::vector<std::string>{"smoke", "fast"}));
  EXPECT_EQ(tagged.repeat, 2);
  EXPECT_EQ(tagged.params["max_tokens"], 50);
  EXPECT_EQ(tagged.system, "Be terse.");
  EXPECT_EQ(tagged.min_pass_rate, 0.5);

  // Source order within a file.
  std::vector<std::string> ids;
  for (const auto& task : registered_tasks())
    if (task.suite == "MacroTest") ids.push_back(task.name);
  EXPECT_EQ(ids, (std::vector<std::string>{"FailureMessage", "NonFatalContinues", "FatalStops", "EveryKindPasses",
                                           "CannotJudge", "Conversation", "TransportError", "Throws", "ChecksNothing",
                                           "Tagged"}));
}

TEST(TaskMacros, RegisteredTasksJoinLoadedOnesAndIdsStayUnique) {
  std::vector<TaskSpec> tasks(1);
  tasks[0].suite = "mini";
  tasks[0].name = "capital";
  append_registered_tasks(tasks);
  // ParamTest's cases (task_p_macros_test.cpp) come from its GOODPUT_TASK_P templates.
  const auto from_templates = std::count_if(tasks.begin(), tasks.end(), [](const TaskSpec& t) { return t.suite == "ParamTest"; });
  EXPECT_EQ(tasks.size() - static_cast<std::size_t>(from_templates), 1 + registered_tasks().size());
  EXPECT_EQ(tasks[0].id(), "mini.capital");

  std::vector<TaskSpec> clash(1);
  clash[0].suite = "MacroTest";
  clash[0].name = "Tagged";
  clash[0].where = {"tasks/clash.yaml", 3, 5};
  try {
    append_registered_tasks(clash);
    ADD_FAILURE() << "no ConfigError for a duplicate id";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("already used at tasks/clash.yaml:3:5"));
    EXPECT_THAT(e.what(), HasSubstr(this_file()));
  }
}

TEST(TaskMacros, ARunRecordOfATaskCaseWritesTurnsAndCheckTypesToTheJournal) {
  ModelSpec model;
  model.name = "m";
  const TaskSpec& task = registered("MacroTest.Conversation");
  ScriptedProvider provider({answer("1. Red"), answer("no"), answer("Hello.")});
  RunRecord run;
  run.model = &model;
  run.task = &task;
  run_task_case(run, provider);
  EXPECT_EQ(run.verdict, Verdict::fail);
  const nlohmann::json line = to_json(run);
  EXPECT_EQ(line["verdict"], "fail");
  ASSERT_EQ(line["checks"].size(), 1u);
  EXPECT_EQ(line["checks"][0]["type"], "contains");
  EXPECT_THAT(line["checks"][0]["message"].get<std::string>(), HasSubstr(": Failure\nExpected: second contains \"BOM\""));
  ASSERT_EQ(line["turns"].size(), 3u);
  EXPECT_EQ(line["turns"][1]["messages"], 4);
  EXPECT_EQ(line["turns"][1]["prompt"], "Now add a BOM option.");
  EXPECT_EQ(line["turns"][1]["answer"], "no");
  EXPECT_EQ(line["answer"], "Hello.");  // the run's own answer: the last turn's
}

TEST(TaskMacros, AnExpectationOutsideATaskBodyIsAProgrammingError) {
  const Reply reply(answer("x"));
  EXPECT_THROW(GOODPUT_EXPECT_CONTAINS(reply, "x"), std::logic_error);
}

}  // namespace
}  // namespace goodput
