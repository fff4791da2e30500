// SPDX-License-Identifier: MIT
// Delivery shape (README "Metrics"): how text reached the client, token by token, in blocks or
// in one piece, and what follows from it: per-token figures (TTFT, decode rate) only for token
// streams, time to first text and the effective rate (completion tokens / e2e) for the others,
// in every report and never in one percentile with the token streams'.
#include "providers/src/ollama_stream.hpp"
#include "providers/src/openai_stream.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goodput/compare.hpp"
#include "goodput/reporters.hpp"
#include "goodput/results_json.hpp"
#include "goodput/stats.hpp"
#include "goodput/stats_json.hpp"

// Named: other stream tests have helpers of the same names, and unity builds put them together.
namespace delivery_shape_test {
namespace {

using namespace goodput;
using ::testing::HasSubstr;
using ::testing::Not;

std::string read_capture(const std::string& name) {
  const std::string path = std::string(GOODPUT_TEST_DATA_DIR) + "/captures/llama-server/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The capture's SSE events one by one (each with its blank line).
std::vector<std::string> events_of(const std::string& stream) {
  std::vector<std::string> events;
  std::size_t start = 0;
  for (std::size_t end; (end = stream.find("\n\n", start)) != std::string::npos; start = end + 2)
    events.push_back(stream.substr(start, end + 2 - start));
  if (start < stream.size()) events.push_back(stream.substr(start));
  return events;
}

std::string content_event(std::string_view text) {
  return "data: " + nlohmann::json{{"choices", {{{"index", 0}, {"delta", {{"content", text}}}, {"finish_reason", nullptr}}}}}.dump() +
         "\n\n";
}
std::string finish_event(std::optional<int> completion_tokens) {
  nlohmann::json j = {{"choices", {{{"index", 0}, {"delta", nlohmann::json::object()}, {"finish_reason", "stop"}}}}};
  if (completion_tokens) j["usage"] = {{"prompt_tokens", 10}, {"completion_tokens", *completion_tokens}};
  return "data: " + j.dump() + "\n\ndata: [DONE]\n\n";
}

StreamTimes times(std::int64_t chunks, std::int64_t arrivals, std::int64_t bytes) {
  StreamTimes t;
  t.token_chunks = chunks;
  t.text_arrivals = arrivals;
  t.text_bytes = bytes;
  return t;
}
TokenCounts counted(std::int64_t completion) {
  TokenCounts c;
  c.completion = completion;
  return c;
}
const TokenCounts k_no_count{};

// ---- the rule ----

TEST(ClassifyDelivery, TokenBlockAndSingleBody) {
  EXPECT_EQ(classify_delivery(times(0, 0, 0), counted(5)), Delivery::unknown);  // no text arrived
  EXPECT_EQ(classify_delivery(times(50, 50, 200), counted(50)), Delivery::token_stream);
  EXPECT_EQ(classify_delivery(times(8, 8, 800), counted(200)), Delivery::block_stream);
  EXPECT_EQ(classify_delivery(times(1, 1, 500), counted(128)), Delivery::single_body);
  // Events that arrived together count once: 40 events in 2 reads of 400 bytes each.
  EXPECT_EQ(classify_delivery(times(40, 2, 800), counted(200)), Delivery::block_stream);
}

TEST(ClassifyDelivery, AFewTokensPerArrivalAreStillATokenStream) {
  // Speculative decoding or a late read: 3 tokens and 12 bytes per arrival.
  EXPECT_EQ(classify_delivery(times(100, 100, 1200), counted(300)), Delivery::token_stream);
  // 4 tokens per arrival is the limit; 40 bytes per arrival alone do not make a block.
  EXPECT_EQ(classify_delivery(times(10, 10, 400), counted(40)), Delivery::token_stream);
  // gpt-oss's hidden channel tokens count without text: "42" in one chunk, 6 tokens.
  EXPECT_EQ(classify_delivery(times(1, 1, 2), counted(6)), Delivery::token_stream);
  EXPECT_EQ(classify_delivery(times(2, 2, 8), counted(12)), Delivery::token_stream);
}

TEST(ClassifyDelivery, WithoutAServerCountTheBytesDecide) {
  EXPECT_EQ(classify_delivery(times(10, 10, 400), k_no_count), Delivery::block_stream);
  EXPECT_EQ(classify_delivery(times(10, 10, 60), k_no_count), Delivery::token_stream);
  EXPECT_EQ(classify_delivery(times(1, 1, 300), k_no_count), Delivery::single_body);
  EXPECT_EQ(classify_delivery(times(1, 1, 5), k_no_count), Delivery::token_stream);
  TokenCounts estimated = counted(10);
  estimated.completion_estimated = true;  // the client's count is no evidence
  EXPECT_EQ(classify_delivery(times(10, 10, 400), estimated), Delivery::block_stream);
}

TEST(ClassifyDelivery, RecordsWithoutBytesOrArrivalsUseTheCountPerChunk) {
  EXPECT_EQ(classify_delivery(times(10, 0, 0), counted(100)), Delivery::block_stream);
  EXPECT_EQ(classify_delivery(times(10, 0, 0), counted(12)), Delivery::token_stream);
  EXPECT_EQ(classify_delivery(times(1, 0, 0), counted(128)), Delivery::single_body);
  EXPECT_EQ(classify_delivery(times(10, 0, 0), k_no_count), Delivery::token_stream);
}

TEST(ComputeMetrics, PerTokenFiguresForTokenStreamsEffectiveRateForTheOthers) {
  StreamTimes t = times(51, 51, 200);
  t.first_token = 0.5;
  t.last_token = 1.5;
  Metrics token = compute_metrics(t, counted(51));
  EXPECT_EQ(token.delivery, Delivery::token_stream);
  ASSERT_TRUE(token.decode_tps);
  EXPECT_DOUBLE_EQ(*token.decode_tps, 50.0);  // (51 - 1) / (1.5 - 0.5)
  EXPECT_FALSE(token.effective_tps);

  t = times(4, 4, 400);
  t.first_token = 0.5;
  t.last_token = 2.0;
  const Metrics block = compute_metrics(t, counted(100));
  EXPECT_EQ(block.delivery, Delivery::block_stream);
  EXPECT_FALSE(block.decode_tps);
  ASSERT_TRUE(block.effective_tps);
  EXPECT_DOUBLE_EQ(*block.effective_tps, 50.0);  // 100 / 2.0
  EXPECT_EQ(block.ttft_s, 0.5);                  // kept: the time to first text
}

// ---- the OpenAI decoder ----

TEST(OpenAiDelivery, CapturedStreamReadEventByEventIsATokenStream) {
  for (const char* name : {"stream-usage.sse", "stream-no-usage.sse", "stream-code-block.sse"}) {
    Completion c;
    OpenAiStreamDecoder decoder(c);
    double t = 0.1;
    for (const std::string& event : events_of(read_capture(name))) decoder.feed(event, t += 0.01);
    decoder.finish(t + 0.01);
    ASSERT_TRUE(c.ok()) << name << ": " << c.error.message;
    EXPECT_EQ(c.metrics.delivery, Delivery::token_stream) << name;
    EXPECT_EQ(c.times.text_arrivals, c.times.token_chunks) << name;
    EXPECT_TRUE(c.metrics.decode_tps) << name;
    EXPECT_FALSE(c.metrics.effective_tps) << name;
  }
}

TEST(OpenAiDelivery, CapturedStreamReadAtOnceIsASingleBody) {
  // A proxy that buffers the whole stream: every event reaches the client in one read.
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(read_capture("stream-usage.sse"), 0.5);
  decoder.finish(0.6);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.times.text_arrivals, 1);
  EXPECT_GT(c.times.token_chunks, 10);
  EXPECT_EQ(c.metrics.delivery, Delivery::single_body);
  EXPECT_FALSE(c.metrics.decode_tps);
  ASSERT_TRUE(c.metrics.effective_tps && c.tokens.completion);
  EXPECT_DOUBLE_EQ(*c.metrics.effective_tps, static_cast<double>(*c.tokens.completion) / 0.5);
}

TEST(OpenAiDelivery, ReadsWithinAMillisecondAreOneArrival) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(content_event("alpha "), 0.1000);
  decoder.feed(content_event("beta "), 0.1004);
  decoder.feed(content_event("gamma "), 0.1008);  // 0.4 ms after the previous one
  decoder.feed(content_event("delta"), 0.2);
  decoder.feed(finish_event(4), 0.2);
  decoder.finish(0.2);
  EXPECT_EQ(c.times.token_chunks, 4);
  EXPECT_EQ(c.times.text_arrivals, 2);
  EXPECT_EQ(c.times.text_bytes, 22);
}

TEST(OpenAiDelivery, BlocksOfManyTokens) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  const std::string block(60, 'x');
  for (int i = 1; i <= 4; ++i) decoder.feed(content_event(block), 0.2 * i);
  decoder.feed(finish_event(60), 0.8);
  decoder.finish(0.8);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.metrics.delivery, Delivery::block_stream);
  EXPECT_EQ(c.metrics.ttft_s, 0.2);
  EXPECT_FALSE(c.metrics.decode_tps);
  ASSERT_TRUE(c.metrics.effective_tps);
  EXPECT_DOUBLE_EQ(*c.metrics.effective_tps, 75.0);  // 60 tokens / 0.8 s
}

