// SPDX-License-Identifier: MIT
// The `ollama` dialect: POST {base_url}/api/chat with stream:true, read NDJSON
// (wire-formats.md §C, ollama_stream.hpp). base_url is the server root, e.g.
// http://127.0.0.1:11434 — without /v1 (that is Ollama's OpenAI-compatible layer: use
// dialect openai for it). The probe and `goodput models` read /api/version and /api/tags.
//
// Request mapping: max_tokens / max_completion_tokens -> options.num_predict; temperature,
// top_p, top_k, min_p, seed, stop, repeat_penalty, presence_penalty, frequency_penalty ->
// options.*; reasoning_effort low/medium/high -> think:"low"/"medium"/"high", none ->
// think:false, unset -> no `think` (the model's default). extra_body is merged at the top
// level last, its `options` object merged key by key into ours, so that
// extra_body: {options: {num_ctx: 8192}} adds to the sampling options instead of replacing them.
#include <memory>
#include <string>
#include <vector>

#include "goodput/dialect.hpp"
#include "json_fields.hpp"
#include "ollama_stream.hpp"

namespace goodput::detail {

// A namespace of its own: every dialect names its parts alike (fill_body, status_hint, ...), and
// the unity build compiles the dialect files into one translation unit.
namespace ollama {
namespace {

using nlohmann::json;

std::string base_url_problem(const std::string& base_url) {
  return server_root_url_problem(base_url, {.dialect = "ollama", .server = "Ollama", .example = "http://127.0.0.1:11434",
                                            .api_prefixes = {"/api"}});
}

void fill_body(json& body, const ModelSpec& model, const CompletionRequest& request) {
  json options = json::object();
  for (const auto& [key, value] : request.params.items()) {
    if (value.is_null()) continue;
    if (key == "max_tokens" || key == "max_completion_tokens") {
      options["num_predict"] = value;
    } else if (key == "stop") {
      options["stop"] = value.is_array() ? value : json::array({value});
    } else {
      // temperature, top_p, top_k, min_p, seed, repeat_penalty, presence_penalty,
      // frequency_penalty: Ollama's options use the same names.
      options[key] = value;
    }
  }
  body["options"] = std::move(options);
  const std::string& effort = model.reasoning_effort;
  if (effort == "none") body["think"] = false;
  else if (!effort.empty()) body["think"] = effort;
  for (const auto& [key, value] : model.extra_body.items()) {
    if (key == "options" && value.is_object()) {
      merge_top_level(body["options"], value);
    } else {
      body[key] = value;
    }
  }
  body["stream"] = true;  // every metric is measured on the stream
}

std::string status_hint(long status, const ModelSpec& model) {
  switch (status) {
    case 404:
      return " — check the model name '" + model.model + "' (`ollama list`; `ollama pull " + model.model +
             "`) and that base_url is the server root without /v1";
    // Ollama itself has no keys, but a proxy in front of it may want one.
    case 401:
    case 403: return " — a proxy in front of Ollama wants a key: set api_key_env in the models file";
    default: return "";
  }
}

ServerInfo read_server_info(const std::string& model, const std::vector<json>& answers) {
  ServerInfo info{.version = text_at(answers[0], "version")};  // /api/version
  if (const json& tags = answers[1]; tags.is_object() && tags.contains("models"))  // /api/tags
    if (const auto* entry = find_entry(tags["models"], model, {"name", "model"}); entry && entry->contains("details")) {
      const auto& details = (*entry)["details"];
      info.quantisation = text_at(details, "quantization_level");
      info.arch = text_at(details, "family");
    }
  return info;
}

void check_server(ServerCheck& check) {
  const std::string& root = check.root();
  const HttpAnswer version = check.get(root + "/api/version");
  if (!version.connected()) return check.not_listening(version);
  if (version.ok() && version.json.is_object() && version.json.contains("version"))
    check.ok("Ollama " + version.json.value("version", std::string("?")) + " is up");
  const std::string tags_url = root + "/api/tags";
  const HttpAnswer tags = check.get(tags_url);
  if (!check.expect_model_list(tags, tags_url, "models", "Ollama's API",
                               " (for an OpenAI-compatible server use dialect: openai with a base_url ending in /v1)"))
    return;
  std::vector<std::string> ids;
  for (const auto& entry : tags.json["models"])
    if (entry.is_object()) ids.push_back(entry.value("name", entry.value("model", std::string())));
  if (!check.check_listed(ids, false) && !ids.empty()) check.note("to fetch it: ollama pull " + check.model().model);
  check.report_server_info();
}

}  // namespace
}  // namespace ollama

Dialect ollama_dialect() {
  using namespace ollama;
  return {.name = "ollama", .chat_path = "/api/chat", .accept = "application/x-ndjson", .base_url_problem = base_url_problem,
          .fill_body = fill_body, .make_decoder = decoder_for<OllamaStreamDecoder>, .status_hint = status_hint,
          .probe_paths = {"/api/version", "/api/tags"}, .read_server_info = read_server_info, .check_server = check_server,
          .implied_model_tag = ":latest"};  // Ollama ids may leave out ":latest"
}

}  // namespace goodput::detail
