// SPDX-License-Identifier: MIT
#include "providers/src/lmstudio_stream.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

// Named: the other stream tests have helpers of the same names (decode, chunk), and the unity
// build compiles them into one translation unit.
namespace lmstudio_stream_test {
namespace {

using goodput::Completion;
using goodput::ErrorKind;
using goodput::LmStudioStreamDecoder;
using goodput::StopReason;
using ::testing::HasSubstr;

Completion decode(std::string_view stream, double t_feed = 0.5, double t_end = 0.6) {
  Completion c;
  LmStudioStreamDecoder decoder(c);
  decoder.feed(stream, t_feed);
  decoder.finish(t_end);
  return c;
}

Completion decode_byte_by_byte(std::string_view stream) {
  Completion c;
  LmStudioStreamDecoder decoder(c);
  for (const char byte : stream) decoder.feed(std::string_view(&byte, 1), 0.5);
  decoder.finish(0.6);
  return c;
}

std::string chunk(std::string_view delta, std::string_view finish_reason = "null", std::string_view extra = "") {
  return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"granite\",\"choices\":"
         "[{\"index\":0,\"delta\":" + std::string(delta) + ",\"finish_reason\":" + std::string(finish_reason) + "}]" +
         std::string(extra) + "}\n\n";
}

// wire-formats.md §D's example objects.
constexpr std::string_view k_extras =
    R"(,"stats":{"tokens_per_second":51.4,"time_to_first_token":0.111,"generation_time":0.954,"stop_reason":"eosFound"},)"
    R"("model_info":{"arch":"granite","quant":"Q4_K_M","format":"gguf","context_length":4096},)"
    R"("runtime":{"name":"llama.cpp-mac-arm64-apple-metal-advsimd","version":"1.3.0","supported_formats":["gguf"]})";

constexpr std::string_view k_usage =
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"granite\",\"choices\":[],"
    "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n";

TEST(LmStudioStream, StatsModelInfoAndRuntimeAreKeptInSeconds) {
  const Completion c = decode(chunk(R"({"role":"assistant","content":"Tok"})") + chunk(R"({"content":"yo."})") +
                              chunk("{}", "\"stop\"", k_extras) + "data: [DONE]\n\n");
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "Tokyo.");
  EXPECT_EQ(c.stop_reason, StopReason::stop);
  EXPECT_EQ(c.server_stop_reason, "stop");  // finish_reason wins over stats.stop_reason
  EXPECT_EQ(c.server_timings_source, "lmstudio stats (s)");
  EXPECT_DOUBLE_EQ(c.server_timings.at("time_to_first_token"), 0.111);
  EXPECT_DOUBLE_EQ(c.server_timings.at("generation_time"), 0.954);
  EXPECT_DOUBLE_EQ(c.server_timings.at("tokens_per_second"), 51.4);
  EXPECT_EQ(c.server_timings.count("stop_reason"), 0u);
  EXPECT_DOUBLE_EQ(*c.server.ttft_s, 0.111);
  EXPECT_DOUBLE_EQ(*c.server.decode_s, 0.954);
  EXPECT_DOUBLE_EQ(*c.server.decode_tps, 51.4);
  EXPECT_FALSE(c.server.load_s);
  EXPECT_EQ(c.server_model_info.at("arch"), "granite");
  EXPECT_EQ(c.server_model_info.at("quant"), "Q4_K_M");
  EXPECT_EQ(c.server_model_info.at("format"), "gguf");
  EXPECT_EQ(c.server_model_info.at("context_length"), "4096");
  EXPECT_EQ(c.server_version, "llama.cpp-mac-arm64-apple-metal-advsimd 1.3.0");
}

TEST(LmStudioStream, StatsOnTheUsageChunkAndReasoningContent) {
  std::string usage_with_stats(k_usage);
  usage_with_stats.insert(usage_with_stats.rfind('}'), std::string(k_extras));
  const Completion c = decode(chunk(R"({"reasoning_content":"think"})") + chunk(R"({"content":"answer"})") +
                              chunk("{}", "\"stop\"") + usage_with_stats + "data: [DONE]\n\n");
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.reasoning, "think");
  EXPECT_EQ(c.answer, "answer");
  EXPECT_EQ(c.tokens.completion, 3);
  EXPECT_EQ(c.tokens.prompt, 12);
  EXPECT_DOUBLE_EQ(*c.server.ttft_s, 0.111);
  EXPECT_EQ(c.server_version, "llama.cpp-mac-arm64-apple-metal-advsimd 1.3.0");
}

TEST(LmStudioStream, StatsStopReasonStandsInForAMissingFinishReason) {
  std::string extras(k_extras);
  extras.replace(extras.find("eosFound"), 8, "maxPredictedTokensReached");
  const std::string last = "data: {\"id\":\"chatcmpl-1\",\"choices\":[]" + extras + "}\n\n";
  {
    const Completion c = decode(chunk(R"({"content":"cut"})") + last);  // no [DONE] either
    ASSERT_TRUE(c.ok()) << c.error.message;
    EXPECT_EQ(c.server_stop_reason, "maxPredictedTokensReached");
    EXPECT_EQ(c.stop_reason, StopReason::length);
  }
  {
    const Completion c = decode(chunk(R"({"content":"cut"})") + last + "data: [DONE]\n\n");
    ASSERT_TRUE(c.ok()) << c.error.message;
    EXPECT_EQ(c.server_stop_reason, "maxPredictedTokensReached");
    EXPECT_EQ(c.stop_reason, StopReason::length);
  }
}

TEST(LmStudioStream, WithoutStatsNoServerFigures) {
  const Completion c = decode(chunk(R"({"content":"a"})") + chunk("{}", "\"stop\"") + "data: [DONE]\n\n");
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_TRUE(c.server.empty());
  EXPECT_TRUE(c.server_timings.empty());
  EXPECT_TRUE(c.server_model_info.empty());
  EXPECT_EQ(c.server_version, "");
}

TEST(LmStudioStream, MidStreamErrorAndCutStream) {
  const Completion err = decode(chunk(R"({"content":"a"})") + "data: {\"error\":{\"message\":\"Model unloaded\"}}\n\n");
  EXPECT_EQ(err.error.kind, ErrorKind::stream_error);
  EXPECT_THAT(err.error.message, HasSubstr("Model unloaded"));
  EXPECT_EQ(err.answer, "a");
  const Completion cut = decode(chunk(R"({"content":"a"})"));
  EXPECT_EQ(cut.error.kind, ErrorKind::truncated);
}

TEST(LmStudioStream, EveryByteSplitGivesTheSameResult) {
  const std::string stream = chunk(R"({"content":"東京"})") + chunk(R"({"content":"です"})") +
                             chunk("{}", "\"stop\"", k_extras) + "data: [DONE]\n\n";
  const Completion whole = decode(stream);
  const Completion split = decode_byte_by_byte(stream);
  ASSERT_TRUE(split.ok()) << split.error.message;
  EXPECT_EQ(split.answer, "東京です");
  EXPECT_EQ(split.server_timings, whole.server_timings);
  EXPECT_EQ(split.server_model_info, whole.server_model_info);
  EXPECT_EQ(split.server_version, whole.server_version);
}

}  // namespace
}  // namespace lmstudio_stream_test