TEST(OpenAiDelivery, BlocksWithoutUsageAreCountedFromTheirBytes) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  const std::string block(60, 'x');
  for (int i = 1; i <= 4; ++i) decoder.feed(content_event(block), 0.2 * i);
  decoder.feed(finish_event(std::nullopt), 0.8);
  decoder.finish(0.8);
  EXPECT_EQ(c.metrics.delivery, Delivery::block_stream);
  EXPECT_TRUE(c.tokens.completion_estimated);
  EXPECT_EQ(c.tokens.completion, 60);  // 240 bytes / 4, not the 4 chunks
  ASSERT_TRUE(c.metrics.effective_tps);
  EXPECT_DOUBLE_EQ(*c.metrics.effective_tps, 75.0);
}

TEST(OpenAiDelivery, PlainJsonBodyForAStreamRequestIsOneAnswer) {
  // A server that ignored stream:true: the chat.completion object, in three reads.
  const std::string body = "\n  " + read_capture("nonstream.json");
  Completion c;
  OpenAiStreamDecoder decoder(c);
  const std::size_t third = body.size() / 3;
  decoder.feed(body.substr(0, third), 0.1);
  decoder.feed(body.substr(third, third), 0.2);
  decoder.feed(body.substr(2 * third), 0.3);
  decoder.finish(0.31);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_THAT(c.answer, HasSubstr("100,000 people"));
  EXPECT_EQ(c.stop_reason, StopReason::stop);
  EXPECT_EQ(c.tokens.completion, 128);
  EXPECT_EQ(c.server_timings.at("predicted_n"), 128);
  EXPECT_EQ(c.metrics.ttft_s, 0.3);  // the text arrived with the body's last byte
  EXPECT_EQ(c.metrics.delivery, Delivery::single_body);
  ASSERT_TRUE(c.metrics.effective_tps);
  EXPECT_DOUBLE_EQ(*c.metrics.effective_tps, 128 / 0.3);
}

