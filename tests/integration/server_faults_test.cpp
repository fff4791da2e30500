// `goodput run` against a server that is down: the circuit breaker ends the remaining runs as
// errors after a few connection attempts, whatever the suite's size. The server here reads
// each request and closes the connection without a word, so the test can count the requests
// that reached it (support/raw_server.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goodput/circuit_breaker.hpp"
#include "support/binary_test.hpp"
#include "support/raw_server.hpp"

namespace goodput {
namespace {

using ::testing::HasSubstr;
using test::quote;

class ServerFaultsTest : public test::BinaryTest {
 protected:
  ServerFaultsTest() : BinaryTest("server-faults") {}
};

TEST_F(ServerFaultsTest, ADeadServerEndsTheRemainingRunsAsErrorsAfterAFewAttempts) {
  test::RawServer server({{""}});
  // Two models on the one server share its breaker; short back-off keeps the test quick.
  const std::string models = write("models.yaml", "models:\n"
                                                  "  - {name: a, base_url: " + server.base_url() + "/v1, model: a, retry: {max_wait: 0.2}}\n"
                                                  "  - {name: b, base_url: " + server.base_url() + "/v1, model: b, retry: {max_wait: 0.2}}\n");
  const auto r = run("run " + quote(test::data_path("tasks/mini.yaml")) + " --models " + quote(models) + " --repeat 10 -o " +
                     quote(path("out")));
  EXPECT_EQ(r.exit_code, 1) << r.output();
  // Each run that was sent tried twice (0.2 s of back-off); the breaker opened on the fifth.
  EXPECT_EQ(server.requests("POST"), detail::k_breaker_threshold) << r.output();
  const auto journal = test::read_jsonl(m_dir / "out" / "journal.jsonl");
  ASSERT_EQ(journal.size(), 60u) << r.output();
  for (const auto& line : journal) {
    EXPECT_EQ(line["verdict"], "error") << line.dump();
    EXPECT_EQ(line["error"]["kind"], "connect") << line.dump();
  }
  EXPECT_THAT(journal.back()["error"]["message"].get<std::string>(),
              HasSubstr("server " + server.base_url() + " is unreachable: 5 consecutive connection failures; the remaining "
                                                        "runs were not sent"));
  const auto results = test::read_json(m_dir / "out" / "results.json");
  for (const char* model : {"a", "b"}) {
    EXPECT_EQ(results["summary"][model]["errors"], 30) << model;
    EXPECT_EQ(results["summary"][model]["failed"], 0) << model;
  }
}

}  // namespace
}  // namespace goodput
