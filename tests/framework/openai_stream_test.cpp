// SPDX-License-Identifier: MIT
#include "providers/src/openai_stream.hpp"
#include "providers/src/server_errors.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

// Named: the other stream tests have helpers of the same names (decode, chunk), and the unity
// build compiles them into one translation unit.
namespace openai_stream_test {
namespace {

using goodput::Completion;
using goodput::ErrorKind;
using goodput::OpenAiStreamDecoder;
using goodput::PromptCacheClass;
using goodput::StopReason;
using goodput::classify_prompt_cache;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view k_r0_answer =
    "The herd immunity threshold is 1 - 1/2.5 = 60%. With 50% already vaccinated, an additional "
    "100,000 people (10% of 1,000,000) must be vaccinated.";

std::string read_capture(const std::string& name) {
  const std::string path = std::string(GOODPUT_TEST_DATA_DIR) + "/captures/llama-server/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Completion decode(std::string_view stream, double t_feed = 0.5, double t_end = 0.6) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(stream, t_feed);
  decoder.finish(t_end);
  return c;
}

Completion decode_byte_by_byte(std::string_view stream) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  for (const char byte : stream) decoder.feed(std::string_view(&byte, 1), 0.5);
  decoder.finish(0.6);
  return c;
}

// One chat.completion.chunk event with choice 0 carrying `delta`.
std::string chunk(std::string_view delta, std::string_view finish_reason = "null") {
  return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":"
         "[{\"index\":0,\"delta\":" + std::string(delta) + ",\"finish_reason\":" +
         std::string(finish_reason) + "}]}\n\n";
}

constexpr std::string_view k_done = "data: [DONE]\n\n";

// ---- real llama.cpp captures ----

TEST(OpenAiStreamCapture, StreamWithUsage) {
  const Completion c = decode(read_capture("stream-usage.sse"));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_THAT(c.answer, StartsWith("The herd immunity threshold"));
  EXPECT_THAT(c.answer, HasSubstr("100,000"));
  EXPECT_EQ(c.answer, k_r0_answer);
  EXPECT_EQ(c.reasoning, "");
  EXPECT_EQ(c.stop_reason, StopReason::stop);
  EXPECT_EQ(c.server_stop_reason, "stop");
  EXPECT_EQ(c.tokens.completion, 132);
  EXPECT_EQ(c.tokens.prompt, 48);
  EXPECT_FALSE(c.tokens.completion_estimated);
  EXPECT_EQ(c.tokens.reasoning, 0);
  EXPECT_FALSE(c.tokens.reasoning_estimated);
  EXPECT_EQ(c.server_timings_source, "llama.cpp timings");
  EXPECT_EQ(c.server_timings.at("predicted_n"), 132);
  EXPECT_DOUBLE_EQ(c.server_timings.at("predicted_ms"), 46.795);
  EXPECT_DOUBLE_EQ(c.server_timings.at("prompt_ms"), 1.767);
  EXPECT_EQ(c.server_timings.at("cache_n"), 0);
  EXPECT_EQ(c.server_timings.size(), 9u);
  EXPECT_EQ(c.server_model, "tiny");
  EXPECT_EQ(c.system_fingerprint, "b10587-3f545becc");
  EXPECT_EQ(c.response_id, "chatcmpl-mJKBGazrRHq5U0OQFKjVSNqY8ig9QbOq");
  // The role opener with content:null is not a token chunk: 133 chunks carry choices,
  // 131 of them text.
  EXPECT_EQ(c.times.token_chunks, 131);
  EXPECT_EQ(c.times.answer_chunks, 131);
  EXPECT_EQ(c.times.reasoning_chunks, 0);
  EXPECT_DOUBLE_EQ(c.times.end, 0.6);
}

TEST(OpenAiStreamCapture, StreamWithoutUsageHasTimingsAndEstimatedTokens) {
  const Completion c = decode(read_capture("stream-no-usage.sse"));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, k_r0_answer);
  EXPECT_EQ(c.stop_reason, StopReason::stop);
  EXPECT_EQ(c.server_timings_source, "llama.cpp timings");
  EXPECT_EQ(c.server_timings.at("predicted_n"), 129);
  EXPECT_EQ(c.server_timings.at("cache_n"), 47);
  EXPECT_FALSE(c.tokens.prompt.has_value());
  EXPECT_EQ(c.tokens.completion, 128);  // one per text chunk
  EXPECT_TRUE(c.tokens.completion_estimated);
  EXPECT_EQ(c.tokens.reasoning, 0);
  EXPECT_FALSE(c.tokens.reasoning_estimated);
}

