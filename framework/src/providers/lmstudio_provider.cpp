// SPDX-License-Identifier: MIT
// The `lmstudio` dialect: POST {base_url}/api/v0/chat/completions with stream:true and
// stream_options.include_usage, read SSE (wire-formats.md §D). base_url is the server root,
// e.g. http://localhost:1234 — without /v1 (that is LM Studio's OpenAI-compatible layer:
// use dialect openai for it). Over the OpenAI dialect this adds LM Studio's own figures:
// `stats` (seconds), `model_info` and `runtime` (lmstudio_stream.hpp).
//
// reasoning_effort low/medium/high is sent as top-level `reasoning_effort`, which LM Studio
// honours for gpt-oss models; this is best effort, and other models ignore it. `none` is not
// sent: REST v0 has no switch that turns reasoning off.
#include <cstdlib>

#include "goodput/provider.hpp"
#include "providers/curl_session.hpp"
#include "providers/dialects.hpp"
#include "providers/lmstudio_stream.hpp"
#include "providers/openai_stream.hpp"

namespace goodput {

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class LmStudioProvider final : public Provider {
 public:
  explicit LmStudioProvider(ModelSpec model) : m_model(std::move(model)) {
    while (!m_model.base_url.empty() && m_model.base_url.back() == '/') m_model.base_url.pop_back();
    if (ends_with(m_model.base_url, "/v1"))
      throw ConfigError(m_model.where, "base_url",
                        "'" + m_model.base_url + "' ends in /v1, LM Studio's OpenAI-compatible layer; for the lmstudio "
                        "dialect drop the /v1 (e.g. http://localhost:1234), or keep it and use dialect: openai");
    if (ends_with(m_model.base_url, "/api/v0") || ends_with(m_model.base_url, "/api"))
      throw ConfigError(m_model.where, "base_url",
                        "'" + m_model.base_url + "': the lmstudio dialect adds /api/v0/chat/completions itself; give the "
                        "server root (e.g. http://localhost:1234)");
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
      const std::string& role = m.role == "system" ? m_model.system_role : m.role;
      messages.push_back({{"role", role}, {"content", m.content}});
    }
    body["messages"] = std::move(messages);
    for (const auto& [key, value] : request.params.items()) body[key] = value;
    const std::string& effort = m_model.reasoning_effort;
    if (!effort.empty() && effort != "none") body["reasoning_effort"] = effort;
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
    for (const auto& [key, value] : m_model.extra_body.items()) body[key] = value;
    return body;
  }

  Completion complete(const CompletionRequest& request, const std::atomic<bool>* cancel) override {
    detail::HttpRequest http;
    http.url = m_model.base_url + "/api/v0/chat/completions";
    http.body = request_body(request).dump();
    http.headers = {"Content-Type: application/json", "Accept: text/event-stream"};
    if (!m_auth_header.empty()) http.headers.push_back(m_auth_header);
    http.connect_timeout_s = m_model.timeouts.connect_s;
    http.request_timeout_s = m_model.timeouts.request_s;
    http.stall_timeout_s = m_model.timeouts.stall_s;

    Completion completion;
    LmStudioStreamDecoder decoder(completion);
    const detail::HttpOutcome outcome = m_session.post(
        http,
        [&](std::string_view bytes, double t) {
          decoder.feed(bytes, t);
          return completion.ok();
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
    if (outcome.error.kind != ErrorKind::none && !had_stream_error) completion.error = outcome.error;
    return completion;
  }

 private:
  std::string hint_for_status(long status) const {
    switch (status) {
      case 401:
      case 403:
        return m_model.api_key_env.empty() ? " — the server wants an API token: set api_key_env in the models file"
                                           : " — check the token in $" + m_model.api_key_env;
      case 404:
        return " — check the model id '" + m_model.model + "' (`lms ls`), that base_url is the server root without /v1, "
               "and that this LM Studio has REST v0 (0.3.6 or later)";
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
std::unique_ptr<Provider> make_lmstudio_provider(const ModelSpec& model) { return std::make_unique<LmStudioProvider>(model); }
}  // namespace detail

}  // namespace goodput
