// SPDX-License-Identifier: MIT
#include "providers/src/ollama_stream.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

// Named: the other stream tests have helpers of the same names (decode, chunk), and the unity
// build compiles them into one translation unit.
namespace ollama_stream_test {
namespace {

using goodput::Completion;
using goodput::ErrorKind;
using goodput::OllamaStreamDecoder;
using goodput::StopReason;
using ::testing::HasSubstr;

Completion decode(std::string_view stream, double t_feed = 0.5, double t_end = 0.6) {
  Completion c;
  OllamaStreamDecoder decoder(c);
  decoder.feed(stream, t_feed);
  decoder.finish(t_end);
  return c;
}

// Each byte arrives alone at its own time (0.001 s per byte).
Completion decode_byte_by_byte(std::string_view stream) {
  Completion c;
  OllamaStreamDecoder decoder(c);
  double t = 0;
  for (const char byte : stream) decoder.feed(std::string_view(&byte, 1), t += 0.001);
  decoder.finish(t + 0.001);
  return c;
}

std::string line(std::string_view content, std::string_view thinking = "") {
  std::string message = R"({"role":"assistant","content":")" + std::string(content) + "\"";
  if (!thinking.empty()) message += R"(,"thinking":")" + std::string(thinking) + "\"";
  return R"({"model":"qwen3","created_at":"2025-01-01T00:00:00.123456789Z","message":)" + message + "},\"done\":false}\n";
}

// wire-formats.md §C's example final line.
constexpr std::string_view k_final =
    R"({"model":"qwen3","created_at":"2025-01-01T00:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":174560334,"load_duration":101397084,"prompt_eval_count":11,"prompt_eval_duration":13074791,"eval_count":18,"eval_duration":52479709})"
    "\n";

TEST(OllamaStream, NormalStreamWithMetricsConvertsNanosecondsToSeconds) {
  const Completion c = decode(line("Tok") + line("yo") + line(".") + std::string(k_final));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "Tokyo.");
  EXPECT_EQ(c.reasoning, "");
  EXPECT_EQ(c.stop_reason, StopReason::stop);
  EXPECT_EQ(c.server_stop_reason, "stop");
  EXPECT_EQ(c.server_model, "qwen3");
  EXPECT_EQ(c.times.token_chunks, 3);
  EXPECT_EQ(c.times.answer_chunks, 3);
  EXPECT_EQ(c.tokens.prompt, 11);
  EXPECT_EQ(c.tokens.completion, 18);
  EXPECT_FALSE(c.tokens.completion_estimated);
  EXPECT_EQ(c.tokens.reasoning, 0);
  // Raw, as sent (ns).
  EXPECT_EQ(c.server_timings_source, "ollama durations (ns)");
  EXPECT_EQ(c.server_timings.at("eval_duration"), 52479709);
  EXPECT_EQ(c.server_timings.at("total_duration"), 174560334);
  EXPECT_EQ(c.server_timings.at("eval_count"), 18);
  EXPECT_EQ(c.server_timings.count("done"), 0u);
  // Converted: exactly ns / 1e9.
  EXPECT_DOUBLE_EQ(*c.server.load_s, 101397084 / 1e9);
  EXPECT_DOUBLE_EQ(*c.server.prompt_s, 13074791 / 1e9);
  EXPECT_DOUBLE_EQ(*c.server.decode_s, 52479709 / 1e9);
  EXPECT_DOUBLE_EQ(*c.server.total_s, 174560334 / 1e9);
  EXPECT_DOUBLE_EQ(*c.server.decode_tps, 18 / 52479709.0 * 1e9);
  EXPECT_EQ(c.server.prompt_tokens, 11);
  EXPECT_EQ(c.server.completion_tokens, 18);
  EXPECT_FALSE(c.server.ttft_s);
  EXPECT_DOUBLE_EQ(c.times.end, 0.6);
  ASSERT_TRUE(c.metrics.ttft_s);
}

