// Servers that answer wrongly, played byte for byte on loopback (support/raw_server.hpp): what
// each reply becomes (its error kind and a message that says what came back and what to do),
// which ones are retried, Retry-After, and the circuit breaker on a server that never answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/circuit_breaker.hpp"
#include "goodput/curl_session.hpp"
#include "goodput/provider.hpp"
#include "goodput/results_json.hpp"
#include "goodput/retrying_provider.hpp"
#include "support/raw_server.hpp"

namespace goodput {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using test::http_reply;
using test::RawReply;
using test::RawServer;

const std::string k_sse_answer = http_reply(
    "200 OK", {"Content-Type: text/event-stream"},
    "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");

ModelSpec model_at(const RawServer& server, const std::string& dialect = "openai") {
  ModelSpec model;
  model.name = "m";
  model.model = "m";
  model.dialect = dialect;
  model.base_url = server.base_url() + (dialect == "openai" ? "/v1" : "");
  model.timeouts = {2, 10, 5};
  return model;
}

Completion ask(const ModelSpec& model) {
  CompletionRequest request;
  request.messages.push_back({"user", "hello"});
  return make_provider(model)->complete(request);
}

struct Retrier {
  std::vector<double> sleeps;
  std::unique_ptr<Provider> make(const ModelSpec& model, detail::RetryPolicy policy,
                                 std::shared_ptr<detail::CircuitBreaker> breaker = {}) {
    return detail::make_retrying_provider(make_provider(model), policy,
                                          [this](double s, const std::atomic<bool>*) {
                                            sleeps.push_back(s);
                                            return true;
                                          },
                                          std::move(breaker));
  }
};

CompletionRequest hello() {
  CompletionRequest request;
  request.messages.push_back({"user", "hello"});
  return request;
}

TEST(ServerFaults, TheFakeServerServesAValidStream) {
  RawServer server({{k_sse_answer}});
  const Completion c = ask(model_at(server));
  EXPECT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer, "hi");
}