TEST(OpenAiStreamCapture, StreamCutByLength) {
  const Completion c = decode(read_capture("stream-cut-by-length.sse"));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "The herd i");
  EXPECT_EQ(c.stop_reason, StopReason::length);
  EXPECT_EQ(c.server_stop_reason, "length");
  EXPECT_EQ(c.tokens.completion, 8);
  EXPECT_EQ(c.tokens.prompt, 25);
  EXPECT_EQ(c.server_timings.at("prompt_n"), 18);
}

TEST(OpenAiStreamCapture, StreamWithCodeBlock) {
  const Completion c = decode(read_capture("stream-code-block.sse"));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_THAT(c.answer, StartsWith("Here is the function:\n\n```python\n"));
  EXPECT_THAT(c.answer, HasSubstr("def json_to_csv(records):\n"));
  EXPECT_THAT(c.answer, HasSubstr("csv.DictWriter(out, fieldnames=keys, restval=\"\")"));
  EXPECT_EQ(c.answer.substr(c.answer.size() - 4), "```\n");
  EXPECT_EQ(c.stop_reason, StopReason::stop);
  EXPECT_FALSE(c.tokens.completion_estimated);
}

// The same 1,413-token request to llama.cpp (b10587) cold, again (warm), and with
// cache_prompt: false. A cold prompt still reuses 7 tokens (the shared BOS/template prefix):
// README "Metrics" calls a run warm only above 10% of the prompt.
TEST(OpenAiStreamCapture, PromptCacheColdWarmAndCachePromptFalse) {
  struct Case {
    const char* file;
    std::int64_t cached;
    PromptCacheClass expected;
  };
  for (const Case& k : {Case{"stream-prompt-cache-cold.sse", 7, PromptCacheClass::cold},
                        Case{"stream-prompt-cache-warm.sse", 1412, PromptCacheClass::warm},
                        Case{"stream-cache-prompt-false.sse", 0, PromptCacheClass::cold}}) {
    const Completion c = decode(read_capture(k.file));
    ASSERT_TRUE(c.ok()) << k.file << ": " << c.error.message;
    EXPECT_EQ(c.tokens.prompt, 1413) << k.file;
    EXPECT_EQ(c.server.cached_tokens, k.cached) << k.file;
    EXPECT_EQ(c.server.prompt_tokens, 1413) << k.file;
    EXPECT_EQ(classify_prompt_cache(c.server.cached_tokens, c.tokens.prompt), k.expected) << k.file;
  }
}

// Without llama.cpp's timings (vLLM, OpenAI), usage.prompt_tokens_details.cached_tokens is the count.
TEST(OpenAiStreamDecoder, CachedTokensFromUsageAlone) {
  const Completion c = decode(
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":200,\"completion_tokens\":1,\"total_tokens\":201,"
      "\"prompt_tokens_details\":{\"cached_tokens\":192}}}\n\n"
      "data: [DONE]\n\n");
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.server.cached_tokens, 192);
  EXPECT_EQ(classify_prompt_cache(c.server.cached_tokens, c.tokens.prompt), PromptCacheClass::warm);
  // A stream with no cached count at all: unknown.
  const Completion none = decode(
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":200,\"completion_tokens\":1,\"total_tokens\":201}}\n\n"
      "data: [DONE]\n\n");
  EXPECT_EQ(none.server.cached_tokens, std::nullopt);
  EXPECT_EQ(classify_prompt_cache(none.server.cached_tokens, none.tokens.prompt), PromptCacheClass::unknown);
}

TEST(PromptCacheClass, WarmAboveATenthOfThePrompt) {
  EXPECT_EQ(classify_prompt_cache(std::nullopt, 100), PromptCacheClass::unknown);
  EXPECT_EQ(classify_prompt_cache(50, std::nullopt), PromptCacheClass::unknown);
  EXPECT_EQ(classify_prompt_cache(0, 0), PromptCacheClass::unknown);
  EXPECT_EQ(classify_prompt_cache(0, 100), PromptCacheClass::cold);
  EXPECT_EQ(classify_prompt_cache(10, 100), PromptCacheClass::cold);
  EXPECT_EQ(classify_prompt_cache(11, 100), PromptCacheClass::warm);
  EXPECT_EQ(classify_prompt_cache(99, 100), PromptCacheClass::warm);
  EXPECT_EQ(to_string(PromptCacheClass::warm), "warm");
  EXPECT_EQ(to_string(PromptCacheClass::cold), "cold");
  EXPECT_EQ(to_string(PromptCacheClass::unknown), "unknown");
}