TEST(OpenAiDelivery, WholeJsonBodyWithoutFinishReasonIsComplete) {
  Completion c;
  OpenAiStreamDecoder decoder(c);
  decoder.feed(R"({"choices":[{"index":0,"message":{"role":"assistant","content":"Tokyo is the capital."}}]})", 0.4);
  decoder.finish(0.4);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "Tokyo is the capital.");
  EXPECT_EQ(c.metrics.delivery, Delivery::single_body);
}

TEST(OpenAiDelivery, JsonBodiesThatAreNotAnswersAreErrors) {
  const auto decode = [](std::string_view body) {
    Completion c;
    OpenAiStreamDecoder decoder(c);
    decoder.feed(body, 0.2);
    decoder.finish(0.2);
    return c;
  };
  const Completion error = decode(R"({"error":{"code":500,"message":"model crashed","type":"server_error"}})");
  EXPECT_EQ(error.error.kind, ErrorKind::stream_error);
  EXPECT_THAT(error.error.message, HasSubstr("model crashed"));

  const Completion other = decode(R"({"object":"list","data":[]})");
  EXPECT_EQ(other.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(other.error.message, HasSubstr("not a chat completion"));
  EXPECT_THAT(other.error.message, HasSubstr("\"object\""));

  const Completion broken = decode(R"({"choices":[{"message":{"content":"cut)");
  EXPECT_EQ(broken.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(broken.error.message, HasSubstr("reply body"));
}

// ---- Ollama ----

TEST(OllamaDelivery, LinesOfManyTokensAreABlockStream) {
  Completion c;
  OllamaStreamDecoder decoder(c);
  const auto line = [](std::string_view text) {
    return nlohmann::json{{"model", "m"}, {"message", {{"role", "assistant"}, {"content", text}}}, {"done", false}}.dump() + "\n";
  };
  const std::string block(80, 'y');
  decoder.feed(line(block), 0.3);
  decoder.feed(line(block), 0.6);
  decoder.feed(R"({"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":40,"prompt_eval_count":5})"
               "\n",
               0.6);
  decoder.finish(0.6);
  ASSERT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.metrics.delivery, Delivery::block_stream);
  ASSERT_TRUE(c.metrics.effective_tps);
  EXPECT_DOUBLE_EQ(*c.metrics.effective_tps, 40 / 0.6);
  EXPECT_FALSE(c.metrics.decode_tps);
}

// ---- stored, aggregated, reported ----

Completion shaped(Delivery delivery, double first, double last, std::int64_t tokens) {
  Completion c;
  c.answer = "answer";
  c.stop_reason = StopReason::stop;
  const bool per_token = delivery == Delivery::token_stream;
  c.times = times(per_token ? tokens : 4, per_token ? tokens : 4, per_token ? tokens * 4 : 400);
  if (delivery == Delivery::single_body) c.times = times(1, 1, 400);
  c.times.first_token = first;
  c.times.first_answer_token = first;
  c.times.last_token = last;
  c.times.end = last;
  c.tokens = counted(tokens);
  finalise_metrics(c);
  EXPECT_EQ(c.metrics.delivery, delivery);
  return c;
}

TEST(DeliveryJson, WrittenAndReadBack) {
  const Completion block = shaped(Delivery::block_stream, 0.4, 2.0, 100);
  const nlohmann::json j = completion_to_json(block);
  EXPECT_EQ(j["client"]["delivery"], "block_stream");
  EXPECT_DOUBLE_EQ(j["client"]["effective_tps"].get<double>(), 50.0);
  EXPECT_EQ(j["client"]["text_arrivals"], 4);
  EXPECT_EQ(j["client"]["text_bytes"], 400);
  const Completion back = completion_from_json(j);
  EXPECT_EQ(back.metrics.delivery, Delivery::block_stream);
  EXPECT_EQ(back.metrics.effective_tps, block.metrics.effective_tps);
  EXPECT_EQ(back.times.text_arrivals, 4);

  // A record from before the shape was written: classified from its counts.
  nlohmann::json old = j;
  for (const char* key : {"delivery", "text_bytes", "text_arrivals", "effective_tps"}) old["client"].erase(key);
  EXPECT_EQ(completion_from_json(old).metrics.delivery, Delivery::block_stream);  // 100 tokens in 4 chunks
}

TEST(DeliveryStats, TheKindsNeverShareAPercentile) {
  RunStats s;
  s.add(figures_of(Verdict::pass, shaped(Delivery::token_stream, 0.2, 1.2, 101)));
  s.add(figures_of(Verdict::fail, shaped(Delivery::block_stream, 0.5, 2.0, 100)));
  s.add(figures_of(Verdict::pass, shaped(Delivery::single_body, 1.0, 1.0, 50)));
  s.add(figures_of(Verdict::error, shaped(Delivery::block_stream, 9.0, 9.0, 100)));  // errors say nothing
  EXPECT_EQ(s.token_stream_runs, 1);
  EXPECT_EQ(s.block_stream_runs, 1);
  EXPECT_EQ(s.single_body_runs, 1);
  EXPECT_EQ(s.not_token_streamed(), 2);
  EXPECT_EQ(s.ttft_s.values(), std::vector<double>{0.2});
  EXPECT_EQ(s.decode_tps.values(), std::vector<double>{100.0});
  EXPECT_EQ(s.first_text_s.values(), (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(s.effective_tps.values(), (std::vector<double>{50.0, 50.0}));
  EXPECT_EQ(s.e2e_s.size(), 3U);  // e2e means the same for every shape
}

class DeliveryReports : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"streamer", "diffuser"}) {
      ModelSpec m;
      m.name = name;
      m.model = name;
      m.base_url = "http://127.0.0.1:1/v1";
      m_models.push_back(m);
    }
    TaskSpec t;
    t.suite = "mini";
    t.name = "capital";
    m_tasks = {t};
    m_plan.models = &m_models;
    m_plan.tasks = &m_tasks;
    m_plan.total_runs = 2;
    m_runs.push_back(run(0, shaped(Delivery::token_stream, 0.2, 1.2, 101)));
    m_runs.push_back(run(1, shaped(Delivery::block_stream, 0.5, 2.0, 100)));
  }

  RunRecord run(std::size_t model, Completion c) const {
    RunRecord r;
    r.model = &m_models[model];
    r.task = &m_tasks[0];
    r.verdict = Verdict::pass;
    r.completion = std::move(c);
    return r;
  }

  void fire(Reporter& reporter, StatsCollector* stats = nullptr) {
    reporter.on_plan(m_plan);
    for (const RunRecord& r : m_runs) {
      reporter.on_run_start(*r.model, *r.task, r.sample);
      if (stats) stats->add(r);
      reporter.on_run_end(r);
    }
    reporter.on_finish(false);
  }

  std::vector<ModelSpec> m_models;
  std::vector<TaskSpec> m_tasks;
  Plan m_plan;
  std::vector<RunRecord> m_runs;
};

