// SPDX-License-Identifier: MIT
// Bad input is refused before any request and before anything is created in the output
// directory: `goodput run` against a listener that counts connections must exit 2 with
// file:line:col and the field's full path, the listener must see no connection, and -o must
// not exist afterwards (a rerun with the same -o must not be refused).
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/binary_test.hpp"
#include "support/counting_server.hpp"

namespace goodput {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::quote;

constexpr const char* k_task = "suite: s\ntasks:\n  - id: a\n    prompt: hi\n    assert:\n      - type: contains\n        value: x\n";

class StrictInputTest : public test::BinaryTest {
 protected:
  StrictInputTest() : BinaryTest("strict") {}

  // A models file with one model `m` at the counting listener; `extra` adds lines to it.
  std::string models(const std::string& extra = "", const std::string& base_url = "") const {
    return write("models.yaml", "models:\n  - name: m\n    base_url: '" + (base_url.empty() ? m_server.base_url() : base_url) +
                                    "'\n    model: m\n" + extra);
  }
  std::string tasks(const std::string& text = k_task) const { return write("t.yaml", text); }

  // `goodput run ARGS -o OUT` (unless ARGS names -o) exits 2 with `message` on stderr, having
  // contacted no server and created no OUT.
  void expect_refused(const std::string& args, const std::string& message, const std::string& env = "") const {
    const bool own_output = args.find(" -o ") != std::string::npos;
    const auto r = run("run " + args + (own_output ? "" : " -o " + quote(path("out"))), env);
    EXPECT_EQ(r.exit_code, 2) << r.output();
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(m_server.connections(), 0) << "a request was sent before the input was refused";
    EXPECT_FALSE(fs::exists(path("out"))) << "the output directory was created";
  }

  test::CountingServer m_server;
};

TEST_F(StrictInputTest, InvalidUtf8IsAnErrorAtItsField) {
  expect_refused(quote(tasks("suite: s\ntasks:\n  - id: a\n    prompt: \"h\xffi\"\n    assert:\n      - type: contains\n        value: x\n")) +
                     " --models " + quote(models()),
                 "t.yaml:4:13: tasks[0].prompt: is not valid UTF-8 (byte 0xFF");
  expect_refused(quote(tasks()) + " --models " +
                     quote(write("models.yaml", "models:\n  - name: m\n    base_url: '" + m_server.base_url() + "'\n    model: m\xc3\n")),
                 "models.yaml:4:12: models[0].model: is not valid UTF-8 (byte 0xC3");
}

// 9^6 strings from 9 anchors: accepted before, it made a request body of several MB.
TEST_F(StrictInputTest, AliasExpansionIsBounded) {
  std::string bomb = "    extra_body:\n      l0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 6; ++i) {
    bomb += "      l" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 9; ++j) bomb += (j ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  expect_refused(quote(tasks()) + " --models " + quote(models(bomb)), "models[0].extra_body.l");
  EXPECT_THAT(run("run " + quote(tasks()) + " --models " + quote(models(bomb)) + " -o " + quote(path("out"))).err,
              HasSubstr("aliases (*name) expand this file by more than"));
}

TEST_F(StrictInputTest, DuplicateKeyNamesBothLines) {
  expect_refused(quote(tasks("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    prompt: ho\n    assert:\n      - type: contains\n        value: x\n")) +
                     " --models " + quote(models()),
                 "t.yaml:5:5: tasks[0].prompt: duplicate key 'prompt': also at line 4, column 5");
}

TEST_F(StrictInputTest, NumbersStateTheirRange) {
  expect_refused(quote(tasks()) + " --models " + quote(models("    timeouts: {request: 1e300}\n")),
                 "models[0].timeouts.request: must be from 0.001 to 604800 seconds, got 1e300");
  expect_refused(quote(tasks("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    repeat: \"3\"\n    assert:\n      - type: contains\n        value: x\n")) +
                     " --models " + quote(models()),
                 "t.yaml:5:13: tasks[0].repeat: expected a whole number from 1 to 100000, got the string \"3\"; write 3 without quotes");
  expect_refused(quote(tasks()) + " --models " + quote(models()) + " --repeat 0", "--repeat: must be a whole number from 1 to 100000, got '0'");
  const auto r = run("run " + quote(tasks()) + " --models " + quote(models()) + " --repeat 0");
  EXPECT_LT(r.err.size(), 200u) << r.err;  // no 300-digit range
}

TEST_F(StrictInputTest, FlagsStateTheirRange) {
  expect_refused(quote(tasks()) + " --models " + quote(models()) + " --shuffle --seed -1",
                 "--seed: must be a whole number from 0 to 18446744073709551615, got '-1'");
  auto r = run("models --models " + quote(models()) + " --timeout 0");
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("--timeout: must be a number from 0.001 to 3600 seconds, got '0'"));
  EXPECT_EQ(m_server.connections(), 0);
  r = run("sim --port 99999");
  EXPECT_EQ(r.exit_code, 2) << r.output();
  EXPECT_THAT(r.err, HasSubstr("--port: must be a whole number from 0 to 65535, got '99999'"));
}