TEST(OpenAiStreamCapture, ByteByByteGivesTheSameCompletion) {
  for (const char* name :
       {"stream-usage.sse", "stream-no-usage.sse", "stream-code-block.sse", "stream-cut-by-length.sse"}) {
    const std::string stream = read_capture(name);
    const Completion whole = decode(stream);
    const Completion pieces = decode_byte_by_byte(stream);
    EXPECT_EQ(pieces.answer, whole.answer) << name;
    EXPECT_EQ(pieces.tokens.completion, whole.tokens.completion) << name;
    EXPECT_EQ(pieces.server_timings, whole.server_timings) << name;
    EXPECT_EQ(pieces.times.token_chunks, whole.times.token_chunks) << name;
    EXPECT_EQ(pieces.stop_reason, whole.stop_reason) << name;
    EXPECT_TRUE(pieces.ok()) << name << ": " << pieces.error.message;
  }
}

TEST(OpenAiStreamCapture, NonStreamedBodyThroughFeedJson) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed_json(read_capture("nonstream.json"), 0.4);
  decoder.finish(0.4);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, k_r0_answer);
  EXPECT_EQ(c.stop_reason, StopReason::stop);
  EXPECT_EQ(c.tokens.completion, 128);
  EXPECT_EQ(c.tokens.prompt, 25);
  EXPECT_EQ(c.server_timings.at("predicted_n"), 128);
  EXPECT_EQ(c.times.first_token, 0.4);
  EXPECT_EQ(c.times.token_chunks, 1);
}

TEST(OpenAiStreamCapture, FinishedAtDoneBeforeFinish) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(read_capture("stream-usage.sse"), 0.5);
  EXPECT_TRUE(decoder.finished());
  decoder.feed(chunk(R"({"content":"ignored"})"), 0.55);  // after [DONE]: ignored
  decoder.finish(0.6);
  EXPECT_EQ(c.answer, k_r0_answer);
}

// ---- constructed streams ----

TEST(OpenAiStream, ReasoningContentThenContent) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(chunk(R"({"role":"assistant","content":null})"), 0.10);
  decoder.feed(chunk(R"({"reasoning_content":"Let me think. "})"), 0.20);
  decoder.feed(chunk(R"({"reasoning_content":"60% is the threshold."})"), 0.30);
  decoder.feed(chunk(R"({"content":"100,000"})"), 0.40);
  decoder.feed(chunk(R"({"content":" people."})"), 0.50);
  decoder.feed(chunk("{}", "\"stop\""), 0.55);
  decoder.feed(k_done, 0.56);
  decoder.finish(0.57);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "Let me think. 60% is the threshold.");
  EXPECT_EQ(c.answer, "100,000 people.");
  EXPECT_EQ(c.times.first_token, 0.20);
  EXPECT_EQ(c.times.first_answer_token, 0.40);
  EXPECT_EQ(c.times.last_token, 0.50);
  EXPECT_EQ(c.times.token_chunks, 4);
  EXPECT_EQ(c.times.reasoning_chunks, 2);
  EXPECT_EQ(c.times.answer_chunks, 2);
  EXPECT_EQ(c.tokens.completion, 4);
  EXPECT_TRUE(c.tokens.completion_estimated);
  EXPECT_EQ(c.tokens.reasoning, 2);
  EXPECT_TRUE(c.tokens.reasoning_estimated);
  EXPECT_LT(*c.metrics.ttft_s, *c.metrics.time_to_first_answer_s);
}

TEST(OpenAiStream, VllmReasoningFieldAndBothNamesAtOnce) {
  const Completion c = decode(chunk(R"({"reasoning":"think"})") +
                              chunk(R"({"reasoning":" more","reasoning_content":" more"})") +
                              chunk(R"({"content":"answer"})", "\"stop\"") + std::string(k_done));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "think more");  // the same text under two names counts once
  EXPECT_EQ(c.answer, "answer");
  EXPECT_EQ(c.times.reasoning_chunks, 2);
}