TEST(ServerFaults, HtmlPageWithStatus200SaysWhatCameBackNotThatTheServerCrashed) {
  RawServer server({{http_reply("200 OK", {"Content-Type: text/html; charset=utf-8"},
                                "<!DOCTYPE html>\n<html><body>Please log in</body></html>")}});
  const Completion c = ask(model_at(server));
  EXPECT_EQ(c.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(c.error.message, AllOf(HasSubstr("HTTP 200 from " + server.base_url() + "/v1/chat/completions"),
                                     HasSubstr("HTML page"), HasSubstr("Content-Type: text/html; charset=utf-8"),
                                     HasSubstr("<!DOCTYPE html>\\n<html>"), HasSubstr("base_url"), Not(HasSubstr("crashed"))));
}

TEST(ServerFaults, HtmlPageWithoutAContentTypeIsKnownByItsFirstByte) {
  RawServer server({{http_reply("200 OK", {}, "  <html><title>nginx</title></html>")}});
  const Completion c = ask(model_at(server, "ollama"));
  EXPECT_EQ(c.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(c.error.message, AllOf(HasSubstr("HTML page"), HasSubstr("Content-Type: none"), HasSubstr("<html><title>nginx")));
}

TEST(ServerFaults, AProxysHtmlErrorPageIsNamedByItsTitle) {
  RawServer server({{http_reply("502 Bad Gateway", {"Content-Type: text/html"},
                                "<html>\r\n<head><TITLE> 502 Bad Gateway </TITLE></head>\r\n<body>nginx</body></html>")}});
  const Completion c = ask(model_at(server));
  EXPECT_EQ(c.error.kind, ErrorKind::http_status);
  EXPECT_EQ(c.error.http_status, 502);
  EXPECT_THAT(c.error.message, AllOf(HasSubstr("HTTP 502 from "), HasSubstr("an HTML page titled \"502 Bad Gateway\""),
                                     Not(HasSubstr("<head>"))));
}

TEST(ServerFaults, EmptyBodyWithStatus200SaysSo) {
  RawServer server({{http_reply("200 OK", {"Content-Type: text/event-stream", "Content-Length: 0"}, "")}});
  const Completion c = ask(model_at(server));
  EXPECT_EQ(c.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(c.error.message, AllOf(HasSubstr("empty body"), HasSubstr("Content-Type: text/event-stream"),
                                     HasSubstr("base_url"), Not(HasSubstr("crashed"))));
}

TEST(ServerFaults, PlainTextWithStatus200ShowsItsContentTypeAndEscapedFirstBytes) {
  RawServer server({{http_reply("200 OK", {"Content-Type: text/plain"}, "Hello from the proxy\x01\xff " + std::string(500, 'x'))}});
  const Completion c = ask(model_at(server));
  EXPECT_EQ(c.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(c.error.message, AllOf(HasSubstr("not a chat stream"), HasSubstr("Content-Type: text/plain"),
                                     HasSubstr("expected text/event-stream"), HasSubstr("Hello from the proxy\\x01\\xff"),
                                     HasSubstr("..."), Not(HasSubstr(std::string(200, 'x'))), Not(HasSubstr("crashed"))));
}

TEST(ServerFaults, AStreamCutAfterItsFirstEventIsStillTruncated) {
  RawServer server({{http_reply("200 OK", {"Content-Type: text/event-stream"}, "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n")}});
  const Completion c = ask(model_at(server));
  EXPECT_EQ(c.error.kind, ErrorKind::truncated) << c.error.message;
}

TEST(ServerFaults, ANonHttpReplyIsABadResponseAndNotRetried) {
  RawServer server({{"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"}});
  Retrier r;
  const Completion c = r.make(model_at(server), {3, 30, 0.5})->complete(hello(), nullptr);
  EXPECT_EQ(c.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(c.error.message, AllOf(HasSubstr("not HTTP"), HasSubstr("port")));
  EXPECT_EQ(server.requests("POST"), 1);
  EXPECT_TRUE(c.retries.empty());
}

TEST(ServerFaults, AResetBeforeAnyByteIsAConnectionErrorAndRetried) {
  RawServer server({{"", true}, {"", true}, {k_sse_answer}});
  Retrier r;
  const Completion c = r.make(model_at(server), {3, 30, 0.5})->complete(hello(), nullptr);
  EXPECT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(server.requests("POST"), 3);
  ASSERT_EQ(c.retries.size(), 2u);
  EXPECT_THAT(c.retries[0].error, AllOf(HasSubstr("connect: "), HasSubstr("closed before any reply")));
}

TEST(ServerFaults, AConnectionClosedWithoutAWordIsAConnectionError) {
  RawServer server({{""}});
  const Completion c = ask(model_at(server));
  EXPECT_EQ(c.error.kind, ErrorKind::connect);
  EXPECT_THAT(c.error.message, HasSubstr("closed before any reply"));
}

TEST(ServerFaults, RetryAfterSecondsIsWaited) {
  RawServer server({{http_reply("429 Too Many Requests", {"Retry-After: 3", "Content-Length: 0"}, "")}, {k_sse_answer}});
  Retrier r;
  const Completion c = r.make(model_at(server), {3, 30, 0.5})->complete(hello(), nullptr);
  EXPECT_TRUE(c.ok()) << c.error.message;
  ASSERT_EQ(c.retries.size(), 1u);
  EXPECT_DOUBLE_EQ(c.retries[0].after_s, 3);
  EXPECT_EQ(r.sleeps, std::vector<double>{3});
}

TEST(ServerFaults, RetryAfterBeyondMaxWaitIsAnErrorSayingWhatTheServerAskedFor) {
  RawServer server({{http_reply("503 Service Unavailable", {"Retry-After: 120", "Content-Length: 0"}, "")}, {k_sse_answer}});
  Retrier r;
  const Completion c = r.make(model_at(server), {3, 30, 0.5})->complete(hello(), nullptr);
  EXPECT_EQ(c.error.kind, ErrorKind::http_status);
  EXPECT_EQ(c.error.http_status, 503);
  EXPECT_THAT(c.error.message, AllOf(HasSubstr("retried after 120 s (Retry-After)"), HasSubstr("retry.max_wait (30 s")));
  EXPECT_TRUE(c.retries.empty());
  EXPECT_TRUE(r.sleeps.empty());
  EXPECT_EQ(server.requests("POST"), 1);
}

TEST(ServerFaults, RetryAfterCountsAgainstWhatIsLeftOfMaxWait) {
  RawServer server({{http_reply("429 Too Many Requests", {"Retry-After: 4", "Content-Length: 0"}, "")}});
  Retrier r;
  const Completion c = r.make(model_at(server), {3, 10, 0.5})->complete(hello(), nullptr);
  EXPECT_EQ(c.error.http_status, 429);
  EXPECT_EQ(r.sleeps, (std::vector<double>{4, 4}));  // a third 4 s would pass the 10 s
  EXPECT_THAT(c.error.message, HasSubstr("retried after 4 s (Retry-After)"));
}

TEST(RetryAfter, SecondsAndTheThreeHttpDateForms) {
  const std::time_t sunday = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)
  EXPECT_EQ(detail::retry_after_seconds("120", 0), 120);
  EXPECT_EQ(detail::retry_after_seconds(" 0 ", 0), 0);
  EXPECT_EQ(detail::retry_after_seconds("Sun, 06 Nov 1994 08:49:37 GMT", sunday - 5), 5);
  EXPECT_EQ(detail::retry_after_seconds("Sunday, 06-Nov-94 08:49:37 GMT", sunday - 7), 7);
  EXPECT_EQ(detail::retry_after_seconds("Sun Nov  6 08:49:37 1994", sunday - 9), 9);
  EXPECT_EQ(detail::retry_after_seconds("Sun, 06 Nov 1994 08:49:37 GMT", sunday + 60), 0);  // already past
  EXPECT_EQ(detail::retry_after_seconds(std::string(400, '9'), 0), 1e12);  // bounded, finite
}

TEST(RetryAfter, NeitherFormIsIgnored) {
  for (const char* value : {"", "soon", "1.5", "-3", "3 s", "Retry-After"})
    EXPECT_EQ(detail::retry_after_seconds(value, 0), std::nullopt) << value;
}

// The answer cap (ModelSpec::max_answer_mb, StreamDecoder::set_max_bytes): a reply that brings
// more than the cap, whether as answer, as reasoning, or as a line or event that never ends,
// is an error "answer exceeded N MB" (never a model failure), the transfer stops there, and
// what is kept (and so the journal line) stays small.

constexpr std::size_t k_three_mb = 3 * k_bytes_per_mb;

ModelSpec capped_model(const RawServer& server, const std::string& dialect = "openai") {
  ModelSpec model = model_at(server, dialect);
  model.max_answer_mb = 1;
  return model;
}

// `total` bytes of `field` text in SSE chunks of 1,000 characters, then a finish and [DONE].
std::string sse_reply(const std::string& field, std::size_t total) {
  const std::string piece(1000, 'a');
  std::string body;
  for (std::size_t n = 0; n < total; n += piece.size())
    body += "data: {\"choices\":[{\"delta\":{\"" + field + "\":\"" + piece + "\"}}]}\n\n";
  body += "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
  return http_reply("200 OK", {"Content-Type: text/event-stream"}, body);
}

void expect_capped(const Completion& c) {
  EXPECT_EQ(c.error.kind, ErrorKind::bad_response);
  EXPECT_THAT(c.error.message, HasSubstr("answer exceeded 1 MB"));
  EXPECT_THAT(c.error.message, HasSubstr("max_answer_mb"));
  EXPECT_LE(c.answer.size(), 64u * 1024);
  EXPECT_LE(c.reasoning.size(), 64u * 1024);
}

TEST(AnswerCap, AnAnswerBeyondTheCapIsAnErrorKeepingOnlyItsStart) {
  RawServer server({{sse_reply("content", k_three_mb)}});
  const Completion c = ask(capped_model(server));
  expect_capped(c);
  EXPECT_EQ(c.answer.size(), 64u * 1024);
  // The run is an error, never a failure, and its journal line stays small.
  ModelSpec model = capped_model(server);
  TaskSpec task;
  task.suite = "s";
  task.name = "t";
  RunRecord run;
  run.model = &model;
  run.task = &task;
  run.completion = c;
  EXPECT_LT(journal_line(run).size(), 200u * 1024);
}

TEST(AnswerCap, ReasoningCountsToo) {
  RawServer server({{sse_reply("reasoning_content", k_three_mb)}});
  expect_capped(ask(capped_model(server)));
}

TEST(AnswerCap, AnAnswerWithinTheCapIsKeptWhole) {
  RawServer server({{sse_reply("content", 500000)}});
  const Completion c = ask(capped_model(server));
  EXPECT_TRUE(c.ok()) << c.error.message;
  EXPECT_EQ(c.answer.size(), 500000u);
}

TEST(AnswerCap, AnSseLineThatNeverEndsIsCapped) {
  RawServer server({{http_reply("200 OK", {"Content-Type: text/event-stream"}, "data: {\"x\":\"" + std::string(k_three_mb, 'a'))}});
  expect_capped(ask(capped_model(server)));
}

TEST(AnswerCap, AnSseEventThatNeverEndsIsCapped) {
  std::string lines;
  for (std::size_t n = 0; n < k_three_mb; n += 1000) lines += "data: " + std::string(994, 'a') + "\n";  // no blank line
  RawServer server({{http_reply("200 OK", {"Content-Type: text/event-stream"}, lines)}});
  expect_capped(ask(capped_model(server)));
}

TEST(AnswerCap, AnNdjsonLineThatNeverEndsIsCapped) {
  RawServer server(
      {{http_reply("200 OK", {"Content-Type: application/x-ndjson"}, "{\"message\":{\"content\":\"" + std::string(k_three_mb, 'a'))}});
  expect_capped(ask(capped_model(server, "ollama")));
}

TEST(AnswerCap, TheDefaultIs16Mb) {
  EXPECT_EQ(ModelSpec{}.max_answer_mb, 16u);
}

}  // namespace
}  // namespace goodput
