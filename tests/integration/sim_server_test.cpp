// SPDX-License-Identifier: MIT
// The simulated endpoint over real HTTP (libcurl, as goodput's providers use it): wire shape
// as in captures/llama-server, faults, concurrency, stop(), and timing against the schedule.
// Timing tolerances are wide on purpose (shared 2-core machines); exact figures belong in
// benchmarks.
#include "goodput/sim_server.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <curl/curl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace goodput::sim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Event {
  double at_s = 0;  // since the request was sent
  std::string text;  // one SSE event, without its blank-line terminator
};

struct HttpResult {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::vector<Event> events;  // body split on blank lines, stamped on arrival
  std::string rest;           // bytes after the last blank line
};

struct Transfer {
  Clock::time_point t0;
  HttpResult* result = nullptr;
  std::size_t abort_after_events = 0;  // 0 = read everything
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  HttpResult& r = *transfer->result;
  const std::size_t n = size * count;
  r.body.append(data, n);
  r.rest.append(data, n);
  for (std::size_t end; (end = r.rest.find("\n\n")) != std::string::npos;) {
    r.events.push_back({seconds_since(transfer->t0), r.rest.substr(0, end)});
    r.rest.erase(0, end + 2);
  }
  if (transfer->abort_after_events > 0 && r.events.size() >= transfer->abort_after_events) return 0;
  return n;
}

HttpResult request(const std::string& url, const std::string& body = "", const std::string& api_key = "",
                   std::size_t abort_after_events = 0) {
  HttpResult result;
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!api_key.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + api_key).c_str());
  Transfer transfer{Clock::now(), &result, abort_after_events};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (!body.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  transfer.t0 = Clock::now();
  result.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

std::string chat_body(const std::string& model, const std::string& prompt, bool stream, Json extra = Json::object()) {
  Json body = {{"model", model},
               {"messages", Json::array({{{"role", "system"}, {"content", "Be brief."}},
                                         {{"role", "user"}, {"content", prompt}}})},
               {"stream", stream}};
  body.update(extra);
  return body.dump();
}

Json data_of(const Event& e) {
  EXPECT_THAT(e.text, StartsWith("data: "));
  return Json::parse(e.text.substr(6));
}

SimAnswer answer(std::string match, std::string text, std::string reasoning = "", SimFault fault = {}) {
  SimAnswer a;
  a.match = std::move(match);
  a.text = std::move(text);
  a.reasoning = std::move(reasoning);
  a.fault = std::move(fault);
  return a;
}

SimProfile profile(std::string id, double ttft_ms, double tps, std::vector<SimAnswer> answers) {
  SimProfile p;
  p.id = std::move(id);
  p.ttft_ms = ttft_ms;
  p.tokens_per_second = tps;
  p.answers = std::move(answers);
  return p;
}

// n simulator tokens: "w", " w", " w"...
std::string words(std::size_t n) {
  std::string text = "w";
  for (std::size_t i = 1; i < n; ++i) text += " w";
  return text;
}

const std::string k_text = "Herd immunity needs 60%, so 100,000 more people.";
const std::string k_reasoning = "1 - 1/2.5 = 0.6";

SimConfig test_config() {
  SimConfig config;
  config.profiles.push_back(profile("quick", 20, 500,
                                    {answer("reason", k_text, k_reasoning),
                                     answer("error", "one two three four five", "", {"error", 3, 0}),
                                     answer("old", "one two three four five", "", {"old-error", 3, 0}),
                                     answer("drop", "one two three four five", "", {"disconnect", 3, 0}),
                                     answer("loading", "never", "", {"http-503", 0, 0}),
                                     answer("stall", "one two three four five six", "", {"stall", 3, 300}),
                                     answer("plain", k_text)}));
  config.profiles.push_back(profile("timed", 200, 50, {answer("", words(30))}));
  config.profiles.push_back(profile("slow", 10, 10, {answer("", words(2000))}));
  return config;
}

class SimServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  void SetUp() override {
    m_server = std::make_unique<SimServer>(test_config());
    const int port = m_server->start();
    ASSERT_GT(port, 0);
    m_base = m_server->base_url();
    ASSERT_EQ(m_base, "http://127.0.0.1:" + std::to_string(port) + "/v1");
  }
  void TearDown() override { m_server->stop(); }

  HttpResult chat(const std::string& model, const std::string& prompt, bool stream, Json extra = Json::object()) {
    return request(m_base + "/chat/completions", chat_body(model, prompt, stream, std::move(extra)));
  }

  std::unique_ptr<SimServer> m_server;
  std::string m_base;
};

