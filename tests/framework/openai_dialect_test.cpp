// SPDX-License-Identifier: MIT
// The request body of the `openai` dialect (openai_dialect.cpp, through make_provider): roles,
// parameters, reasoning_effort, extra_body.
#include <gtest/gtest.h>

#include <memory>

#include "goodput/json_text.hpp"
#include "goodput/provider.hpp"

namespace goodput {
namespace {

using nlohmann::json;

ModelSpec model_spec() {
  ModelSpec model;
  model.name = "m";
  model.base_url = "http://127.0.0.1:9/v1";
  model.model = "gpt-oss-20b";
  return model;
}

CompletionRequest request(json params = json::object()) {
  CompletionRequest r;
  r.messages = {{"system", "Be brief."}, {"user", "2+2?"}};
  r.params = std::move(params);
  return r;
}

json body_for(const ModelSpec& model, json params = json::object()) {
  return make_provider(model)->request_body(request(std::move(params)));
}

TEST(OpenAiRequestBody, SystemRoleByDefault) {
  const json body = body_for(model_spec());
  EXPECT_EQ(body["model"], "gpt-oss-20b");
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][0]["content"], "Be brief.");
  EXPECT_EQ(body["messages"][1]["role"], "user");
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_FALSE(body.contains("reasoning_effort"));
  EXPECT_FALSE(body.contains("chat_template_kwargs"));
}

// A prompt that is not UTF-8 (a C++ task's bytes; files are checked when loaded) is sent with
// U+FFFD in place of the bad bytes: it once aborted goodput with nlohmann's type_error.316.
TEST(OpenAiRequestBody, InvalidUtf8IsReplacedNotFatal) {
  CompletionRequest bad = request();
  bad.messages[1].content = "2+2?\xff\xfe";
  ModelSpec model = model_spec();
  model.timeouts.connect_s = 2;
  Completion completion;
  EXPECT_NO_THROW(completion = make_provider(model)->complete(bad, nullptr));
  EXPECT_NE(completion.error.kind, ErrorKind::none);  // nothing listens on port 9: a connection error
  EXPECT_EQ(detail::json_text(json{{"content", bad.messages[1].content}}), "{\"content\":\"2+2?\xef\xbf\xbd\xef\xbf\xbd\"}");
}

TEST(OpenAiRequestBody, DeveloperRoleForTheSystemMessage) {
  ModelSpec model = model_spec();
  model.system_role = "developer";
  const json body = body_for(model);
  EXPECT_EQ(body["messages"][0]["role"], "developer");
  EXPECT_EQ(body["messages"][0]["content"], "Be brief.");
  EXPECT_EQ(body["messages"][1]["role"], "user");
}

TEST(OpenAiRequestBody, TemperatureAndTopPAreSentAsGiven) {
  // Ollama's /v1 uses 1.0 for both when they are missing, whatever the Modelfile says.
  const json body = body_for(model_spec(), {{"temperature", 0.2}, {"top_p", 0.9}, {"max_tokens", 64}});
  EXPECT_EQ(body["temperature"], 0.2);
  EXPECT_EQ(body["top_p"], 0.9);
  EXPECT_EQ(body["max_tokens"], 64);
  EXPECT_FALSE(body_for(model_spec()).contains("temperature"));
}

TEST(OpenAiRequestBody, ReasoningEffortTopLevelAndTemplateKwargs) {
  ModelSpec model = model_spec();
  model.reasoning_effort = "high";
  const json body = body_for(model);
  EXPECT_EQ(body["reasoning_effort"], "high");
  EXPECT_EQ(body["chat_template_kwargs"], json({{"reasoning_effort", "high"}}));
}

TEST(OpenAiRequestBody, ReasoningEffortNone) {
  ModelSpec model = model_spec();
  model.reasoning_effort = "none";
  const json body = body_for(model);
  EXPECT_EQ(body["reasoning_effort"], "none");
  EXPECT_EQ(body["chat_template_kwargs"], json({{"enable_thinking", false}}));
}

TEST(OpenAiRequestBody, ExplicitParametersAreNotOverwrittenByReasoningEffort) {
  ModelSpec model = model_spec();
  model.reasoning_effort = "low";
  const json body = body_for(model, {{"reasoning_effort", "medium"}, {"chat_template_kwargs", {{"enable_thinking", true}}}});
  EXPECT_EQ(body["reasoning_effort"], "medium");
  EXPECT_EQ(body["chat_template_kwargs"], json({{"enable_thinking", true}, {"reasoning_effort", "low"}}));
}

TEST(OpenAiRequestBody, ExtraBodyWins) {
  ModelSpec model = model_spec();
  model.reasoning_effort = "high";
  model.extra_body = {{"chat_template_kwargs", {{"thinking", true}}}, {"reasoning_effort", "low"}, {"stream", true}, {"top_k", 20}};
  const json body = body_for(model, {{"top_k", 40}});
  EXPECT_EQ(body["chat_template_kwargs"], json({{"thinking", true}}));
  EXPECT_EQ(body["reasoning_effort"], "low");
  EXPECT_EQ(body["top_k"], 20);
}

}  // namespace
}  // namespace goodput
