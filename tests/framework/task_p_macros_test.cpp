// GOODPUT_TASK_P and GOODPUT_INSTANTIATE: a task template registered in this test binary,
// expanded into one task per row (from code, a list of values and a CSV file beside the tests),
// each run through a TaskContext around a provider that echoes the prompt.
#include <atomic>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/goodput.hpp"

namespace task_p_cases {

GOODPUT_TASK_P(ParamTest, Capital) {
  auto reply = ask("What is the capital of " + var("country") + "?");
  GOODPUT_EXPECT_CONTAINS(reply, var("capital"));
}
GOODPUT_INSTANTIATE(ParamTest, Capital,
                    goodput::rows({{{"id", "jp"}, {"country", "Japan"}, {"capital", "Tokyo"}},
                                   {{"id", "fr"}, {"country", "France"}, {"capital", "Paris"}}},
                                  "id"));
GOODPUT_INSTANTIATE(ParamTest, Capital, goodput::rows_from_file("../data/datasets/capitals.csv", "id"));

GOODPUT_TASK_P_WITH(ParamTest, Echo, goodput::tags({"echo"}).repeat(2)) {
  GOODPUT_EXPECT_CONTAINS(ask("Say " + var("value")), row().at("value"));
  GOODPUT_EXPECT_CONTAINS(ask("and"), var("no_such_field"));  // throws: the case ends as an error
}
GOODPUT_INSTANTIATE(ParamTest, Echo, goodput::values({"alpha", "beta", "gamma"}));

}  // namespace task_p_cases

namespace goodput {
namespace {

using ::testing::HasSubstr;

// Answers every request with "You said: <the last message>".
class EchoingProvider final : public Provider {
 public:
  Completion complete(const CompletionRequest& request, const std::atomic<bool>* /*cancel*/) override {
    prompts.push_back(request.messages.back().content);
    Completion reply;
    reply.answer = "You said: " + request.messages.back().content + " (Tokyo)";
    reply.stop_reason = StopReason::stop;
    return reply;
  }
  nlohmann::json request_body(const CompletionRequest& /*request*/) const override { return nlohmann::json::object(); }
  std::vector<std::string> prompts;
};

std::vector<TaskSpec> param_tasks() {
  std::vector<TaskSpec> tasks;
  append_registered_tasks(tasks);
  std::vector<TaskSpec> mine;
  for (auto& task : tasks)
    if (task.suite == "ParamTest") mine.push_back(std::move(task));
  return mine;
}

const TaskSpec& find_task(const std::vector<TaskSpec>& tasks, const std::string& id) {
  for (const auto& task : tasks)
    if (task.id() == id) return task;
  throw std::logic_error("no task " + id);
}

TEST(TaskPMacros, EachRowOfEachInstantiationIsATask) {
  const std::vector<TaskSpec> tasks = param_tasks();
  std::vector<std::string> ids;
  for (const auto& task : tasks) ids.push_back(task.id());
  EXPECT_EQ(ids, (std::vector<std::string>{"ParamTest.Capital_jp", "ParamTest.Capital_fr", "ParamTest.Capital_de",
                                           "ParamTest.Echo_1", "ParamTest.Echo_2", "ParamTest.Echo_3"}));
  const TaskSpec& echo = find_task(tasks, "ParamTest.Echo_2");
  EXPECT_EQ(echo.tags, (std::vector<std::string>{"echo"}));
  EXPECT_EQ(echo.repeat, 2);
  ASSERT_TRUE(echo.row);
  EXPECT_EQ(echo.row->at("value"), "beta");
  EXPECT_THAT(find_task(tasks, "ParamTest.Capital_de").row->where.file, HasSubstr("tests/data/datasets/capitals.csv"));
}

TEST(TaskPMacros, TheBodyReadsItsRow) {
  const std::vector<TaskSpec> tasks = param_tasks();
  {
    EchoingProvider provider;
    const TaskSpec& task = find_task(tasks, "ParamTest.Capital_jp");
    TaskContext context(provider, nullptr, &task);
    context.run(task.body);
    EXPECT_EQ(provider.prompts, (std::vector<std::string>{"What is the capital of Japan?"}));
    EXPECT_EQ(context.outcome(), checkers::Outcome::pass);
  }
  {
    EchoingProvider provider;
    const TaskSpec& task = find_task(tasks, "ParamTest.Capital_fr");
    TaskContext context(provider, nullptr, &task);
    context.run(task.body);
    EXPECT_EQ(context.outcome(), checkers::Outcome::fail);  // the echo names Tokyo, not Paris
  }
  {
    EchoingProvider provider;
    const TaskSpec& task = find_task(tasks, "ParamTest.Echo_3");
    TaskContext context(provider, nullptr, &task);
    context.run(task.body);
    EXPECT_EQ(provider.prompts.front(), "Say gamma");
    EXPECT_EQ(context.outcome(), checkers::Outcome::error);
    ASSERT_FALSE(context.checks().empty());
    EXPECT_EQ(context.checks().front().result.outcome, checkers::Outcome::pass);
    EXPECT_THAT(context.checks().back().result.message, HasSubstr("has no field 'no_such_field' (it has: value)"));
  }
}

TEST(TaskPMacros, BadRowsAreConfigErrors) {
  EXPECT_THROW(rows_from_file("no/such/rows.jsonl").load(), ConfigError);
  try {
    rows({{{"id", "a"}}, {{"id", "a"}}}, "id").load();
    ADD_FAILURE() << "no ConfigError for a duplicate id";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.message(), HasSubstr("duplicate id 'a'"));
    EXPECT_EQ(e.where().file, __FILE__);
  }
  EXPECT_THROW(rows({{{"q", "x"}}}, "id").load(), ConfigError);
}

}  // namespace
}  // namespace goodput
