// SPDX-License-Identifier: MIT
// The `ollama` dialect: POST {base_url}/api/chat with stream:true, read NDJSON
// (wire-formats.md §C). base_url is the server root, e.g. http://127.0.0.1:11434 — without
// /v1 (that is Ollama's OpenAI-compatible layer: use dialect openai for it).
//
// Request mapping: max_tokens / max_completion_tokens -> options.num_predict; temperature,
// top_p, top_k, min_p, seed, stop, repeat_penalty, presence_penalty, frequency_penalty ->
// options.*; reasoning_effort low/medium/high -> think:"low"/"medium"/"high", none ->
// think:false, unset -> no `think` (the model's default). extra_body is merged at the top
// level last, its `options` object merged key by key into ours, so that
// extra_body: {options: {num_ctx: 8192}} adds to the sampling options instead of replacing them.
#include <cstdlib>

#include "goodput/provider.hpp"
#include "providers/curl_session.hpp"
#include "providers/dialects.hpp"
#include "providers/ollama_stream.hpp"
#include "providers/openai_stream.hpp"

namespace goodput {

namespace {

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class OllamaProvider final : public Provider {
 public:
  explicit OllamaProvider(ModelSpec model) : m_model(std::move(model)) {
    while (!m_model.base_url.empty() && m_model.base_url.back() == '/') m_model.base_url.pop_back();
    if (ends_with(m_model.base_url, "/v1"))
      throw ConfigError(m_model.where, "base_url",
                        "'" + m_model.base_url + "' ends in /v1, Ollama's OpenAI-compatible layer; for the native "
                        "ollama dialect drop the /v1 (e.g. http://127.0.0.1:11434), or keep it and use dialect: openai");
    if (ends_with(m_model.base_url, "/api"))
      throw ConfigError(m_model.where, "base_url",
                        "'" + m_model.base_url + "' ends in /api; the ollama dialect adds /api/chat itself: drop the /api "
                        "(e.g. http://127.0.0.1:11434)");
    if (!m_model.api_key_env.empty()) {
      // Ollama itself has no keys, but a proxy in front of it may want one.
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
    body["stream"] = true;
    nlohmann::json options = nlohmann::json::object();
    for (const auto& [key, value] : request.params.items()) {
      if (value.is_null()) continue;
      if (key == "max_tokens" || key == "max_completion_tokens") {
        options["num_predict"] = value;
      } else if (key == "stop") {
        options["stop"] = value.is_array() ? value : nlohmann::json::array({value});
      } else {
        // temperature, top_p, top_k, min_p, seed, repeat_penalty, presence_penalty,
        // frequency_penalty: Ollama's options use the same names.
        options[key] = value;
      }
    }
    body["options"] = std::move(options);
    const std::string& effort = m_model.reasoning_effort;
    if (effort == "none") body["think"] = false;
    else if (!effort.empty()) body["think"] = effort;
    for (const auto& [key, value] : m_model.extra_body.items()) {
      if (key == "options" && value.is_object()) {
        for (const auto& [option, option_value] : value.items()) body["options"][option] = option_value;
      } else {
        body[key] = value;
      }
    }
    body["stream"] = true;  // every metric is measured on the stream
    return body;
  }

  Completion complete(const CompletionRequest& request, const std::atomic<bool>* cancel) override {
    detail::HttpRequest http;
    http.url = m_model.base_url + "/api/chat";
    http.body = request_body(request).dump();
    http.headers = {"Content-Type: application/json", "Accept: application/x-ndjson"};
    if (!m_auth_header.empty()) http.headers.push_back(m_auth_header);
    http.connect_timeout_s = m_model.timeouts.connect_s;
    http.request_timeout_s = m_model.timeouts.request_s;
    http.stall_timeout_s = m_model.timeouts.stall_s;

    Completion completion;
    OllamaStreamDecoder decoder(completion);
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
      case 404:
        return " — check the model name '" + m_model.model + "' (`ollama list`; `ollama pull " + m_model.model +
               "`) and that base_url is the server root without /v1";
      case 401:
      case 403: return " — a proxy in front of Ollama wants a key: set api_key_env in the models file";
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
std::unique_ptr<Provider> make_ollama_provider(const ModelSpec& model) { return std::make_unique<OllamaProvider>(model); }
}  // namespace detail

}  // namespace goodput