std::string line_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) return line;
  return "";
}

TEST_F(DeliveryReports, ConsoleLabelsTimeToFirstTextAndTheEffectiveRate) {
  StatsCollector stats;
  std::ostringstream out;
  const auto console = make_console_reporter(out, stats, {false, true});
  fire(*console, &stats);
  const std::string text = out.str();
  EXPECT_THAT(line_with(text, "[       OK ] diffuser"), HasSubstr("first text 0.50 s, effective 50.0 tok/s, block stream"));
  EXPECT_THAT(line_with(text, "[       OK ] streamer"), HasSubstr("TTFT 0.20 s, 100.0 tok/s"));
  // The summary row: the diffuser's figures marked, the streamer's not.
  const std::string diffuser_row = line_with(text, "diffuser  ");
  EXPECT_THAT(diffuser_row, HasSubstr("0.50 s†"));
  EXPECT_THAT(diffuser_row, HasSubstr("50.0 tok/s†"));
  EXPECT_THAT(line_with(text, "streamer  "), Not(HasSubstr("†")));
  EXPECT_THAT(text, HasSubstr("diffuser: 1 of 1 runs block stream · time to first text p50 0.50 s · effective rate p50 50.0 tok/s"));
  EXPECT_THAT(text, Not(HasSubstr("streamer: 1 of 1")));
}

