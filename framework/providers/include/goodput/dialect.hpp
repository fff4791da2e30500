// SPDX-License-Identifier: MIT
// The dialect table: what differs between the servers goodput talks to, as data. One row
// per dialect, each in its own file (openai_dialect.cpp, ollama_dialect.cpp,
// lmstudio_dialect.cpp). What they share is written once: HttpChatProvider sends a request
// and measures it, StreamDecoder finishes the Completion, server_probe.cpp and `goodput
// models` ask the row what to GET. find_dialect() is the one lookup by name, used by the
// models-file loader, make_provider, the server probe and `goodput models`. Internal to
// goodput's framework modules (tests and tools that link it may register rows of their own).
//
// Adding a dialect is adding one file and one registration line:
//
//   // toy_dialect.cpp: a StreamDecoder for the format, and the row
//   detail::Dialect toy_dialect() {
//     return {.name = "toy",                // `dialect: toy` in a models file
//             .chat_path = "/generate",     // POSTed at base_url + chat_path
//             .accept = "text/plain",
//             .fill_body = [](nlohmann::json& body, const ModelSpec&, const CompletionRequest&) { ... },
//             .make_decoder = decoder_for<ToyDecoder>};
//   }
//   // built in: its declaration below and a line in the table (dialect_registry.cpp);
//   // anywhere else (a test, a tool linking the framework):
//   const detail::DialectRegistration k_toy{toy_dialect()};
//
// tests/framework/toy_dialect_test.cpp is such a file, run end to end.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "goodput/completion.hpp"
#include "goodput/error.hpp"
#include "goodput/model_spec.hpp"
#include "goodput/provider.hpp"
#include "goodput/stream_decoder.hpp"

namespace goodput::detail {

// What a server says about itself (version or build, the model's quantisation and context
// length), for each run's fingerprint and for `goodput models`. Empty where unknown.
struct ServerInfo {
  std::string version = {};  // llama.cpp /props build_info, Ollama /api/version
  std::string quantisation = {};
  std::optional<std::int64_t> context_length = {};
  std::string arch = {};
  // llama.cpp's server (or goodput sim, which speaks its format): takes `cache_prompt: false`.
  bool takes_cache_prompt = false;
};

// One answer to a `goodput models` request.
struct HttpAnswer {
  long status = 0;       // 0: no HTTP answer at all
  TransportError error;  // connect, timeout...
  std::string body;
  nlohmann::json json;   // null when the body is not JSON
  bool connected() const { return error.kind == ErrorKind::none || status != 0; }
  bool ok() const { return error.kind == ErrorKind::none && status >= 200 && status < 300; }
  bool refused_key() const { return status == 401 || status == 403; }
  // An HTML page (a web UI, a proxy's error page), not an API.
  bool html() const {
    const auto first = body.find_first_not_of(" \t\r\n");
    return first != std::string::npos && body[first] == '<';
  }
};

// What a dialect's `goodput models` check can ask and say; models_command.cpp implements
// it. Requests carry the model's key and the command's timeout. Texts are escaped before
// they are printed, so they may quote what the server said.
class ServerCheck {
 public:
  virtual ~ServerCheck() = default;
  virtual const ModelSpec& model() const = 0;
  virtual const std::string& root() const = 0;  // server_root(base_url): where /health lives
  virtual bool sends_key() const = 0;           // an api_key_env is named and set
  virtual HttpAnswer get(const std::string& url) = 0;
  virtual HttpAnswer post(const std::string& url, const nlohmann::json& body) = 0;
  virtual void ok(const std::string& text) = 0;
  virtual void note(const std::string& text) = 0;
  virtual void problem(const std::string& text) = 0;  // counted; the command then fails
  // The usual diagnoses: nothing listens; the server wants a (different) key.
  virtual void not_listening(const HttpAnswer& answer) = 0;
  virtual void auth_problem(long status, const std::string& url) = 0;
  // True when `answer` (a GET of `url`) is a model list: a JSON object whose `key` is an
  // array. Else says why not (nothing listens, a key is wanted, or "this is not <api>: GET
  // <url> answered <what>" and `hint`) and returns false.
  virtual bool expect_model_list(const HttpAnswer& answer, const std::string& url, const char* key,
                                 const std::string& api, const std::string& hint) = 0;
  // Reports the ids the server serves and whether the model is one of them (a problem when
  // not, except on a server of one model, which answers to any name); returns whether it is.
  virtual bool check_listed(const std::vector<std::string>& ids, bool single_model_server) = 0;
  // One line with what the server probe learns (version, quantisation, context).
  virtual void report_server_info() = 0;
};

// Members default to empty, so that a row names only what it has (designated initializers).
struct Dialect {
  std::string name = {};  // as written in models files: `dialect: openai`

