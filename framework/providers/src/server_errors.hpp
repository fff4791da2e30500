// SPDX-License-Identifier: MIT
// A readable message from what a server sends when something went wrong: a non-2xx body, or
// an error payload in the middle of a stream. Servers disagree on the shape (OpenAI, vLLM,
// llama.cpp, Ollama, FastAPI), so every known shape is read, and anything else is quoted.
// Never throws. Private to the providers.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace goodput {

// A readable message for a non-2xx response body: the `error.message` (with its type and
// code) of an OpenAI-style body, a bare `{"error": "..."}` (Ollama), FastAPI's
// `{"detail": ...}`, else the first 200 bytes of the body.
std::string error_message_from_body(std::string_view body);

namespace detail {

// The value of an `error` key: {message, type, code} or a bare string.
std::string describe_error(const nlohmann::json& error);

// The payload of an SSE `event: error` event or of an old llama.cpp `error:` line.
std::string describe_error_text(std::string_view text);

// Why a 2xx reply that no decoder could read is not a chat stream at all, or "" when it may
// be one (its decoder's message stands): an empty body, an HTML page, or text in another
// framing than `accept` (text/event-stream, application/x-ndjson; a JSON body is left to the
// decoder). `start` is the body's first bytes, `size` all its bytes. Reads like
// "HTTP 200 from <url> " + the result.
std::string foreign_reply_problem(std::string_view start, std::size_t size, std::string_view content_type,
                                  std::string_view accept);

}  // namespace detail

}  // namespace goodput
