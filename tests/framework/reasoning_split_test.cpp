// SPDX-License-Identifier: MIT
// ReasoningSplitter: the same answer and reasoning whatever way the content is cut into
// deltas (every split point, byte by byte), for think tags, harmony and plain text.
#include "goodput/reasoning_split.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using goodput::detail::ReasoningSplitter;
using goodput::detail::SplitText;

struct Split {
  std::string answer;
  std::string reasoning;
  bool operator==(const Split&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Split& s) {
  return os << "{answer: \"" << s.answer << "\", reasoning: \"" << s.reasoning << "\"}";
}

void take(Split& out, const SplitText& piece) {
  if (piece.answer_was_reasoning) {
    out.reasoning += out.answer;
    out.answer.clear();
  }
  out.reasoning += piece.reasoning;
  out.answer += piece.answer;
}

Split run(const std::vector<std::string_view>& deltas) {
  ReasoningSplitter splitter;
  Split out;
  for (const auto delta : deltas) take(out, splitter.feed(delta));
  take(out, splitter.finish());
  return out;
}

// Every way of cutting `text` in two and in three, and byte by byte, gives `expected`.
void expect_split_everywhere(std::string_view text, const Split& expected) {
  EXPECT_EQ(run({text}), expected) << "whole";
  for (std::size_t i = 0; i <= text.size(); ++i) {
    ASSERT_EQ(run({text.substr(0, i), text.substr(i)}), expected) << "cut at " << i;
  }
  for (std::size_t i = 0; i <= text.size(); i += 3) {
    for (std::size_t j = i; j <= text.size(); j += 2) {
      ASSERT_EQ(run({text.substr(0, i), text.substr(i, j - i), text.substr(j)}), expected)
          << "cut at " << i << " and " << j;
    }
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < text.size(); ++i) bytes.push_back(text.substr(i, 1));
  EXPECT_EQ(run(bytes), expected) << "byte by byte";
}

TEST(ReasoningSplit, PlainTextPassesThroughUnchanged) {
  expect_split_everywhere("The answer is 4.", {"The answer is 4.", ""});
  expect_split_everywhere("  \n leading space kept", {"  \n leading space kept", ""});
  expect_split_everywhere("a < b and c<d, <b>bold</b>, x <th y", {"a < b and c<d, <b>bold</b>, x <th y", ""});
  expect_split_everywhere("ends with <", {"ends with <", ""});
  expect_split_everywhere("ends with <thi", {"ends with <thi", ""});
  expect_split_everywhere("", {"", ""});
  expect_split_everywhere(" \n ", {" \n ", ""});
}

TEST(ReasoningSplit, ThinkBlockThenAnswer) {
  expect_split_everywhere("<think>\nLet me add 2 and 2.\n</think>\n\nThe answer is 4.",
                          {"The answer is 4.", "\nLet me add 2 and 2.\n"});
  expect_split_everywhere("\n<think>x</think>4", {"4", "x"});
  expect_split_everywhere("<thinking>hmm</thinking> 4", {"4", "hmm"});
}

TEST(ReasoningSplit, SeveralThinkBlocksInARow) {
  expect_split_everywhere("<think>a</think>\n<think>b</think>4", {"4", "ab"});
}

TEST(ReasoningSplit, TagsInsideTheAnswerAreText) {
  // Once the answer has begun, an opening tag is the model talking about tags.
  expect_split_everywhere("Use <think> tags.", {"Use <think> tags.", ""});
  expect_split_everywhere("<think>r</think>Close with </think> or <think>.", {"Close with </think> or <think>.", "r"});
}

TEST(ReasoningSplit, ReasoningMayContainAngleBrackets) {
  expect_split_everywhere("<think>if a<b and <th then</think>ok", {"ok", "if a<b and <th then"});
}

TEST(ReasoningSplit, UnclosedThinkIsAllReasoning) {
  expect_split_everywhere("<think>\nStill thinking about 2+2 when the limit hit",
                          {"", "\nStill thinking about 2+2 when the limit hit"});
  expect_split_everywhere("<think>partial close </thi", {"", "partial close </thi"});
}

TEST(ReasoningSplit, LoneCloseMeansTheTemplateOpenedThinkInThePrompt) {
  expect_split_everywhere("Okay, 2+2 is 4.\n</think>\n\nThe answer is 4.", {"The answer is 4.", "Okay, 2+2 is 4.\n"});
  // Only the first lone close counts; after it, a close is text.
  expect_split_everywhere("r</think>a</think>b", {"a</think>b", "r"});
}

TEST(ReasoningSplit, LoneCloseTellsTheCallerToMoveEarlierAnswer) {
  ReasoningSplitter splitter;
  SplitText first = splitter.feed("Thinking about it");
  EXPECT_EQ(first.answer, "Thinking about it");
  EXPECT_FALSE(first.answer_was_reasoning);
  SplitText second = splitter.feed(" more</think>\n\n4");
  EXPECT_TRUE(second.answer_was_reasoning);
  EXPECT_EQ(second.reasoning, " more");
  EXPECT_EQ(second.answer, "4");
}

TEST(ReasoningSplit, HarmonyAnalysisThenFinal) {
  expect_split_everywhere(
      "<|channel|>analysis<|message|>User asks 2+2. Answer 4.<|end|><|start|>assistant<|channel|>final<|message|>4<|return|>",
      {"4", "User asks 2+2. Answer 4."});
  expect_split_everywhere(
      "<|start|>assistant<|channel|>analysis<|message|>think<|end|>\n<|start|>assistant<|channel|>final<|message|>The answer is 4.",
      {"The answer is 4.", "think"});
}

TEST(ReasoningSplit, HarmonyCommentaryIsNotTheAnswer) {
  expect_split_everywhere(
      "<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\":\"Oslo\"}<|call|>",
      {"", "{\"city\":\"Oslo\"}"});
  expect_split_everywhere(
      "<|channel|>analysis<|message|>a<|end|><|start|>assistant<|channel|>commentary<|message|>b<|end|>"
      "<|start|>assistant<|channel|>final<|message|>c",
      {"c", "ab"});
}

TEST(ReasoningSplit, HarmonyFinalOnlyAndStrayEndMarkers) {
  // llama.cpp may take the analysis into reasoning_content and leave the final header.
  expect_split_everywhere("<|start|>assistant<|channel|>final<|message|>4<|return|>", {"4", ""});
  expect_split_everywhere("The answer is 4.<|end|>", {"The answer is 4.", ""});
  expect_split_everywhere("<|start|>assistant<|message|>4", {"4", ""});
}

TEST(ReasoningSplit, HarmonyAnalysisCutByTheLimit) {
  expect_split_everywhere("<|channel|>analysis<|message|>We need to compute", {"", "We need to compute"});
}

TEST(ReasoningSplit, HoldsBackAPartialTag) {
  ReasoningSplitter splitter;
  SplitText a = splitter.feed("<thi");
  EXPECT_EQ(a.answer, "");
  EXPECT_EQ(a.reasoning, "");
  SplitText b = splitter.feed("nk>abc</th");
  EXPECT_EQ(b.reasoning, "abc");
  EXPECT_TRUE(splitter.in_reasoning());
  SplitText c = splitter.feed("ink>4");
  EXPECT_EQ(c.answer, "4");
  EXPECT_FALSE(splitter.in_reasoning());
  EXPECT_TRUE(splitter.found_reasoning());

  ReasoningSplitter plain;
  EXPECT_EQ(plain.feed("x <").answer, "x ");
  EXPECT_EQ(plain.feed("b>").answer, "<b>");
  EXPECT_FALSE(plain.found_reasoning());
}

TEST(ReasoningSplit, LeadingWhitespaceWaitsForWhatFollows) {
  ReasoningSplitter splitter;
  EXPECT_EQ(splitter.feed("\n\n").answer, "");
  SplitText next = splitter.feed("<think>r</think>");
  EXPECT_EQ(next.answer, "");
  EXPECT_EQ(next.reasoning, "r");
  EXPECT_EQ(splitter.feed("\n\n").answer, "");  // dropped after a block
  EXPECT_EQ(splitter.feed("4").answer, "4");
}

}  // namespace