TEST_F(SimServerTest, HealthAndModels) {
  HttpResult health = request(m_base.substr(0, m_base.size() - 3) + "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");

  HttpResult models = request(m_base + "/models");
  ASSERT_EQ(models.status, 200);
  const Json body = Json::parse(models.body);
  EXPECT_EQ(body["object"], "list");
  ASSERT_EQ(body["data"].size(), 3U);
  EXPECT_EQ(body["data"][0]["id"], "quick");
  EXPECT_EQ(body["data"][0]["object"], "model");
  EXPECT_EQ(body["data"][0]["owned_by"], "goodput-sim");
  EXPECT_EQ(body["data"][2]["id"], "slow");
}

TEST_F(SimServerTest, StreamWithUsageHasLlamaCppShape) {
  const HttpResult r = chat("quick", "reason it out", true, {{"stream_options", {{"include_usage", true}}}});
  ASSERT_EQ(r.code, CURLE_OK);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.rest, "");
  const auto reasoning = sim_tokenize(k_reasoning);
  const auto text = sim_tokenize(k_text);
  // role, tokens, finish, usage, [DONE]
  ASSERT_EQ(r.events.size(), 1 + reasoning.size() + text.size() + 3);

  // Field order as llama.cpp writes it (captures/llama-server/stream-usage.sse).
  EXPECT_THAT(r.events[0].text,
              StartsWith(R"(data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":)"));
  const Json role = data_of(r.events[0]);
  const std::string id = role["id"];
  EXPECT_THAT(id, StartsWith("chatcmpl-"));
  EXPECT_EQ(role["model"], "quick");
  EXPECT_EQ(role["system_fingerprint"], "b0000-goodputsim");
  EXPECT_EQ(role["object"], "chat.completion.chunk");
  EXPECT_THAT(r.events[1].text, HasSubstr(R"(,"id":")" + id + R"(","model":"quick","system_fingerprint":"b0000-goodputsim","object":"chat.completion.chunk"})"));

  std::size_t i = 1;
  for (const std::string& token : reasoning) {
    const Json chunk = data_of(r.events[i++]);
    EXPECT_EQ(chunk["choices"][0]["delta"], Json({{"reasoning_content", token}}));
    EXPECT_TRUE(chunk["choices"][0]["finish_reason"].is_null());
    EXPECT_EQ(chunk["id"], id);
    EXPECT_EQ(chunk["created"], role["created"]);
  }
  std::string content;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const Json chunk = data_of(r.events[i++]);
    ASSERT_EQ(chunk["choices"][0]["delta"].size(), 1U);
    content += chunk["choices"][0]["delta"]["content"].get<std::string>();
    EXPECT_FALSE(chunk.contains("timings"));
  }
  EXPECT_EQ(content, k_text);

  EXPECT_THAT(r.events[i].text, StartsWith(R"(data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":)"));
  const Json finish = data_of(r.events[i++]);
  EXPECT_FALSE(finish.contains("timings"));  // it rides on the usage chunk
  EXPECT_FALSE(finish.contains("usage"));

  EXPECT_THAT(r.events[i].text, StartsWith(R"(data: {"choices":[],"created":)"));
  EXPECT_THAT(r.events[i].text, HasSubstr(R"("object":"chat.completion.chunk","usage":{"completion_tokens":)"));
  EXPECT_THAT(r.events[i].text, HasSubstr(R"("prompt_tokens_details":{"cached_tokens":0}},"timings":{"cache_n":0,"prompt_n":)"));
  const Json usage_chunk = data_of(r.events[i++]);
  const std::size_t prompt_tokens = sim_tokenize("Be brief.").size() + sim_tokenize("reason it out").size();
  EXPECT_EQ(usage_chunk["usage"]["completion_tokens"], reasoning.size() + text.size());
  EXPECT_EQ(usage_chunk["usage"]["prompt_tokens"], prompt_tokens);
  EXPECT_EQ(usage_chunk["usage"]["total_tokens"], reasoning.size() + text.size() + prompt_tokens);
  const Json& timings = usage_chunk["timings"];
  std::vector<std::string> keys;
  for (const auto& item : timings.items()) keys.push_back(item.key());
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre("cache_n", "prompt_n", "prompt_ms", "prompt_per_token_ms",
                                                    "prompt_per_second", "predicted_n", "predicted_ms",
                                                    "predicted_per_token_ms", "predicted_per_second"));
  EXPECT_THAT(r.events[i - 1].text, HasSubstr(R"("predicted_n":)" + std::to_string(reasoning.size() + text.size()) +
                                              R"(,"predicted_ms":)"));
  EXPECT_EQ(timings["prompt_n"], prompt_tokens);
  EXPECT_GE(timings["prompt_ms"].get<double>(), 19.0);
  const double predicted_ms = timings["predicted_ms"];
  EXPECT_NEAR(timings["predicted_per_second"].get<double>(),
              1e3 / predicted_ms * static_cast<double>(reasoning.size() + text.size()), 1e-6);

  EXPECT_EQ(r.events[i].text, "data: [DONE]");
  EXPECT_EQ(i + 1, r.events.size());
}

