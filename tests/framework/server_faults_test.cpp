// Servers that answer wrongly, played byte for byte on loopback (support/raw_server.hpp): what
// each reply becomes (its error kind and a message that says what came back and what to do),
// which ones are retried, Retry-After, and the circuit breaker on a server that never answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/circuit_breaker.hpp"
#include "goodput/curl_session.hpp"
#include "goodput/provider.hpp"
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

}  // namespace
}  // namespace goodput