  // The request. POST base_url + chat_path, Accept: accept.
  std::string chat_path = {};
  std::string accept = {};
  // What is wrong with base_url (given without a trailing '/') for this dialect and what to
  // do, quoting it, or "" when it is fine. May be empty: any base_url.
  std::function<std::string(const std::string& base_url)> base_url_problem = {};
  // Completes the body, which already holds `model` and `messages` (the system message in
  // the model's system_role): parameters, reasoning effort, streaming, extra_body.
  std::function<void(nlohmann::json& body, const ModelSpec& model, const CompletionRequest& request)> fill_body = {};
  std::function<std::unique_ptr<StreamDecoder>(Completion& out)> make_decoder = {};
  // " — what to do" after "HTTP <status> from <url>: <message>", or "" for the usual hint
  // (http_chat_provider.cpp). May be empty.
  std::function<std::string(long status, const ModelSpec& model)> status_hint = {};

  // The server probe: GETs of server_root(base_url) + path, in order, stopping at the first
  // that fails; read_server_info gets one document per path (null: failed or not asked).
  // Both may be empty: nothing is probed.
  std::vector<std::string> probe_paths = {};
  std::function<ServerInfo(const std::string& model, const std::vector<nlohmann::json>& answers)> read_server_info = {};
  // `goodput models`: is the server up, does it serve the model, does it take the key. May
  // be empty: only the key variable is checked.
  std::function<void(ServerCheck& check)> check_server = {};
  // A suffix servers add to model ids that the models file may leave out (Ollama ":latest").
  std::string implied_model_tag = {};
};

// The one lookup by name. Throws ConfigError at `where` / `field` for a name not in the
// table, naming the closest known one and all of them.
const Dialect& find_dialect(std::string_view name, const SourceLocation& where = {},
                            const std::string& field = "dialect");

// Adds a row to the table. Throws std::invalid_argument when the name is empty or taken, or
// the row has no fill_body or make_decoder. Rows are never removed.
void register_dialect(Dialect dialect);

// Registers a dialect where it is defined, at static initialisation:
//   const detail::DialectRegistration k_toy{toy_dialect()};
// Only in a file linked into the executable itself: the linker may drop a file of a static
// library that nothing refers to, registration and all (hence the built-in table).
struct DialectRegistration {
  explicit DialectRegistration(Dialect dialect) { register_dialect(std::move(dialect)); }
};

// The built-in rows, one file each; the table in dialect_registry.cpp lists them.
Dialect openai_dialect();
Dialect ollama_dialect();
Dialect lmstudio_dialect();

// Shared by the rows. decoder_for: Dialect::make_decoder for a decoder made from the
// Completion alone.
template <class Decoder>
std::unique_ptr<StreamDecoder> decoder_for(Completion& out) {
  return std::make_unique<Decoder>(out);
}

// `value`'s keys copied over `body`'s, key by key (params, extra_body).
void merge_top_level(nlohmann::json& body, const nlohmann::json& value);

// A dialect whose base_url is the server root (Ollama, LM Studio): /v1 there is the same
// server's OpenAI-compatible layer (dialect openai), and the dialect adds its API path itself.
struct ServerRootUrl {
  std::string_view dialect;                    // "ollama"
  std::string_view server;                     // "Ollama"
  std::string_view example;                    // "http://127.0.0.1:11434"
  std::vector<std::string_view> api_prefixes;  // what the dialect adds: "/api"
};
// For Dialect::base_url_problem: what is wrong with such a base_url, or "".
std::string server_root_url_problem(const std::string& base_url, const ServerRootUrl& root);

}  // namespace goodput::detail
