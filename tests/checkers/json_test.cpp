// SPDX-License-Identifier: MIT
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "checker_test_support.hpp"

namespace goodput::checkers {
namespace {

using ::testing::HasSubstr;
using testing::param_error_field;
using testing::param_error_message;
using testing::params;
using testing::run;

const std::string k_schema =
    R"({"type": "object", "required": ["answer", "steps"],
        "properties": {"answer": {"type": "integer"},
                       "steps": {"type": "array", "items": {"type": "object", "required": ["text"],
                                 "properties": {"text": {"type": "string"}}}}}})";

CheckResult with_schema(const std::string& text) { return run("json", params({{"schema", k_schema}}), text); }

TEST(JsonAssertion, TheWholeAnswerOrItsFencedBlock) {
  const CheckResult bare = run("json", params({}), "  {\"answer\": 100000}\n");
  EXPECT_EQ(bare.outcome, Outcome::pass) << bare.message;
  EXPECT_EQ(bare.message, "json: the answer is JSON (an object)");

  const CheckResult fenced = run("json", params({}), "答えは次のとおりです。\n\n```json\n[1, 2, 3]\n```\n以上です。");
  EXPECT_EQ(fenced.outcome, Outcome::pass) << fenced.message;
  EXPECT_EQ(fenced.message, "json: the ```json block at line 3 is JSON (an array)");

  // The first block that parses: an example with a comment in it does not hide the real one.
  const CheckResult second = run("json", params({}), "```json\n{\"a\": 1, // note\n}\n```\n```\n{\"a\": 1}\n```\n");
  EXPECT_EQ(second.outcome, Outcome::pass) << second.message;
  EXPECT_THAT(second.message, HasSubstr("the untagged block at line 5"));
}

TEST(JsonAssertion, NotJsonSaysWhere) {
  const CheckResult prose = run("json", params({}), "The answer is 100000.");
  EXPECT_EQ(prose.outcome, Outcome::fail);
  EXPECT_THAT(prose.message, HasSubstr("json: the answer is not JSON: parse error at line 1, column 1"));

  const CheckResult broken = run("json", params({}), "```json\n{\"a\": 1,}\n```");
  EXPECT_EQ(broken.outcome, Outcome::fail);
  EXPECT_THAT(broken.message, HasSubstr("the ```json block at line 1 is not JSON: parse error at line 1, column 9"));

  EXPECT_EQ(run("json", params({}), "  \n").message, "json: the answer is empty");
  EXPECT_EQ(run("json", params({}), "```python\nprint(1)\n```").message,
            "json: the answer is not JSON and holds no ```json block");
}

TEST(JsonAssertion, DeepNestingFailsBeforeParsing) {
  const CheckResult result = run("json", params({}), std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("nests deeper than 64 levels"));
}

TEST(JsonAssertion, SchemaPassesAndNamesThePointerOfTheFirstViolation) {
  const CheckResult good = with_schema(R"({"answer": 100000, "steps": [{"text": "60%"}]})");
  EXPECT_EQ(good.outcome, Outcome::pass) << good.message;
  EXPECT_EQ(good.message, "json: the answer is JSON (an object) and matches the schema");

  const CheckResult wrong_type = with_schema(R"({"answer": 100000, "steps": [{"text": "a"}, {"text": 2}]})");
  EXPECT_EQ(wrong_type.outcome, Outcome::fail);
  EXPECT_THAT(wrong_type.message, HasSubstr("does not match the schema at /steps/1/text:"));

  const CheckResult missing = with_schema(R"({"steps": []})");
  EXPECT_EQ(missing.outcome, Outcome::fail);
  EXPECT_THAT(missing.message, HasSubstr("at / (the root): Missing required property 'answer'"));
}

TEST(JsonAssertion, SchemaFromAFile) {
  const std::string path = std::string(GOODPUT_TEST_DATA_DIR) + "/judges/schema.json";
  const CheckResult result = run("json", params({{"schema_file", path}}), R"({"answer": "many", "steps": []})");
  EXPECT_EQ(result.outcome, Outcome::fail);
  EXPECT_THAT(result.message, HasSubstr("does not match schema.json at /answer"));
}

TEST(JsonAssertion, PatternsOnLongStringsAreAnErrorNotACrash) {
  const std::string schema = R"({"properties": {"text": {"type": "string", "pattern": "^(a|b)*$"}}})";
  const CheckResult result = run("json", params({{"schema", schema}}), "{\"text\": \"" + std::string(200000, 'a') + "\"}");
  EXPECT_EQ(result.outcome, Outcome::error);
  EXPECT_THAT(result.message, HasSubstr("cannot check the string at /text"));
  EXPECT_EQ(run("json", params({{"schema", schema}}), R"({"text": "abba"})").outcome, Outcome::pass);
  EXPECT_EQ(run("json", params({{"schema", schema}}), R"({"text": "abc"})").outcome, Outcome::fail);
}

TEST(JsonAssertion, RejectsUnusableSchemas) {
  EXPECT_EQ(param_error_field("json", params({{"schema", std::string("[1, 2]")}})), "schema");
  EXPECT_EQ(param_error_field("json", params({{"schema", std::string(R"({"type": 5})")}})), "schema");
  EXPECT_EQ(param_error_field("json", params({{"schema", std::string(R"({"$ref": "http://example.com/s.json"})")}})),
            "schema");
  EXPECT_THAT(param_error_message("json", params({{"schema", std::string("{}")}, {"schema_file", std::string("x")}})),
              HasSubstr("not both"));
  EXPECT_THAT(param_error_message("json", params({{"schema", std::string(R"({"properties": {"a": {"pattern": "(unclosed"}}})")}})),
              HasSubstr("has a pattern the validator cannot use: '(unclosed'"));
}

TEST(JsonAssertion, Negated) {
  const auto checker = negated(testing::make_checker("json", params({})));
  EXPECT_EQ(checker->check(testing::answer("plain prose")).outcome, Outcome::pass);
  const CheckResult json_answer = checker->check(testing::answer("{}"));
  EXPECT_EQ(json_answer.outcome, Outcome::fail);
  EXPECT_EQ(json_answer.message, "not json: the answer is JSON (an object)");
}

}  // namespace
}  // namespace goodput::checkers
