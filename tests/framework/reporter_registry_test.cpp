// Reporters are chosen by name from one registry, and read the statistics they are given.
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/error.hpp"
#include "goodput/reporters.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;

TEST(ReporterRegistry, ListsTheBuiltInReporters) {
  std::vector<std::string> names;
  for (const auto& type : reporter_types()) {
    names.push_back(type.name);
    EXPECT_FALSE(type.summary.empty()) << type.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"console", "journal", "results", "junit", "markdown", "step-summary", "recording"}));
  EXPECT_NE(find_reporter_type("junit"), nullptr);
  EXPECT_EQ(find_reporter_type("html"), nullptr);
}

TEST(ReporterRegistry, AnUnknownNameIsAConfigErrorListingTheKnownOnes) {
  StatsCollector stats;
  ReporterContext context;
  context.stats = &stats;
  EXPECT_THAT([&] { make_reporters({{"xml", "out.xml"}}, context); },
              ::testing::ThrowsMessage<ConfigError>(HasSubstr("no reporter named 'xml' (known: console, journal, results, junit, markdown, step-summary, recording)")));
}

TEST(ReporterRegistry, MakesTheNamedReportersInOrderWithTheirContext) {
  ModelSpec model;
  model.name = "m";
  TaskSpec task;
  task.suite = "s";
  task.name = "t";
  const std::vector<ModelSpec> models{model};
  const std::vector<TaskSpec> tasks{task};
  Plan plan;
  plan.models = &models;
  plan.tasks = &tasks;
  plan.total_runs = 1;
  StatsCollector stats;
  std::ostringstream out;
  ReporterContext context;
  context.stats = &stats;
  context.console = &out;
  context.console_options = {false, false};
  const auto owned = make_reporters({{"console", ""}}, context);
  ASSERT_EQ(owned.size(), 1u);
  std::vector<Reporter*> reporters{&stats, owned[0].get()};
  RunRecord run;
  run.model = &models[0];
  run.task = &tasks[0];
  run.verdict = Verdict::pass;
  for (Reporter* r : reporters) r->on_plan(plan);
  for (Reporter* r : reporters) r->on_run_end(run);
  for (Reporter* r : reporters) r->on_finish(false);
  EXPECT_EQ(stats.models().at("m").all.passed, 1);
  EXPECT_THAT(out.str(), HasSubstr("1/1 100.0%"));
}

}  // namespace
}  // namespace goodput
