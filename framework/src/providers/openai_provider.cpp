// SPDX-License-Identifier: MIT
// The `openai` dialect: POST {base_url}/chat/completions with stream:true, read SSE.
// Works with llama.cpp's server, LM Studio, vLLM, Ollama's /v1, exo and Bedrock's endpoint.
#include <cstdlib>

#include "providers/curl_session.hpp"
#include "providers/dialects.hpp"
#include "providers/openai_stream.hpp"
#include "goodput/provider.hpp"

namespace goodput {

namespace {

class OpenAiProvider final : public Provider {
 public:
  explicit OpenAiProvider(ModelSpec model) : m_model(std::move(model)) {
    if (!m_model.api_key_env.empty()) {
      const char* key = std::getenv(m_model.api_key_env.c_str());
      if (!key || !*key)
        throw ConfigError(m_model.where, "api_key_env",
                          "environment variable " + m_model.api_key_env + " is not set; export it before running (the key itself never goes in a file)");
      m_auth_header = std::string("Authorization: Bearer ") + key;
    }
  }

  nlohmann::json request_body(const CompletionRequest& request) const override {
    nlohmann::json body = nlohmann::json::object();
    body["model"] = m_model.model;
    nlohmann::json messages = nlohmann::json::array();
    for (const auto& m : request.messages) {
      // gpt-oss (harmony) takes the usual system prompt as a developer message; Bedrock's
      // examples send it that way (wire-formats.md §F, §G).
      const std::string& role = m.role == "system" ? m_model.system_role : m.role;
      messages.push_back({{"role", role}, {"content", m.content}});
    }
    body["messages"] = std::move(messages);
    // Sent exactly as given. Ollama's /v1 uses temperature 1.0 and top_p 1.0 when they are
    // missing, not the Modelfile's values (wire-formats.md §C): set both in the models file.
    for (const auto& [key, value] : request.params.items()) body[key] = value;
    add_reasoning_effort(body);
    // Streaming with usage is how every metric is measured; a user cannot turn it off here.
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
    // extra_body always wins, key by key (a chat_template_kwargs there replaces ours whole).
    for (const auto& [key, value] : m_model.extra_body.items()) body[key] = value;
    return body;
  }

  Completion complete(const CompletionRequest& request, const std::atomic<bool>* cancel) override {
    detail::HttpRequest http;
    http.url = m_model.base_url + "/chat/completions";
    http.body = request_body(request).dump();
    http.headers = {"Content-Type: application/json", "Accept: text/event-stream"};
    if (!m_auth_header.empty()) http.headers.push_back(m_auth_header);
    http.connect_timeout_s = m_model.timeouts.connect_s;
    http.request_timeout_s = m_model.timeouts.request_s;
    http.stall_timeout_s = m_model.timeouts.stall_s;

    Completion completion;
    OpenAiStreamDecoder decoder(completion);
    const detail::HttpOutcome outcome = m_session.post(
        http,
        [&](std::string_view bytes, double t) {
          decoder.feed(bytes, t);
          return completion.ok();  // an error payload ends the stream
        },
        cancel);

    if (outcome.status != 0 && (outcome.status < 200 || outcome.status >= 300)) {
      completion.error = {ErrorKind::http_status,
                          "HTTP " + std::to_string(outcome.status) + " from " + http.url + ": " +
                              error_message_from_body(outcome.error_body) + hint_for_status(outcome.status),
                          outcome.status};
      completion.times.end = outcome.end_s;
      finalise_metrics(completion);
      return completion;
    }
    const bool had_stream_error = !completion.ok();
    decoder.finish(outcome.end_s);
    // A transport failure explains a cut stream better than "truncated"; a stream error the
    // server sent explains it better still.
    if (outcome.error.kind != ErrorKind::none && !had_stream_error) completion.error = outcome.error;
    return completion;
  }

 private:
  // ModelSpec::reasoning_effort for OpenAI-style servers. The top-level `reasoning_effort`
  // is what OpenAI, vLLM, Ollama's /v1 (which also takes "none": think off) and LM Studio
  // read, and newer llama.cpp builds too. Older llama.cpp builds ignore it and read the
  // effort only through the chat template (gpt-oss: chat_template_kwargs.reasoning_effort),
  // so that is sent too; templates that do not use a variable ignore it. For "none" the
  // template switch is enable_thinking:false (Qwen3 and similar templates), since a gpt-oss
  // template would print "Reasoning: none". A key the task or models file already set in
  // `params` (reasoning_effort, chat_template_kwargs.reasoning_effort / enable_thinking) is
  // kept, and extra_body replaces whole top-level keys after this, so an extra_body
  // chat_template_kwargs drops ours. OpenAI's own API rejects "none" on models without it:
  // leave reasoning_effort empty there.
  void add_reasoning_effort(nlohmann::json& body) const {
    const std::string& effort = m_model.reasoning_effort;
    if (effort.empty()) return;
    if (!body.contains("reasoning_effort")) body["reasoning_effort"] = effort;
    nlohmann::json& kwargs = body["chat_template_kwargs"];
    if (kwargs.is_null()) kwargs = nlohmann::json::object();
    if (!kwargs.is_object()) return;
    if (effort == "none") {
      if (!kwargs.contains("enable_thinking")) kwargs["enable_thinking"] = false;
    } else if (!kwargs.contains("reasoning_effort")) {
      kwargs["reasoning_effort"] = effort;
    }
  }

  std::string hint_for_status(long status) const {
    switch (status) {
      case 401:
      case 403:
        return m_model.api_key_env.empty() ? " — the server wants an API key: set api_key_env in the models file"
                                           : " — check the key in $" + m_model.api_key_env;
      case 404: return " — check base_url (it usually ends in /v1) and the model id '" + m_model.model + "'";
      case 503: return " — the server is busy or still loading the model";
      default: return "";
    }
  }

  ModelSpec m_model;
  std::string m_auth_header;
  detail::CurlSession m_session;
};

}  // namespace

namespace detail {
std::unique_ptr<Provider> make_openai_provider(const ModelSpec& model) { return std::make_unique<OpenAiProvider>(model); }
}  // namespace detail

}  // namespace goodput