TEST_F(SimServerTest, StreamWithoutUsagePutsTimingsOnTheFinishChunk) {
  const HttpResult r = chat("quick", "plain please", true);
  ASSERT_EQ(r.status, 200);
  ASSERT_GE(r.events.size(), 3U);
  EXPECT_EQ(r.events.back().text, "data: [DONE]");
  const Json finish = data_of(r.events[r.events.size() - 2]);
  EXPECT_EQ(finish["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(finish["choices"][0]["delta"], Json::object());
  ASSERT_TRUE(finish.contains("timings"));
  EXPECT_EQ(finish["timings"]["predicted_n"], sim_tokenize(k_text).size());
  for (const Event& e : r.events) EXPECT_THAT(e.text, ::testing::Not(HasSubstr("\"usage\"")));
}

TEST_F(SimServerTest, TokenLimitCutsWithLength) {
  const auto tokens_and_finish = [&](Json extra) {
    const HttpResult r = chat("quick", "plain", true, std::move(extra));
    std::size_t tokens = 0;
    std::string finish;
    for (const Event& e : r.events) {
      if (e.text == "data: [DONE]") continue;
      const Json chunk = data_of(e);
      if (chunk["choices"].empty()) continue;
      if (chunk["choices"][0]["delta"].contains("content") && chunk["choices"][0]["delta"]["content"].is_string())
        ++tokens;
      if (chunk["choices"][0]["finish_reason"].is_string()) finish = chunk["choices"][0]["finish_reason"];
    }
    return std::make_pair(tokens, finish);
  };
  EXPECT_EQ(tokens_and_finish({{"max_tokens", 3}}), std::make_pair(std::size_t{3}, std::string("length")));
  EXPECT_EQ(tokens_and_finish({{"max_tokens", 5}, {"max_completion_tokens", 4}}),
            std::make_pair(std::size_t{4}, std::string("length")));
  EXPECT_EQ(tokens_and_finish({{"max_tokens", 5}, {"max_completion_tokens", 4}, {"n_predict", 2}}),
            std::make_pair(std::size_t{2}, std::string("length")));
  EXPECT_EQ(tokens_and_finish({{"max_tokens", 1000}}), std::make_pair(sim_tokenize(k_text).size(), std::string("stop")));
  EXPECT_EQ(tokens_and_finish({{"max_tokens", 5}, {"n_predict", -1}}),
            std::make_pair(sim_tokenize(k_text).size(), std::string("stop")));
}

TEST_F(SimServerTest, NonStreamBodyMatchesLlamaCpp) {
  const HttpResult r = chat("quick", "reason", false, {{"max_tokens", 1000}});
  ASSERT_EQ(r.status, 200);
  // Field order of captures/llama-server/nonstream.json.
  EXPECT_THAT(r.body, StartsWith(R"({"choices":[{"finish_reason":"stop","index":0,"message":{"role":"assistant","content":")"));
  EXPECT_THAT(r.body, HasSubstr(R"("object":"chat.completion","usage":{"completion_tokens":)"));
  EXPECT_THAT(r.body, HasSubstr(R"(,"id":"chatcmpl-)"));
  const Json body = Json::parse(r.body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], k_text);
  EXPECT_EQ(body["choices"][0]["message"]["reasoning_content"], k_reasoning);
  EXPECT_EQ(body["usage"]["completion_tokens"], sim_tokenize(k_text).size() + sim_tokenize(k_reasoning).size());
  EXPECT_EQ(body["timings"]["cache_n"], 0);
  EXPECT_EQ(body["model"], "quick");

  const Json plain = Json::parse(chat("quick", "plain", false).body);
  EXPECT_FALSE(plain["choices"][0]["message"].contains("reasoning_content"));
}

TEST_F(SimServerTest, UnmatchedPromptGetsTheFallbackText) {
  const Json body = Json::parse(chat("quick", "nothing scripted here", false).body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "(goodput sim: no scripted answer for this prompt)");
}

TEST_F(SimServerTest, RequestErrorsAsLlamaCpp) {
  const HttpResult unknown = chat("nope", "hi", true);
  EXPECT_EQ(unknown.status, 404);
  const Json error = Json::parse(unknown.body)["error"];
  EXPECT_EQ(error["code"], 404);
  EXPECT_EQ(error["type"], "not_found_error");
  EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("quick, timed, slow"));

  const HttpResult bad_json = request(m_base + "/chat/completions", R"({"model":"quick",)");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(Json::parse(bad_json.body)["error"]["type"], "invalid_request_error");

  const HttpResult no_messages = request(m_base + "/chat/completions", R"({"model":"quick"})");
  EXPECT_EQ(no_messages.status, 400);
  EXPECT_THAT(no_messages.body, HasSubstr("'messages' is required"));

  const HttpResult no_route = request(m_base + "/nothing");
  EXPECT_EQ(no_route.status, 404);
  EXPECT_EQ(Json::parse(no_route.body)["error"]["type"], "not_found_error");
}

TEST(SimServerAuth, BearerKeyIsRequiredForChatOnly) {
  SimServer server(test_config(), "s3cret");
  server.start();
  const std::string url = server.base_url() + "/chat/completions";
  const std::string body = chat_body("quick", "plain", false);
  const HttpResult none = request(url, body);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Json::parse(none.body)["error"]["type"], "authentication_error");
  EXPECT_EQ(request(url, body, "wrong").status, 401);
  EXPECT_EQ(request(url, body, "s3cret").status, 200);
  EXPECT_EQ(request(server.base_url() + "/models").status, 200);
  server.stop();
}

TEST_F(SimServerTest, ErrorFaultEndsWithAnErrorEventAndNoDone) {
  const HttpResult r = chat("quick", "error", true);
  EXPECT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(r.events.size(), 5U);  // role, 3 tokens, error
  EXPECT_EQ(r.events.back().text,
            R"(data: {"error":{"code":500,"message":"goodput sim: scripted error after 3 tokens","type":"server_error"}})");
  EXPECT_EQ(r.rest, "");
}

TEST_F(SimServerTest, OldErrorFaultSendsAnErrorFieldThenDone) {
  const HttpResult r = chat("quick", "old", true);
  EXPECT_EQ(r.code, CURLE_OK);
  ASSERT_EQ(r.events.size(), 6U);  // role, 3 tokens, error:, [DONE]
  EXPECT_EQ(r.events[4].text, R"(error: {"code":500,"message":"goodput sim: scripted error after 3 tokens","type":"server_error"})");
  EXPECT_EQ(r.events[5].text, "data: [DONE]");
}

TEST_F(SimServerTest, DisconnectFaultDropsTheConnection) {
  const HttpResult r = chat("quick", "drop", true);
  EXPECT_TRUE(r.code == CURLE_PARTIAL_FILE || r.code == CURLE_RECV_ERROR) << curl_easy_strerror(r.code);
  ASSERT_EQ(r.events.size(), 4U);  // role, 3 tokens; no finish chunk, no [DONE]
  EXPECT_EQ(data_of(r.events[3])["choices"][0]["delta"]["content"], " three");

  const HttpResult plain = chat("quick", "drop", false);
  EXPECT_NE(plain.code, CURLE_OK);
}

TEST_F(SimServerTest, Http503FaultAnswersBeforeStreaming) {
  const HttpResult r = chat("quick", "loading", true);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"error":{"code":503,"message":"Loading model","type":"unavailable_error"}})");
}