TEST(OpenAiStream, ReasoningTokensFromUsageAreNotEstimated) {
  const Completion c = decode(
      chunk(R"({"reasoning":"hm"})") + chunk(R"({"content":"4"})", "\"stop\"") +
      R"(data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21,"completion_tokens_details":{"reasoning_tokens":7}}})"
      "\n\n" + std::string(k_done));
  EXPECT_EQ(c.tokens.prompt, 12);
  EXPECT_EQ(c.tokens.completion, 9);
  EXPECT_EQ(c.tokens.reasoning, 7);
  EXPECT_FALSE(c.tokens.completion_estimated);
  EXPECT_FALSE(c.tokens.reasoning_estimated);
}

TEST(OpenAiStream, MidStreamErrorPayloadKeepsThePartialAnswer) {
  // Newer llama.cpp: an error payload, then the stream ends without [DONE].
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(chunk(R"({"content":"The herd"})"), 0.1);
  decoder.feed(R"(data: {"error":{"code":500,"message":"context shift disabled","type":"server_error"}})"
               "\n\n",
               0.2);
  EXPECT_TRUE(decoder.finished());
  decoder.finish(0.3);
  EXPECT_EQ(c.error.kind, ErrorKind::stream_error);
  EXPECT_EQ(c.error.message, "context shift disabled (type: server_error, code: 500)");
  EXPECT_EQ(c.answer, "The herd");
  EXPECT_EQ(c.stop_reason, StopReason::error);
  EXPECT_EQ(c.tokens.completion, 1);
}

TEST(OpenAiStream, OldStyleErrorLineBeforeDone) {
  // Old llama.cpp: a non-standard `error:` field, then a normal [DONE] that would hide it.
  const Completion c = decode(chunk(R"({"content":"partial"})") +
                              R"(error: {"code":500,"message":"llama_decode failed","type":"server_error"})"
                              "\n\n" + std::string(k_done));
  EXPECT_EQ(c.error.kind, ErrorKind::stream_error);
  EXPECT_THAT(c.error.message, StartsWith("llama_decode failed"));
  EXPECT_EQ(c.answer, "partial");
}

TEST(OpenAiStream, ErrorEventAndBareStringError) {
  const Completion named = decode(chunk(R"({"content":"a"})") +
                                  "event: error\ndata: {\"message\":\"overloaded\",\"code\":\"busy\"}\n\n");
  EXPECT_EQ(named.error.kind, ErrorKind::stream_error);
  EXPECT_EQ(named.error.message, "overloaded (code: busy)");

  const Completion ollama = decode(R"(data: {"error":"model runner has unexpectedly stopped"})" "\n\n");
  EXPECT_EQ(ollama.error.kind, ErrorKind::stream_error);
  EXPECT_EQ(ollama.error.message, "model runner has unexpectedly stopped");

  const Completion not_json = decode("event: error\ndata: upstream went away\n\n");
  EXPECT_EQ(not_json.error.message, "upstream went away");
}

TEST(OpenAiStream, CutWithoutDoneAndWithoutFinishIsTruncated) {
  const Completion c = decode(chunk(R"({"content":"The herd"})") + "data: {\"choices\":[{\"del");
  EXPECT_EQ(c.error.kind, ErrorKind::truncated);
  EXPECT_THAT(c.error.message, HasSubstr("before the server sent a finish reason or [DONE]"));
  EXPECT_EQ(c.answer, "The herd");
  EXPECT_EQ(c.stop_reason, StopReason::none);
}

TEST(OpenAiStream, FinishReasonWithoutDoneIsComplete) {
  const Completion c = decode(chunk(R"({"content":"4"})") + chunk("{}", "\"stop\""));
  EXPECT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.stop_reason, StopReason::stop);
}

TEST(OpenAiStream, EmptyStreamIsTruncated) {
  const Completion c = decode("");
  EXPECT_EQ(c.error.kind, ErrorKind::truncated);
  EXPECT_EQ(c.tokens.completion, 0);
  EXPECT_FALSE(c.metrics.ttft_s.has_value());
}