TEST_F(StrictInputTest, TooManyRunsAreRefusedBeforePlanning) {
  expect_refused(quote(tasks("suite: s\ntasks:\n  - id: a\n    prompt: hi\n    repeat: 100000\n    assert:\n      - type: contains\n        value: x\n")) +
                     " --models " + quote(models()) + " --repeat 100000",
                 "10000000000 runs (tasks x models x samples");
}

TEST_F(StrictInputTest, BaseUrlIsParsedAsAUrl) {
  const std::string port = std::to_string(m_server.port());
  expect_refused(quote(tasks()) + " --models " + quote(models("", "http://127.0.0.1:99999/v1")),
                 "models.yaml:3:15: models[0].base_url: 'http://127.0.0.1:99999/v1' has a port outside 1 to 65535");
  expect_refused(quote(tasks()) + " --models " + quote(models("", "http://127.0.0.1 :" + port + "/v1")),
                 "models[0].base_url: 'http://127.0.0.1 :" + port + "/v1' contains a space");
  expect_refused(quote(tasks()) + " --models " + quote(models("", "http:///v1")), "models[0].base_url: 'http:///v1' names no host");
}

TEST_F(StrictInputTest, BaseUrlMustSuitTheDialect) {
  expect_refused(quote(tasks()) + " --models " + quote(models("    dialect: ollama\n")),
                 "models.yaml:3:15: models[0].base_url: '" + m_server.base_url() +
                     "' ends in /v1, Ollama's OpenAI-compatible layer; for the ollama dialect drop the /v1");
}

TEST_F(StrictInputTest, UnsetApiKeyVariableIsRefusedAtItsLine) {
  const std::string two = "  - name: n\n    base_url: '" + m_server.base_url() + "'\n    model: n\n    api_key_env: GOODPUT_TEST_UNSET_KEY\n";
  expect_refused(quote(tasks()) + " --models " + quote(models(two)),
                 "models.yaml:8:18: models[1].api_key_env: environment variable GOODPUT_TEST_UNSET_KEY is not set");
}

TEST_F(StrictInputTest, OutputDirMustBeUsable) {
  const std::string file = write("afile", "");
  expect_refused(quote(tasks()) + " --models " + quote(models()) + " -o " + quote(file), "--output-dir: is a file, not a directory");
  expect_refused(quote(tasks()) + " --models " + quote(models()) + " -o " + quote(file + "/out"),
                 "--output-dir: cannot be created: " + file + " is a file");
  expect_refused(quote(tasks()) + " --models " + quote(models()) + " --junit " + quote(file + "/junit.xml"), "--junit: cannot be created");
}

}  // namespace
}  // namespace goodput