TEST_F(SimServerTest, StallFaultPausesThenContinues) {
  const HttpResult r = chat("quick", "stall", true);
  ASSERT_EQ(r.code, CURLE_OK);
  ASSERT_EQ(r.events.back().text, "data: [DONE]");
  // Events: role, one, " two", " three", (stall) " four"...
  const double gap = r.events[4].at_s - r.events[3].at_s;
  EXPECT_GE(gap, 0.25);
  EXPECT_LT(gap, 0.6);
  EXPECT_LT(r.events[5].at_s - r.events[4].at_s, 0.1);
}

TEST_F(SimServerTest, TimingFollowsTheSchedule) {
  // timed: TTFT 200 ms, then 50 tok/s over 30 tokens (580 ms from first to last token).
  const HttpResult r = chat("timed", "go", true, {{"stream_options", {{"include_usage", true}}}});
  ASSERT_EQ(r.status, 200);
  std::vector<double> token_times;
  for (const Event& e : r.events) {
    if (e.text.find("\"content\":\"") != std::string::npos) token_times.push_back(e.at_s);
  }
  ASSERT_EQ(token_times.size(), 30U);
  const double ttft = token_times.front();
  const double rate = 29.0 / (token_times.back() - token_times.front());
  RecordProperty("measured_ttft_ms", std::to_string(ttft * 1e3));
  RecordProperty("measured_tokens_per_second", std::to_string(rate));
  EXPECT_NEAR(ttft, 0.200, 0.050);
  EXPECT_NEAR(rate, 50.0, 50.0 * 0.15);

  const Json timings = data_of(r.events[r.events.size() - 2])["timings"];
  EXPECT_NEAR(timings["prompt_ms"].get<double>(), 200.0, 50.0);
  EXPECT_NEAR(timings["predicted_ms"].get<double>(), 580.0, 580.0 * 0.15);
}