TEST(OpenAiStream, InvalidJsonIsABadResponse) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(chunk(R"({"content":"ok"})"), 0.1);
  decoder.feed("data: {\"choices\": [ this is not json " + std::string(100, 'x') + "\n\n" +
                   chunk(R"({"content":" more"})"),
               0.2);
  EXPECT_TRUE(decoder.finished());
  decoder.finish(0.3);
  EXPECT_EQ(c.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(c.error.message, HasSubstr("not valid JSON: \"{\"choices\": [ this is not json xxx"));
  EXPECT_THAT(c.error.message, HasSubstr("xxx...\""));
  EXPECT_LT(c.error.message.size(), 200u);
  EXPECT_EQ(c.answer, "ok");
  EXPECT_EQ(c.stop_reason, StopReason::none);

  const Completion array = decode("data: [1,2]\n\n");
  EXPECT_EQ(array.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(array.error.message, HasSubstr("not a JSON object"));
}

TEST(OpenAiStream, QuotedBadDataIsCutBetweenCharacters) {
  // 40 three-byte characters: the 80-byte limit falls inside the 27th, so the quote stops
  // after the 26th (78 bytes) instead of ending in a broken character.
  std::string japanese;
  for (int i = 0; i < 40; ++i) japanese += "あ";
  const Completion c = decode("data: " + japanese + "\n\n");
  EXPECT_EQ(c.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(c.error.message, HasSubstr("\"" + japanese.substr(0, 78) + "...\""));
}

TEST(OpenAiStream, NullContentOpenerIsNotATokenChunk) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(chunk(R"({"role":"assistant","content":null})"), 0.10);
  decoder.feed(chunk(R"({"role":"assistant","content":""})"), 0.15);
  decoder.feed(chunk(R"({"content":"Hi"})"), 0.25);
  decoder.feed(chunk("{}", "\"stop\"") + std::string(k_done), 0.30);
  decoder.finish(0.31);
  EXPECT_EQ(c.times.first_token, 0.25);
  EXPECT_EQ(c.times.first_answer_token, 0.25);
  EXPECT_EQ(c.times.token_chunks, 1);
  EXPECT_EQ(c.answer, "Hi");
}

TEST(OpenAiStream, ExoChatCompletionObjectAndMessageContent) {
  const Completion c = decode(
      R"(data: {"id":"x","object":"chat.completion","model":"llama-3.2-3b","choices":[{"index":0,"message":{"role":"assistant","content":"Paris"},"finish_reason":"stop"}]})"
      "\n\n" + std::string(k_done));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "Paris");
  EXPECT_EQ(c.server_model, "llama-3.2-3b");
  EXPECT_EQ(c.stop_reason, StopReason::stop);
}

TEST(OpenAiStream, CompletionsStyleText) {
  const Completion c = decode(
      R"(data: {"object":"text_completion","choices":[{"index":0,"text":"4","finish_reason":null}]})" "\n\n"
      R"(data: {"object":"text_completion","choices":[{"index":0,"text":"2","finish_reason":"length"}]})" "\n\n"
      "data: [DONE]\n\n");
  EXPECT_EQ(c.answer, "42");
  EXPECT_EQ(c.stop_reason, StopReason::length);
}

TEST(OpenAiStream, OnlyChoiceZeroIsTheAnswer) {
  const Completion c = decode(
      R"(data: {"choices":[{"index":1,"delta":{"content":"B"},"finish_reason":"stop"},{"index":0,"delta":{"content":"A"},"finish_reason":null}]})"
      "\n\n" + chunk("{}", "\"length\"") + std::string(k_done));
  EXPECT_EQ(c.answer, "A");
  EXPECT_EQ(c.stop_reason, StopReason::length);
}

TEST(OpenAiStream, UnknownFinishReasonKeepsTheServersWord) {
  const Completion c = decode(chunk(R"({"content":"x"})", "\"eot_reached\"") + std::string(k_done));
  EXPECT_EQ(c.stop_reason, StopReason::other);
  EXPECT_EQ(c.server_stop_reason, "eot_reached");
  const Completion filtered = decode(chunk("{}", "\"content_filter\"") + std::string(k_done));
  EXPECT_EQ(filtered.stop_reason, StopReason::cancelled);
}

TEST(OpenAiStream, EmptyStringFinishReasonIsNotAFinish) {
  const Completion c = decode(chunk(R"({"content":"x"})", "\"\""));
  EXPECT_EQ(c.error.kind, ErrorKind::truncated);
}

TEST(OpenAiStream, ContinuousUsageLastOneWins) {
  const Completion c = decode(
      R"(data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}})" "\n\n"
      R"(data: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}})" "\n\n"
      R"(data: {"choices":[],"usage":null})" "\n\n"
      "data: [DONE]\n\n");
  EXPECT_EQ(c.tokens.prompt, 5);
  EXPECT_EQ(c.tokens.completion, 2);
  EXPECT_FALSE(c.tokens.completion_estimated);
}

