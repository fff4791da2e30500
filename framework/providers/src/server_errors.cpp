// SPDX-License-Identifier: MIT
#include "server_errors.hpp"

#include <vector>

#include <nlohmann/json.hpp>

#include "json_fields.hpp"

namespace goodput {

namespace {

using nlohmann::json;

constexpr std::size_t k_body_quote_bytes = 200;

std::string dump(const json& value) {
  // Replace rather than throw: a message about bad input must not fail on that input.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string scalar_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : dump(value);
}

}  // namespace

namespace detail {

// Servers disagree on the shape: OpenAI sends {message, type, param, code} with a string
// code, vLLM and llama.cpp a numeric code, Ollama a bare string.
std::string describe_error(const json& error) {
  if (!error.is_object()) return scalar_text(error);
  const auto message = error.find("message");
  if (message == error.end() || message->is_null()) return dump(error);
  std::string text = scalar_text(*message);
  std::vector<std::string> extras;
  for (const char* key : {"type", "code"}) {
    const auto it = error.find(key);
    if (it != error.end() && !it->is_null()) {
      extras.push_back(std::string(key) + ": " + scalar_text(*it));
    }
  }
  if (!extras.empty()) {
    text += " (";
    for (std::size_t i = 0; i < extras.size(); ++i) text += (i ? ", " : "") + extras[i];
    text += ')';
  }
  return text;
}

std::string describe_error_text(std::string_view text) {
  if (is_blank(text)) return "the server sent an error event without a message";
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return quote_start(text, k_body_quote_bytes);
  if (parsed.is_object()) {
    const auto error = parsed.find("error");
    if (error != parsed.end() && !error->is_null()) return describe_error(*error);
  }
  return describe_error(parsed);
}

}  // namespace detail

std::string error_message_from_body(std::string_view body) {
  if (detail::is_blank(body)) return "the response body was empty";
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_string()) return parsed.get<std::string>();
  if (parsed.is_object()) {
    if (const auto error = parsed.find("error"); error != parsed.end() && !error->is_null()) {
      return detail::describe_error(*error);
    }
    if (const auto details = parsed.find("detail"); details != parsed.end() && !details->is_null()) {
      if (!details->is_array()) return scalar_text(*details);
      // FastAPI validation errors: [{"loc": ["body", "messages"], "msg": "...", ...}]
      std::string text;
      for (const json& item : *details) {
        if (!text.empty()) text += "; ";
        const auto msg = item.is_object() ? item.find("msg") : item.end();
        if (!item.is_object() || msg == item.end()) {
          text += dump(item);
          continue;
        }
        if (const auto loc = item.find("loc"); loc != item.end() && loc->is_array()) {
          std::string path;
          for (const json& step : *loc) path += (path.empty() ? "" : ".") + scalar_text(step);
          if (!path.empty()) text += path + ": ";
        }
        text += scalar_text(*msg);
      }
      return text;
    }
    const auto message = parsed.find("message");
    if (message != parsed.end() && message->is_string()) return message->get<std::string>();
  }
  return detail::quote_start(body, k_body_quote_bytes);
}

}  // namespace goodput