TEST_F(SimServerTest, ConcurrentStreamsAreServedTogether) {
  // Each stream takes 200 ms + 29 * 20 ms = 0.78 s; served one after the other they would
  // need 1.56 s.
  HttpResult a;
  HttpResult b;
  const Clock::time_point t0 = Clock::now();
  std::thread first([&] { a = chat("timed", "one", true); });
  std::thread second([&] { b = chat("timed", "two", true); });
  first.join();
  second.join();
  const double elapsed = seconds_since(t0);
  EXPECT_EQ(a.events.back().text, "data: [DONE]");
  EXPECT_EQ(b.events.back().text, "data: [DONE]");
  EXPECT_LT(elapsed, 1.3);
}

TEST_F(SimServerTest, ClientThatLeavesMidStreamDoesNotHurtTheServer) {
  const HttpResult gone = request(m_base + "/chat/completions", chat_body("slow", "x", true), "", 3);
  EXPECT_EQ(gone.code, CURLE_WRITE_ERROR);
  // The abandoned stream's thread notices at its next write; the server keeps serving.
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  const HttpResult next = chat("quick", "plain", true);
  EXPECT_EQ(next.events.back().text, "data: [DONE]");
}

TEST_F(SimServerTest, StopReturnsPromptlyWhileStreaming) {
  // slow: 10 tok/s over ~2000 tokens, i.e. minutes of schedule.
  HttpResult r;
  std::thread client([&] { r = request(m_base + "/chat/completions", chat_body("slow", "x", true)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const Clock::time_point t0 = Clock::now();
  m_server->stop();
  const double elapsed = seconds_since(t0);
  client.join();
  EXPECT_LT(elapsed, 1.0);
  EXPECT_NE(r.code, CURLE_OK);  // cut: no final chunk
  EXPECT_GE(r.events.size(), 2U);
  for (const Event& e : r.events) EXPECT_NE(e.text, "data: [DONE]");
}

TEST(SimServerDemo, SeedProfilesAnswerTheSeedPrompts) {
  SimServer server(load_sim_profiles(std::string(GOODPUT_SOURCE_DIR) + "/examples/sim/seed-profiles.yaml"));
  server.start();
  const std::string url = server.base_url() + "/chat/completions";
  const Json r = Json::parse(
      request(url, chat_body("sim-swift-4b", "AIでできることを100項目、日本語で番号付きリストにしてください", false,
                             {{"max_tokens", 4}}))
          .body);
  EXPECT_EQ(r["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(r["choices"][0]["message"]["content"], "AIでできること100");  // AI, ででき, ること, 100
  EXPECT_EQ(r["system_fingerprint"], "b0000-sim-swift");
  server.stop();
}

}  // namespace
}  // namespace goodput::sim