TEST(OpenAiStream, TimingsPerTokenLastOneWins) {
  const Completion c = decode(
      R"(data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"timings":{"predicted_n":1,"predicted_ms":5.0,"draft_n":3}})" "\n\n"
      R"(data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"timings":{"predicted_n":2,"predicted_ms":9.5,"label":"x"}})" "\n\n"
      "data: [DONE]\n\n");
  EXPECT_EQ(c.server_timings, (std::map<std::string, double>{{"predicted_n", 2}, {"predicted_ms", 9.5}}));
  EXPECT_EQ(c.server_timings_source, "llama.cpp timings");
}

TEST(OpenAiStream, CommentsAndEmptyDataAreSkipped) {
  const Completion c = decode(": ping\n\ndata:\n\n" + chunk(R"({"content":"x"})", "\"stop\"") +
                              std::string(k_done));
  EXPECT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "x");
}

TEST(OpenAiStream, DoneWithExtraSpaceEndsTheStream) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(chunk(R"({"content":"x"})") + "data:  [DONE]\n\n", 0.1);
  EXPECT_TRUE(decoder.finished());
  decoder.finish(0.2);
  EXPECT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.stop_reason, StopReason::none);  // [DONE] without a finish reason: complete
}

TEST(OpenAiStream, EventsTakeTheTimeOfTheChunkThatCompletedThem) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  const std::string first = chunk(R"({"content":"He"})");
  decoder.feed(first.substr(0, 20), 0.20);  // the event starts here...
  decoder.feed(first.substr(20), 0.35);     // ...and completes here
  decoder.feed(chunk(R"({"content":"llo"})") + chunk(R"({"content":"!"})"), 0.50);
  decoder.feed(chunk("{}", "\"stop\"") + std::string(k_done), 0.70);
  decoder.finish(0.75);
  EXPECT_EQ(c.times.first_token, 0.35);
  EXPECT_EQ(c.times.last_token, 0.50);
  EXPECT_EQ(c.times.token_chunks, 3);
}

TEST(OpenAiStream, ClientTimingsAndDecodeRate) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(chunk(R"({"role":"assistant","content":null})"), 0.05);
  decoder.feed(chunk(R"({"reasoning_content":"a"})"), 0.25);
  decoder.feed(chunk(R"({"reasoning_content":"b"})"), 0.50);
  decoder.feed(chunk(R"({"content":"c"})"), 0.75);
  decoder.feed(chunk(R"({"content":"d"})"), 1.25);
  decoder.feed(chunk("{}", "\"stop\""), 1.30);
  decoder.feed(R"(data: {"choices":[],"usage":{"prompt_tokens":30,"completion_tokens":21,"total_tokens":51}})"
               "\n\n",
               1.35);
  decoder.feed(k_done, 1.40);
  EXPECT_TRUE(decoder.finished());
  decoder.finish(1.45);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.times.first_token, 0.25);
  EXPECT_EQ(c.times.first_answer_token, 0.75);
  EXPECT_EQ(c.times.last_token, 1.25);
  EXPECT_DOUBLE_EQ(c.times.end, 1.45);
  EXPECT_EQ(c.times.token_chunks, 4);
  EXPECT_EQ(c.times.answer_chunks, 2);
  EXPECT_EQ(c.times.reasoning_chunks, 2);
  EXPECT_EQ(c.metrics.ttft_s, 0.25);
  EXPECT_EQ(c.metrics.time_to_first_answer_s, 0.75);
  EXPECT_EQ(c.metrics.e2e_s, 1.25);
  ASSERT_TRUE(c.metrics.decode_tps.has_value());
  EXPECT_DOUBLE_EQ(*c.metrics.decode_tps, 20.0);  // (21 - 1) tokens / (1.25 - 0.25) s
  // Reasoning text arrived but usage gave no reasoning_tokens: counted from chunks.
  EXPECT_EQ(c.tokens.reasoning, 2);
  EXPECT_TRUE(c.tokens.reasoning_estimated);
}

TEST(OpenAiStream, FinishKeepsAnErrorTheProviderAlreadySet) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(chunk(R"({"content":"slow"})"), 1.0);
  c.error.kind = ErrorKind::stall;
  c.error.message = "no bytes for 30 s";
  decoder.finish(31.0);
  EXPECT_EQ(c.error.kind, ErrorKind::stall);
  EXPECT_EQ(c.tokens.completion, 1);
  EXPECT_TRUE(decoder.finished());
}