TEST_F(DeliveryReports, ResultsFileCountsEachShape) {
  StatsCollector stats;
  for (const RunRecord& r : m_runs) stats.add(r);
  const nlohmann::json diffuser = to_json(stats.models().at("diffuser").all);
  EXPECT_EQ(diffuser["delivery"]["block_stream_runs"], 1);
  EXPECT_EQ(diffuser["delivery"]["token_stream_runs"], 0);
  EXPECT_EQ(diffuser["delivery"]["effective_rate"]["p50"], 50.0);
  EXPECT_EQ(diffuser["delivery"]["first_text"]["p50"], 0.5);
  EXPECT_TRUE(diffuser["ttft_p50_s"].is_null());
  EXPECT_TRUE(diffuser["decode_tps_p50"].is_null());
  const nlohmann::json streamer = to_json(stats.models().at("streamer").all);
  EXPECT_EQ(streamer["delivery"]["token_stream_runs"], 1);
  EXPECT_EQ(streamer["ttft_p50_s"], 0.2);
}

TEST_F(DeliveryReports, JUnitNamesTheFiguresOfEachShape) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("goodput-delivery-junit-" + std::to_string(::getpid()) + ".xml");
  {
    const auto junit = make_junit_reporter(path.string());
    fire(*junit);
  }
  std::ifstream in(path);
  std::ostringstream xml;
  xml << in.rdbuf();
  std::filesystem::remove(path);
  const std::string text = xml.str();
  const std::size_t diffuser = text.find("diffuser");
  ASSERT_NE(diffuser, std::string::npos) << text;
  const std::string diffuser_part = text.substr(diffuser);
  const std::string streamer_part = text.substr(0, diffuser);
  EXPECT_THAT(diffuser_part, HasSubstr(R"(<property name="first_text_s" value="0.5")"));
  EXPECT_THAT(diffuser_part, HasSubstr(R"(<property name="effective_tps" value="50")"));
  EXPECT_THAT(diffuser_part, HasSubstr(R"(<property name="delivery" value="block_stream")"));
  EXPECT_THAT(diffuser_part, Not(HasSubstr(R"(name="ttft_s")")));
  EXPECT_THAT(streamer_part, HasSubstr(R"(<property name="ttft_s" value="0.2")"));
  EXPECT_THAT(streamer_part, HasSubstr(R"(<property name="delivery" value="token_stream")"));
}

