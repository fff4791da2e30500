// SPDX-License-Identifier: MIT
// The one Provider: POSTs a chat request in a model's dialect (dialect.hpp) and decodes the
// streamed reply with that dialect's StreamDecoder. What every dialect does the same is
// here: the base_url check, the Authorization header, timeouts, the POST, and HTTP status
// errors with a hint of what to do. A dialect supplies only what differs.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "goodput/provider.hpp"
#include "goodput/api_key.hpp"
#include "goodput/curl_session.hpp"
#include "goodput/dialect.hpp"
#include "goodput/json_text.hpp"
#include "goodput/yaml_util.hpp"
#include "server_errors.hpp"

namespace goodput {

namespace {

constexpr std::size_t k_body_start_bytes = 256;

class HttpChatProvider final : public Provider {
 public:
  // Throws ConfigError when base_url does not suit the dialect, or api_key_env names a
  // variable that is not set.
  HttpChatProvider(const detail::Dialect& dialect, ModelSpec model)
      : m_dialect(dialect), m_model(std::move(model)) {
    while (!m_model.base_url.empty() && m_model.base_url.back() == '/') m_model.base_url.pop_back();
    if (m_dialect.base_url_problem) {
      if (std::string problem = m_dialect.base_url_problem(m_model.base_url); !problem.empty())
        throw ConfigError(m_model.where, detail::join_field(m_model.field, "base_url"), problem);
    }
    m_auth_headers = detail::required_auth_headers(m_model);
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
    m_dialect.fill_body(body, m_model, request);
    return body;
  }

  Completion complete(const CompletionRequest& request, const std::atomic<bool>* cancel) override {
    detail::HttpRequest http;
    http.url = m_model.base_url + m_dialect.chat_path;
    http.body = detail::json_text(request_body(request));
    http.headers = {"Content-Type: application/json", "Accept: " + m_dialect.accept};
    http.headers.insert(http.headers.end(), m_auth_headers.begin(), m_auth_headers.end());
    http.connect_timeout_s = m_model.timeouts.connect_s;
    http.request_timeout_s = m_model.timeouts.request_s;
    http.stall_timeout_s = m_model.timeouts.stall_s;

    Completion completion;
    const std::unique_ptr<StreamDecoder> decoder = m_dialect.make_decoder(completion);
    decoder->set_max_bytes(m_model.max_answer_mb * k_bytes_per_mb);
    std::string body_start;  // kept to say what came back when it is no chat stream at all
    std::size_t body_size = 0;
    const detail::HttpOutcome outcome = m_session.post(
        http,
        [&](std::string_view bytes, double t) {
          body_size += bytes.size();
          if (body_start.size() < k_body_start_bytes)
            body_start.append(bytes.substr(0, k_body_start_bytes - body_start.size()));
          decoder->feed(bytes, t);
          return completion.ok();  // an error payload ends the stream
        },
        cancel);

    if (outcome.status != 0 && (outcome.status < 200 || outcome.status >= 300)) {
      completion.error = {ErrorKind::http_status,
                          "HTTP " + std::to_string(outcome.status) + " from " + http.url + ": " +
                              error_message_from_body(outcome.error_body) + status_hint(outcome.status),
                          outcome.status};
      completion.retry_after_s = outcome.retry_after_s;
      completion.times.end = outcome.end_s;
      finalise_metrics(completion);
      return completion;
    }
    const bool had_stream_error = !completion.ok();
    decoder->finish(outcome.end_s);
    // A transport failure explains a cut stream better than "truncated"; a stream error the
    // server sent explains it better still.
    if (outcome.error.kind != ErrorKind::none && !had_stream_error) completion.error = outcome.error;
    // A reply in no framing at all (an HTML page, nothing) is better described by what it is
    // than by "the stream ended before [DONE]" or the decoder's complaint about its first line.
    const bool unread = completion.error.kind == ErrorKind::truncated || completion.error.kind == ErrorKind::bad_response;
    if (unread && outcome.error.kind == ErrorKind::none && completion.times.token_chunks == 0) {
      const std::string problem = detail::foreign_reply_problem(body_start, body_size, outcome.content_type, m_dialect.accept);
      if (!problem.empty())
        completion.error = {ErrorKind::bad_response, "HTTP " + std::to_string(outcome.status) + " from " + http.url + " " + problem, 0};
    }
    return completion;
  }

 private:
  // The dialect's hint first: it knows what its paths and ids look like.
  std::string status_hint(long status) const {
    if (m_dialect.status_hint) {
      if (std::string hint = m_dialect.status_hint(status, m_model); !hint.empty()) return hint;
    }
    switch (status) {
      case 401:
      case 403:
        return m_model.api_key_env.empty() ? " — the server wants an API key: set api_key_env in the models file"
                                           : " — check the key in $" + m_model.api_key_env;
      case 404: return " — check base_url and the model id '" + m_model.model + "'";
      case 503: return " — the server is busy or still loading the model";
      default: return "";
    }
  }

  const detail::Dialect& m_dialect;  // a row of the table: never moves, never goes away
  ModelSpec m_model;
  std::vector<std::string> m_auth_headers;
  detail::CurlSession m_session;
};

}  // namespace

std::unique_ptr<Provider> make_provider(const ModelSpec& model) {
  return std::make_unique<HttpChatProvider>(detail::find_dialect(model.dialect, model.where), model);
}

}  // namespace goodput