TEST(OpenAiStream, LastEventWithoutBlankLineIsUsed) {
  // The server closed right after its usage line.
  const Completion c = decode(chunk(R"({"content":"x"})", "\"stop\"") +
                              R"(data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}})" "\n");
  EXPECT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.tokens.prompt, 3);
  EXPECT_FALSE(c.tokens.completion_estimated);
}

// ---- error bodies ----

// ---- server figures from llama.cpp timings ----

TEST(OpenAiStreamCapture, ServerFiguresFromTimingsWithUsage) {
  const Completion c = decode(read_capture("stream-usage.sse"));
  ASSERT_TRUE(c.ok()) << c.error.message;
  ASSERT_TRUE(c.server.prompt_s && c.server.decode_s && c.server.decode_tps);
  EXPECT_DOUBLE_EQ(*c.server.prompt_s, 0.001767);
  EXPECT_DOUBLE_EQ(*c.server.decode_s, 0.046795);
  EXPECT_DOUBLE_EQ(*c.server.decode_tps, 2799.444385083876);
  EXPECT_EQ(c.server.prompt_tokens, 48);  // usage.prompt_tokens
  EXPECT_EQ(c.server.completion_tokens, 132);
  EXPECT_EQ(c.server.cached_tokens, 0);
  EXPECT_FALSE(c.server.ttft_s.has_value());
  EXPECT_FALSE(c.server.load_s.has_value());
}

TEST(OpenAiStreamCapture, ServerFiguresWithoutUsageCountTheCachedPrompt) {
  const Completion c = decode(read_capture("stream-no-usage.sse"));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_DOUBLE_EQ(*c.server.prompt_s, 0.000375);
  EXPECT_DOUBLE_EQ(*c.server.decode_s, 0.037002);
  EXPECT_EQ(c.server.prompt_tokens, 48);  // prompt_n 1 + cache_n 47
  EXPECT_EQ(c.server.cached_tokens, 47);
  EXPECT_EQ(c.server.completion_tokens, 129);
}

TEST(OpenAiStream, NoTimingsNoServerFigures) {
  const Completion c = decode(chunk(R"({"content":"4"})", "\"stop\"") +
                              R"(data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}})" "\n\n" +
                              std::string(k_done));
  EXPECT_TRUE(c.server.empty());
}

// ---- reasoning left in content ----

TEST(OpenAiStream, ThinkTagsInContentAreReasoning) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(chunk(R"({"role":"assistant","content":null})"), 0.10);
  decoder.feed(chunk(R"({"content":"<thi"})"), 0.20);
  decoder.feed(chunk(R"({"content":"nk>\nLet me add."})"), 0.30);
  decoder.feed(chunk(R"({"content":" 2+2=4\n</think>"})"), 0.40);
  decoder.feed(chunk(R"({"content":"\n\n"})"), 0.45);
  decoder.feed(chunk(R"({"content":"The answer"})"), 0.50);
  decoder.feed(chunk(R"({"content":" is 4."})"), 0.60);
  decoder.feed(chunk("{}", "\"stop\""), 0.65);
  decoder.feed(k_done, 0.66);
  decoder.finish(0.67);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "\nLet me add. 2+2=4\n");
  EXPECT_EQ(c.answer, "The answer is 4.");
  EXPECT_EQ(c.times.first_token, 0.20);  // TTFT: the first generated text, even a tag
  EXPECT_EQ(c.times.first_answer_token, 0.50);
  EXPECT_EQ(c.times.token_chunks, 6);
  EXPECT_EQ(c.times.answer_chunks, 2);
  // "<thi" was held back, undecided; the "\n\n" after the block counts with the reasoning.
  EXPECT_EQ(c.times.reasoning_chunks, 3);
  EXPECT_EQ(c.tokens.reasoning, 3);
  EXPECT_TRUE(c.tokens.reasoning_estimated);
}

TEST(OpenAiStream, LoneCloseMovesTheEarlierAnswerToReasoning) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(chunk(R"({"content":"Okay, the user"})"), 0.10);
  decoder.feed(chunk(R"({"content":" wants 2+2."})"), 0.20);
  decoder.feed(chunk(R"({"content":"</think>\n\n4"})"), 0.30);
  decoder.feed(chunk("{}", "\"stop\""), 0.35);
  decoder.finish(0.40);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "Okay, the user wants 2+2.");
  EXPECT_EQ(c.answer, "4");
  EXPECT_EQ(c.times.first_token, 0.10);
  EXPECT_EQ(c.times.first_answer_token, 0.30);
  EXPECT_EQ(c.times.reasoning_chunks, 2);
  EXPECT_EQ(c.times.answer_chunks, 1);
}

