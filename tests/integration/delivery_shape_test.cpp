// SPDX-License-Identifier: MIT
// Delivery shapes end to end: `goodput sim` profiles that send their text token by token, in
// refinement blocks, in one event, or as one JSON body although a stream was asked for, read
// through each dialect (in this process, on loopback). The shape is classified from what
// arrived, and text that did not come token by token gets no decode rate but an effective
// rate, completion tokens / e2e. Times are checked against the simulator's schedule from
// below only (the sim never sends early; a loaded machine may deliver late).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/provider.hpp"
#include "goodput/sim_server.hpp"
#include "support/sim.hpp"

namespace goodput {
namespace {

// 64 answer tokens ("w0", " w1", ...: one token each in the simulator's tokenizer) at 200 ms
// to the first token, then 200 tok/s: token i is due at 200 + 5 i ms, the last at 515 ms.
constexpr int k_tokens = 64;
constexpr double k_ttft_s = 0.200;
constexpr double k_interval_s = 0.005;

std::string words(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += (i ? " w" : "w") + std::to_string(i);
  return text;
}

sim::SimProfile profile(const std::string& id, sim::SimDelivery delivery, int blocks = 8) {
  sim::SimProfile p;
  p.id = id;
  p.ttft_ms = k_ttft_s * 1000;
  p.tokens_per_second = 1 / k_interval_s;
  p.delivery = delivery;
  p.blocks = blocks;
  sim::SimAnswer a;
  a.text = words(k_tokens);
  p.answers.push_back(a);
  return p;
}

class DeliveryShapeSim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim::SimConfig config;
    config.profiles = {profile("tokens", sim::SimDelivery::tokens), profile("blocks", sim::SimDelivery::blocks),
                       profile("once", sim::SimDelivery::once), profile("body", sim::SimDelivery::body)};
    s_sim = test::start_sim(std::move(config)).release();
  }
  static void TearDownTestSuite() {
    delete s_sim;
    s_sim = nullptr;
  }

  static Completion ask(const std::string& dialect, const std::string& model) {
    ModelSpec m;
    m.name = dialect + "-" + model;
    m.dialect = dialect;
    m.model = model;
    m.base_url = dialect == "openai" ? s_sim->base_url() : "http://127.0.0.1:" + std::to_string(s_sim->port());
    m.timeouts.request_s = 30;
    m.timeouts.stall_s = 10;
    CompletionRequest request;
    request.messages = {{"user", "count"}};
    return make_provider(m)->complete(request);
  }

  static sim::SimServer* s_sim;
};

sim::SimServer* DeliveryShapeSim::s_sim = nullptr;

const char* const k_dialects[] = {"openai", "ollama", "lmstudio"};

void expect_whole_answer(const Completion& c, const std::string& where) {
  ASSERT_TRUE(c.ok()) << where << ": " << c.error.message;
  EXPECT_EQ(c.answer, words(k_tokens)) << where;
  EXPECT_EQ(c.tokens.completion, k_tokens) << where;
  EXPECT_FALSE(c.tokens.completion_estimated) << where;
  EXPECT_EQ(c.stop_reason, StopReason::stop) << where;
}

// The effective rate is defined on what was measured: completion tokens / e2e, exactly.
void expect_effective_rate_only(const Completion& c, const std::string& where) {
  EXPECT_FALSE(c.metrics.decode_tps) << where;
  ASSERT_TRUE(c.metrics.effective_tps && c.metrics.e2e_s) << where;
  EXPECT_DOUBLE_EQ(*c.metrics.effective_tps, k_tokens / *c.metrics.e2e_s) << where;
}

TEST_F(DeliveryShapeSim, TokenByTokenIsATokenStreamWithADecodeRate) {
  for (const char* dialect : k_dialects) {
    const Completion c = ask(dialect, "tokens");
    expect_whole_answer(c, dialect);
    EXPECT_EQ(c.metrics.delivery, Delivery::token_stream) << dialect;
    EXPECT_TRUE(c.metrics.decode_tps) << dialect;
    EXPECT_FALSE(c.metrics.effective_tps) << dialect;
  }
}

TEST_F(DeliveryShapeSim, RefinementBlocksAreABlockStream) {
  for (const char* dialect : k_dialects) {
    const Completion c = ask(dialect, "blocks");
    expect_whole_answer(c, dialect);
    EXPECT_EQ(c.metrics.delivery, Delivery::block_stream) << dialect;
    EXPECT_EQ(c.times.token_chunks, 8) << dialect;  // 8 blocks of 8 tokens
    EXPECT_LE(c.times.text_arrivals, 8) << dialect;
    // The first block goes out when its eighth token is due: 200 + 7 * 5 ms.
    ASSERT_TRUE(c.metrics.ttft_s) << dialect;
    EXPECT_GE(*c.metrics.ttft_s, k_ttft_s + 7 * k_interval_s - 0.001) << dialect;
    EXPECT_GE(*c.metrics.e2e_s, k_ttft_s + (k_tokens - 1) * k_interval_s - 0.001) << dialect;
    expect_effective_rate_only(c, dialect);
  }
}

TEST_F(DeliveryShapeSim, AllAtOnceIsASingleBody) {
  for (const char* dialect : k_dialects) {
    const Completion c = ask(dialect, "once");
    expect_whole_answer(c, dialect);
    EXPECT_EQ(c.metrics.delivery, Delivery::single_body) << dialect;
    EXPECT_EQ(c.times.text_arrivals, 1) << dialect;
    ASSERT_TRUE(c.metrics.ttft_s) << dialect;
    EXPECT_GE(*c.metrics.ttft_s, k_ttft_s + (k_tokens - 1) * k_interval_s - 0.001) << dialect;
    EXPECT_EQ(c.metrics.ttft_s, c.metrics.e2e_s) << dialect;
    expect_effective_rate_only(c, dialect);
  }
}

TEST_F(DeliveryShapeSim, AServerThatIgnoresStreamGivesOneBodyNotAnError) {
  for (const char* dialect : k_dialects) {
    const Completion c = ask(dialect, "body");
    expect_whole_answer(c, dialect);
    EXPECT_EQ(c.metrics.delivery, Delivery::single_body) << dialect;
    expect_effective_rate_only(c, dialect);
  }
}

}  // namespace
}  // namespace goodput