TEST(DeliveryCompare, EachSideSaysHowItsTextArrived) {
  const auto side = [](const std::string& model, Delivery delivery) {
    RunSet s;
    s.label = model;
    s.model = model;
    s.tasks["t"] = {{"system", ""}, {"prompt", "p"}, {"params", nlohmann::json::object()}};
    for (int i = 0; i < 3; ++i) {
      StoredRun r;
      r.key = {model, "t", i};
      r.verdict = Verdict::pass;
      r.completion = shaped(delivery, 0.5, 2.0, delivery == Delivery::token_stream ? 151 : 100);
      s.runs.push_back(r);
    }
    return s;
  };
  const Comparison c = compare_runs(side("ar", Delivery::token_stream), side("diff", Delivery::block_stream));
  std::ostringstream out;
  print_comparison(c, out);
  EXPECT_THAT(line_with(out.str(), "delivery"),
              HasSubstr("token stream -> 3 of 3 runs block stream · time to first text p50 0.500 s · effective rate p50 50.0 tok/s"))
      << out.str();
  const nlohmann::json j = comparison_json(c);
  EXPECT_EQ(j["overall"]["candidate"]["delivery"]["block_stream_runs"], 3);
  EXPECT_EQ(j["overall"]["baseline"]["delivery"]["token_stream_runs"], 3);

  // Both sides streaming tokens: no delivery line.
  std::ostringstream same;
  print_comparison(compare_runs(side("ar", Delivery::token_stream), side("ar2", Delivery::token_stream)), same);
  EXPECT_EQ(line_with(same.str(), "delivery"), "");
}

}  // namespace
}  // namespace delivery_shape_test