TEST(OpenAiStream, HarmonyLeakedIntoContent) {
  const Completion c = decode(chunk(R"({"content":"<|channel|>analysis<|message|>Need 2+2."})") +
                              chunk(R"({"content":"<|end|><|start|>assistant<|channel|>final<|message|>"})") +
                              chunk(R"({"content":"4"})") + chunk(R"({"content":"<|return|>"})", "\"stop\"") +
                              std::string(k_done));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "Need 2+2.");
  EXPECT_EQ(c.answer, "4");
  EXPECT_EQ(c.times.answer_chunks, 1);
}

TEST(OpenAiStream, ReasoningCutByLengthLeavesNoAnswer) {
  const Completion c = decode(chunk(R"({"content":"<think>\nWe need to"})") + chunk(R"({"content":" compute"})", "\"length\"") +
                              std::string(k_done));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "");
  EXPECT_EQ(c.reasoning, "\nWe need to compute");
  EXPECT_EQ(c.stop_reason, StopReason::length);
  EXPECT_FALSE(c.times.first_answer_token.has_value());
}

TEST(OpenAiStream, ReasoningFieldWinsOverTaggedCopyInContent) {
  // llama.cpp's deepseek-legacy format: the thoughts in reasoning_content and, tagged, in
  // content as well.
  const Completion c = decode(chunk(R"({"reasoning_content":"hmm","content":"<think>hmm"})") +
                              chunk(R"({"content":"</think>4"})", "\"stop\"") + std::string(k_done));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "hmm");
  EXPECT_EQ(c.answer, "4");
}

TEST(OpenAiStream, PartialTagAtTheEndIsAnswerText) {
  const Completion c = decode(chunk(R"({"content":"a <"})", "\"stop\"") + std::string(k_done));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "a <");
  EXPECT_EQ(c.times.first_answer_token, 0.5);
}

TEST(OpenAiStream, NonStreamedBodyWithThinkTags) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed_json(R"({"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"<think>r</think>\n4"},"finish_reason":"stop"}]})",
                    0.5);
  decoder.finish(0.6);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "r");
  EXPECT_EQ(c.answer, "4");
}

TEST(OpenAiStream, OllamaV1ReasoningFieldAndFingerprint) {
  const std::string ollama_chunk =
      R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"hm"},"finish_reason":null}]})"
      "\n\n";
  const std::string answer_chunk =
      R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"4"},"finish_reason":"stop"}]})"
      "\n\n";
  const Completion c = decode(ollama_chunk + answer_chunk + std::string(k_done));
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "hm");
  EXPECT_EQ(c.answer, "4");
  EXPECT_EQ(c.system_fingerprint, "fp_ollama");
}

TEST(ErrorMessageFromBody, LlamaCppCapture) {
  const std::string http = read_capture("error-bad-grammar-stream.http");
  const std::string body = http.substr(http.find("\r\n\r\n") + 4);
  EXPECT_EQ(goodput::error_message_from_body(body),
            "Failed to initialize samplers: failed to parse grammar (type: invalid_request_error, code: 400)");
}

TEST(ErrorMessageFromBody, OtherShapes) {
  using goodput::error_message_from_body;
  EXPECT_EQ(error_message_from_body(R"({"error":"model 'x' not found"})"), "model 'x' not found");
  EXPECT_EQ(error_message_from_body(
                R"({"error":{"message":"bad","type":"invalid_request_error","param":null,"code":null}})"),
            "bad (type: invalid_request_error)");
  EXPECT_EQ(error_message_from_body(R"({"detail":"Not Found"})"), "Not Found");
  EXPECT_EQ(error_message_from_body(
                R"({"detail":[{"loc":["body","messages",0],"msg":"field required","type":"missing"}]})"),
            "body.messages.0: field required");
  EXPECT_EQ(error_message_from_body(R"({"message":"Unauthorized"})"), "Unauthorized");
  EXPECT_EQ(error_message_from_body("<html>502 Bad Gateway</html>"), "<html>502 Bad Gateway</html>");
  EXPECT_EQ(error_message_from_body(std::string(300, 'z')), std::string(200, 'z') + "...");
  EXPECT_EQ(error_message_from_body(""), "the response body was empty");
}

}  // namespace
}  // namespace openai_stream_test