TEST(OllamaStream, ThinkingFirstThenAnswerIsSeparatedAndTimed) {
  Completion c;
  OllamaStreamDecoder decoder(c);
  decoder.feed(line("", "Japan's"), 0.2);
  decoder.feed(line("", " capital"), 0.3);
  decoder.feed(line("Tokyo"), 0.4);
  decoder.feed(line("."), 0.5);
  decoder.feed(k_final, 0.55);
  decoder.finish(0.6);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "Japan's capital");
  EXPECT_EQ(c.answer, "Tokyo.");
  EXPECT_DOUBLE_EQ(*c.times.first_token, 0.2);
  EXPECT_DOUBLE_EQ(*c.times.first_answer_token, 0.4);
  EXPECT_DOUBLE_EQ(*c.times.last_token, 0.5);
  EXPECT_EQ(c.times.token_chunks, 4);
  EXPECT_EQ(c.times.reasoning_chunks, 2);
  EXPECT_EQ(c.times.answer_chunks, 2);
  EXPECT_EQ(c.tokens.reasoning, 2);
  EXPECT_TRUE(c.tokens.reasoning_estimated);
  EXPECT_DOUBLE_EQ(*c.metrics.ttft_s, 0.2);
  EXPECT_DOUBLE_EQ(*c.metrics.time_to_first_answer_s, 0.4);
}

TEST(OllamaStream, OmittedZeroFieldsCountAsZero) {
  // A cached prompt: no load_duration, prompt_eval_count or prompt_eval_duration.
  const std::string final_line =
      R"({"model":"m","created_at":"x","message":{"role":"assistant","content":""},"done":true,"done_reason":"length","total_duration":2000000000,"eval_count":4,"eval_duration":1000000000})"
      "\n";
  const Completion c = decode(line("a") + line("b") + final_line);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.stop_reason, StopReason::length);
  EXPECT_EQ(c.server_stop_reason, "length");
  EXPECT_EQ(c.server_timings.count("load_duration"), 0u);  // raw stays as sent
  EXPECT_DOUBLE_EQ(*c.server.load_s, 0.0);
  EXPECT_DOUBLE_EQ(*c.server.prompt_s, 0.0);
  EXPECT_DOUBLE_EQ(*c.server.decode_s, 1.0);
  EXPECT_DOUBLE_EQ(*c.server.total_s, 2.0);
  EXPECT_DOUBLE_EQ(*c.server.decode_tps, 4.0);
  EXPECT_EQ(c.server.prompt_tokens, 0);
  EXPECT_EQ(c.tokens.prompt, 0);
  EXPECT_EQ(c.tokens.completion, 4);
}

TEST(OllamaStream, FinalLineWithoutMetricsEstimatesTokensFromChunks) {
  const std::string final_line = R"({"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"})" "\n";
  const Completion c = decode(line("a") + line("b") + line("c") + final_line);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_TRUE(c.server.empty());
  EXPECT_TRUE(c.server_timings.empty());
  EXPECT_EQ(c.server_timings_source, "");
  EXPECT_EQ(c.tokens.completion, 3);
  EXPECT_TRUE(c.tokens.completion_estimated);
  EXPECT_FALSE(c.tokens.prompt);
}

TEST(OllamaStream, MidStreamErrorLineIsAStreamErrorKeepingTextSoFar) {
  const Completion c = decode(line("The") + line(" capital") + "{\"error\":\"an error was encountered while running the model: CUDA out of memory\"}\n");
  EXPECT_EQ(c.error.kind, ErrorKind::stream_error);
  EXPECT_THAT(c.error.message, HasSubstr("CUDA out of memory"));
  EXPECT_EQ(c.answer, "The capital");
  EXPECT_EQ(c.stop_reason, StopReason::error);
}

TEST(OllamaStream, CutWithoutDoneLineIsTruncated) {
  const Completion c = decode(line("The") + line(" capital") + R"({"model":"m","mess)");
  EXPECT_EQ(c.error.kind, ErrorKind::truncated);
  EXPECT_EQ(c.answer, "The capital");
  EXPECT_EQ(c.stop_reason, StopReason::none);
  EXPECT_EQ(c.tokens.completion, 2);
  EXPECT_TRUE(c.tokens.completion_estimated);
}

TEST(OllamaStream, FinalLineWithoutNewlineStillCounts) {
  std::string final_line(k_final);
  final_line.pop_back();
  const Completion c = decode(line("ok") + final_line);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.tokens.completion, 18);
}

