// SPDX-License-Identifier: MIT
#include "server_errors.hpp"

#include <cctype>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/terminal_text.hpp"
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

namespace {

constexpr std::size_t k_reply_quote_bytes = 120;

// The start of what a server sent, bounded and safe to print whatever the bytes.
std::string printable_start(std::string_view bytes) { return terminal_text(quote_start(bytes, k_reply_quote_bytes)); }

std::string_view reply_trim_start(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r' || text.front() == '\n'))
    text.remove_prefix(1);
  return text;
}

// An SSE line: a field name and a colon ("data:", "event:", llama.cpp's old "error:"), or a
// comment (":").
bool reply_starts_like_sse(std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && (std::isalpha(static_cast<unsigned char>(text[n])) || text[n] == '_')) ++n;
  return n < text.size() && text[n] == ':';
}

bool reply_contains(std::string_view text, std::string_view what) { return text.find(what) != std::string_view::npos; }

// The <title> of an HTML page (a proxy's or web server's error page), or "".
std::string html_title(std::string_view body) {
  constexpr std::size_t k_looked_at = 4096;
  std::string lower(body.substr(0, k_looked_at));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto tag = lower.find("<title");
  const auto open_end = tag == std::string::npos ? tag : lower.find('>', tag);
  const auto close = open_end == std::string::npos ? open_end : lower.find("</title", open_end);
  if (close == std::string::npos) return "";
  std::string_view title = body.substr(open_end + 1, close - open_end - 1);
  while (!title.empty() && std::isspace(static_cast<unsigned char>(title.front()))) title.remove_prefix(1);
  while (!title.empty() && std::isspace(static_cast<unsigned char>(title.back()))) title.remove_suffix(1);
  return printable_start(title);
}

}  // namespace

std::string foreign_reply_problem(std::string_view start, std::size_t size, std::string_view content_type,
                                  std::string_view accept) {
  const std::string type = content_type.empty() ? "none" : printable_start(content_type);
  if (size == 0 || (is_blank(start) && size == start.size()))
    return "has an empty body (Content-Type: " + type +
           "): no chat stream came back — check that base_url points at the model server's API, not at a proxy or "
           "another service";
  const bool sse = reply_contains(accept, "event-stream");
  const bool ndjson = reply_contains(accept, "ndjson");
  const std::string_view text = reply_trim_start(start);
  const std::string quoted = "\"" + printable_start(start) + "\"";
  if (reply_contains(content_type, "html") || ((sse || ndjson) && text.starts_with('<')))
    return "is an HTML page, not a chat stream (Content-Type: " + type + "; it starts " + quoted +
           "): base_url probably points at a web page, a proxy or a login portal — use the address of the server's API";
  if (!sse && !ndjson) return "";
  if (text.starts_with('{') || text.starts_with('[') || (sse && reply_starts_like_sse(text))) return "";
  return "is not a chat stream (Content-Type: " + type + ", expected " + std::string(accept) + "; it starts " + quoted +
         "): check base_url and dialect — a proxy or another service may be answering";
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
  if (const std::string title = detail::html_title(body); !title.empty())
    return "an HTML page titled \"" + title + "\" (a web server or proxy answered, not a model server's API)";
  return detail::quote_start(body, k_body_quote_bytes);
}

}  // namespace goodput
