// Task cases in C++: each GOODPUT_TASK asks the model and checks the reply with the same
// assertions YAML task files use. Build with goodput::main; run `example_tasks --help`.
#include "goodput/task.hpp"

// The R0 question of the seed tasks, short form: the number must be right, wherever it is.
GOODPUT_TASK_WITH(Reasoning, HerdImmunity, goodput::tags({"reasoning", "en"})) {
  auto reply = ask(
      "A disease has R0 = 2.5 in a city of 1,000,000 people, 50% of whom are vaccinated. "
      "What is the herd immunity threshold, and how many more people must be vaccinated?");
  GOODPUT_EXPECT_NUMBER_NEAR(reply, 0.6, 0.001, "threshold");
  GOODPUT_EXPECT_NUMBER_NEAR(reply, 100000, 0, "more");
  GOODPUT_EXPECT_STOP_REASON(reply, "stop");
}

// Two turns: the follow-up is sent with the first question and answer, as a chat would.
GOODPUT_TASK_WITH(Coding, CsvWithBomOption, goodput::tags({"code", "python"})) {
  auto first = ask("Write a Python function to_csv(rows) that returns CSV text for a list of dicts.");
  GOODPUT_ASSERT_PYTHON_COMPILES(first) << "nothing to improve on if the first version is broken";
  auto second = ask("Now add a bom=False parameter that starts the text with a UTF-8 BOM when true.");
  GOODPUT_EXPECT_PYTHON_COMPILES(second);
  GOODPUT_EXPECT_MATCHES(second, "bom");
}

// A task a model may get right only most of the time: ten samples, and the task x model passes
// when at least 60% of them pass (README "Pass rate per task"). ctest shows one test per
// model, and its JUnit one test case with the ten samples inside.
GOODPUT_TASK_WITH(Reliability, LargestPlanet, goodput::tags({"facts"}).repeat(10).min_pass_rate(0.6)) {
  auto reply = ask("Which is the largest planet in the solar system? Answer in one word.");
  GOODPUT_EXPECT_CONTAINS(reply, "Jupiter");
}