TEST(OllamaStream, InvalidJsonIsABadResponse) {
  const Completion c = decode(line("a") + "data: {\"choices\":[]}\n");
  EXPECT_EQ(c.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(c.error.message, HasSubstr("not valid JSON"));
  EXPECT_THAT(c.error.message, HasSubstr("data: {"));
}

TEST(OllamaStream, EveryByteSplitGivesTheSameResult) {
  // Multi-byte UTF-8 in both thinking and answer, so characters are split across feeds.
  const std::string stream = line("", "考えて") + line("東京") + line("です。") + "\r\n" + std::string(k_final);
  const Completion whole = decode(stream);
  const Completion split = decode_byte_by_byte(stream);
  ASSERT_TRUE(split.ok()) << split.error.message;
  EXPECT_EQ(split.reasoning, "考えて");
  EXPECT_EQ(split.answer, "東京です。");
  EXPECT_EQ(split.answer, whole.answer);
  EXPECT_EQ(split.reasoning, whole.reasoning);
  EXPECT_EQ(split.times.token_chunks, 3);
  EXPECT_EQ(split.server_timings, whole.server_timings);
  EXPECT_EQ(split.tokens.completion, 18);
  // Each line takes the time of the byte that completed it.
  EXPECT_DOUBLE_EQ(*split.times.first_token, 0.001 * static_cast<double>(line("", "考えて").size()));
}

TEST(OllamaStream, LinesAfterDoneAreIgnored) {
  const Completion c = decode(line("a") + std::string(k_final) + line("late") + "{\"error\":\"late\"}\n");
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "a");
}

}  // namespace

namespace goodput_ollama_think_tags {

// A model whose template leaves <think> tags in `content` (no `thinking` field): the tags'
// text is reasoning, split the same way whatever the chunking.
TEST(OllamaStream, ThinkTagsInContentAreReasoning) {
  const std::string stream =
      R"({"model":"m","message":{"role":"assistant","content":"<think>"},"done":false})" "\n"
      R"({"model":"m","message":{"role":"assistant","content":"60% of 1e6"},"done":false})" "\n"
      R"({"model":"m","message":{"role":"assistant","content":"</think>"},"done":false})" "\n"
      R"({"model":"m","message":{"role":"assistant","content":"100,000 more."},"done":false})" "\n"
      R"({"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":4,"eval_duration":4000000})" "\n";
  for (const goodput::Completion& c : {decode(stream), decode_byte_by_byte(stream)}) {
    EXPECT_EQ(c.answer, "100,000 more.");
    EXPECT_EQ(c.reasoning, "60% of 1e6");
    EXPECT_TRUE(c.ok());
    ASSERT_TRUE(c.times.first_answer_token.has_value());
    EXPECT_GE(*c.times.first_answer_token, *c.times.first_token);
  }
  // Fed a byte at a time, the answer starts only after the reasoning's chunks arrived.
  const goodput::Completion spread = decode_byte_by_byte(stream);
  EXPECT_GT(*spread.times.first_answer_token, *spread.times.first_token);
  EXPECT_EQ(spread.times.reasoning_chunks, 3);
}

// A tag split across two lines is still a tag: text held back as a possible partial tag
// waits for the next line, and is released only when the stream ends.
TEST(OllamaStream, ThinkTagSplitAcrossLinesIsReasoning) {
  const std::string stream =
      R"({"model":"m","message":{"role":"assistant","content":"<thi"},"done":false})" "\n"
      R"({"model":"m","message":{"role":"assistant","content":"nk>60% of 1e6</thi"},"done":false})" "\n"
      R"({"model":"m","message":{"role":"assistant","content":"nk>100,000 more. <"},"done":false})" "\n"
      R"({"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"})" "\n";
  for (const goodput::Completion& c : {decode(stream), decode_byte_by_byte(stream)}) {
    EXPECT_EQ(c.answer, "100,000 more. <");  // a '<' that never became a tag is text
    EXPECT_EQ(c.reasoning, "60% of 1e6");
    EXPECT_TRUE(c.ok()) << c.error.message;
  }
}

}  // namespace goodput_ollama_think_tags
}  // namespace ollama_stream_test
