// SPDX-License-Identifier: MIT
// Task cases in C++ for tests/integration/cpp_tasks_test.cpp: built into
// goodput_example_task_binary (which links goodput::main) and answered by the simulated
// models of tests/data/sim-test-profiles.yaml, which pick an answer by the last user message.
#include "goodput/task.hpp"

GOODPUT_TASK(Geography, Capital) {
  auto reply = ask("What is the capital of Japan? One word.");
  GOODPUT_EXPECT_CONTAINS(reply, "Tokyo");
  GOODPUT_EXPECT_STOP_REASON(reply, "stop");
}

GOODPUT_TASK_WITH(Arithmetic, Product, goodput::tags({"math", "fast"})) {
  auto reply = ask("What is 17 * 23?", {.params = {{"max_tokens", 64}}});
  GOODPUT_EXPECT_NUMBER_NEAR(reply, 391, 0);
}

// Two turns in one conversation: the follow-up is sent with the first question and answer.
GOODPUT_TASK(Conversation, ColorsThenCapital) {
  auto colors = ask("Name the three additive primary colors as a numbered list.");
  // A note may quote the reply: the console escapes it and indents its lines.
  GOODPUT_ASSERT_LIST_COUNT(colors, 3) << "red, green and blue; the answer:\n" << colors.answer();
  auto capital = ask("Thanks. Now: what is the capital of Japan?");
  GOODPUT_EXPECT_ICONTAINS(capital, "tokyo");
}
