// SPDX-License-Identifier: MIT
#include "goodput/plausibility.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "goodput/results.hpp"
#include "goodput/results_json.hpp"
#include "goodput/stats.hpp"
#include "providers/src/openai_stream.hpp"

namespace goodput {
namespace plausibility_test {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

// A finished request of 2 s with 400 bytes of answer and believable figures.
Completion believable() {
  Completion c;
  c.answer = std::string(400, 'x');
  c.times.end = 2.0;
  c.tokens.prompt = 120;
  c.tokens.completion = 100;
  c.tokens.reasoning = 0;
  c.server.prompt_tokens = 120;
  c.server.completion_tokens = 100;
  c.server.cached_tokens = 64;
  c.server.load_s = 0.0;
  c.server.prompt_s = 0.3;
  c.server.ttft_s = 0.31;
  c.server.decode_s = 1.6;
  c.server.total_s = 1.95;
  c.server.decode_tps = 62.0;
  return c;
}

std::vector<std::string> fields(const Completion& c) {
  std::vector<std::string> out;
  for (const auto& f : c.ignored_server_figures) out.push_back(f.field + " " + f.why);
  return out;
}

TEST(Plausibility, BelievableFiguresAreKept) {
  Completion c = believable();
  drop_implausible_server_figures(c);
  EXPECT_THAT(c.ignored_server_figures, IsEmpty());
  EXPECT_EQ(c.tokens.completion, 100);
  EXPECT_EQ(c.server.decode_tps, 62.0);
  EXPECT_EQ(c.server.total_s, 1.95);
}

TEST(Plausibility, NegativeCountsAndDurationsAreDropped) {
  Completion c = believable();
  c.tokens.completion = -7;
  c.server.prompt_s = -0.2;
  c.server.cached_tokens = -1;
  drop_implausible_server_figures(c);
  EXPECT_THAT(fields(c), ElementsAre("usage.completion_tokens negative", "server.cached_tokens negative",
                                     "server.prompt_s negative or not finite"));
  EXPECT_FALSE(c.tokens.completion);
  EXPECT_FALSE(c.server.prompt_s);
  EXPECT_FALSE(c.server.cached_tokens);
  EXPECT_EQ(c.ignored_server_figures[0].value, -7);
  EXPECT_EQ(c.server.decode_s, 1.6);  // the rest stays
}

TEST(Plausibility, CountsBeyondWhatTheTextCouldHoldAreDropped) {
  Completion c = believable();
  c.tokens.completion = 9'200'000'000'000'000'000;  // 9.2e18
  c.server.completion_tokens = 4 * 400 + 1025;       // one over 4 x bytes + 1024
  c.tokens.reasoning = 500;                          // more than the completion (once that is gone: unbounded)
  c.server.cached_tokens = 121;                      // more than the prompt
  drop_implausible_server_figures(c);
  EXPECT_THAT(fields(c), ElementsAre("usage.completion_tokens more than 100 million tokens",
                                     "server.completion_tokens far more than the text it produced",
                                     "server.cached_tokens more than the prompt tokens"));
  EXPECT_EQ(c.tokens.reasoning, 500);
  Completion edge = believable();
  edge.server.completion_tokens = 4 * 400 + 1024;  // at the bound: kept
  edge.tokens.reasoning = 101;
  drop_implausible_server_figures(edge);
  EXPECT_THAT(fields(edge), ElementsAre("usage.reasoning_tokens more than the completion tokens"));
}

TEST(Plausibility, DurationsLongerThanTheRequestAndImpossibleRatesAreDropped) {
  Completion c = believable();
  c.server.total_s = 1.1 * 2.0 + 0.5 + 0.01;  // just over the bound
  c.server.decode_s = 2.7;                    // at the bound: kept
  c.server.decode_tps = 1.8e20;
  drop_implausible_server_figures(c);
  EXPECT_THAT(fields(c), ElementsAre("server.total_s longer than the whole request",
                                     "server.decode_tps above a million tokens per second"));
  EXPECT_EQ(c.server.decode_s, 2.7);
}

// Through the decoder: a llama.cpp stream whose usage and timings cannot be true. The client's
// decode rate then comes from its own token count, never from -7.
TEST(Plausibility, TheDecoderFallsBackToItsOwnCount) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(R"(data: {"choices":[{"index":0,"delta":{"content":"one "},"finish_reason":null}]})" "\n\n", 0.5);
  decoder.feed(R"(data: {"choices":[{"index":0,"delta":{"content":"two "},"finish_reason":null}]})" "\n\n", 0.6);
  decoder.feed(R"(data: {"choices":[{"index":0,"delta":{"content":"three"},"finish_reason":"stop"}],)"
               R"("usage":{"prompt_tokens":12,"completion_tokens":-7,"total_tokens":5},)"
               R"("timings":{"prompt_n":12,"prompt_ms":-40.0,"predicted_n":3,"predicted_ms":1.0e-14,)"
               R"("predicted_per_second":1.8e20}})" "\n\n",
               0.7);
  decoder.feed("data: [DONE]\n\n", 0.75);
  decoder.finish(0.8);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_THAT(fields(c), ElementsAre("usage.completion_tokens negative", "server.prompt_s negative or not finite",
                                     "server.decode_tps above a million tokens per second"));
  EXPECT_EQ(c.tokens.completion, 3);  // the client's count of token chunks
  EXPECT_TRUE(c.tokens.completion_estimated);
  ASSERT_TRUE(c.metrics.decode_tps);
  EXPECT_NEAR(*c.metrics.decode_tps, (3 - 1) / (0.7 - 0.5), 1e-9);
  EXPECT_EQ(c.server_timings.at("predicted_per_second"), 1.8e20);  // the raw timings are kept
}

TEST(Plausibility, TheJournalKeepsWhatWasIgnoredAndStatisticsCountIt) {
  Completion c = believable();
  c.tokens.completion = -7;
  c.server.decode_tps = 1.8e20;
  drop_implausible_server_figures(c);
  const auto json = completion_to_json(c, CompletionDetail::journal);
  ASSERT_TRUE(json.contains("server_figures_ignored"));
  EXPECT_EQ(json["server_figures_ignored"][0]["field"], "usage.completion_tokens");
  EXPECT_EQ(json["server_figures_ignored"][0]["value"], -7.0);
  EXPECT_EQ(json["server_figures_ignored"][1]["why"], "above a million tokens per second");
  const Completion back = completion_from_json(json);
  ASSERT_EQ(back.ignored_server_figures.size(), 2u);
  EXPECT_EQ(back.ignored_server_figures[1].value, 1.8e20);
  EXPECT_FALSE(completion_to_json(believable(), CompletionDetail::journal).contains("server_figures_ignored"));

  RunStats stats;
  stats.add(figures_of(Verdict::pass, c));
  stats.add(figures_of(Verdict::pass, believable()));
  stats.add(figures_of(Verdict::fail, c));
  EXPECT_EQ(stats.runs_with_ignored_server_figures, 2);
  EXPECT_EQ(stats.ignored_server_figures.at("usage.completion_tokens negative"), 2);
  EXPECT_EQ(stats.server_decode_tps.median(), 62.0);  // 1.8e20 never entered it
}

}  // namespace
}  // namespace plausibility_test
}  // namespace goodput
