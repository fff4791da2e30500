// SPDX-License-Identifier: MIT
// The `lmstudio` dialect: POST {base_url}/api/v0/chat/completions with stream:true and
// stream_options.include_usage, read SSE (wire-formats.md §D). base_url is the server root,
// e.g. http://localhost:1234 — without /v1 (that is LM Studio's OpenAI-compatible layer:
// use dialect openai for it). Over the OpenAI dialect this adds LM Studio's own figures:
// `stats` (seconds), `model_info` and `runtime` (lmstudio_stream.hpp). The probe and
// `goodput models` read /api/v0/models.
//
// reasoning_effort low/medium/high is sent as top-level `reasoning_effort`, which LM Studio
// honours for gpt-oss models; this is best effort, and other models ignore it. `none` is not
// sent: REST v0 has no switch that turns reasoning off.
#include <memory>
#include <string>
#include <vector>

#include "goodput/dialect.hpp"
#include "json_fields.hpp"
#include "lmstudio_stream.hpp"

namespace goodput::detail {

// A namespace of its own: every dialect names its parts alike (fill_body, status_hint, ...), and
// the unity build compiles the dialect files into one translation unit.
namespace lmstudio {
namespace {

using nlohmann::json;

std::string base_url_problem(const std::string& base_url) {
  return server_root_url_problem(base_url, {.dialect = "lmstudio", .server = "LM Studio", .example = "http://localhost:1234",
                                            .api_prefixes = {"/api/v0", "/api"}});
}

void fill_body(json& body, const ModelSpec& model, const CompletionRequest& request) {
  merge_top_level(body, request.params);
  const std::string& effort = model.reasoning_effort;
  if (!effort.empty() && effort != "none") body["reasoning_effort"] = effort;
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  merge_top_level(body, model.extra_body);
}

std::string status_hint(long status, const ModelSpec& model) {
  switch (status) {
    case 401:
    case 403:
      return model.api_key_env.empty() ? " — the server wants an API token: set api_key_env in the models file"
                                       : " — check the token in $" + model.api_key_env;
    case 404:
      return " — check the model id '" + model.model + "' (`lms ls`), that base_url is the server root without /v1, "
             "and that this LM Studio has REST v0 (0.3.6 or later)";
    default: return "";
  }
}

// answers: /api/v0/models.
ServerInfo read_server_info(const std::string& model, const std::vector<json>& answers) {
  const json& models = answers[0];
  ServerInfo info;
  if (models.is_object() && models.contains("data"))
    if (const auto* entry = find_entry(models["data"], model, {"id"})) {
      info.quantisation = text_at(*entry, "quantization");
      info.arch = text_at(*entry, "arch");
      info.context_length = integer_at(*entry, "loaded_context_length");
      if (!info.context_length) info.context_length = integer_at(*entry, "max_context_length");
    }
  return info;
}

void check_server(ServerCheck& check) {
  const std::string url = check.root() + "/api/v0/models";
  const HttpAnswer models = check.get(url);
  if (!check.expect_model_list(models, url, "data", "LM Studio's REST API",
                               " (for another OpenAI-compatible server use dialect: openai)"))
    return;
  check.ok("LM Studio is up");
  std::vector<std::string> ids;
  std::string state;
  for (const auto& entry : models.json["data"]) {
    if (!entry.is_object()) continue;
    ids.push_back(entry.value("id", std::string()));
    if (ids.back() == check.model().model) state = entry.value("state", std::string());
  }
  check.check_listed(ids, false);
  if (state == "not-loaded")
    check.note("'" + check.model().model + "' is not loaded yet: the first request loads it (warmup: true keeps that out of the figures)");
  check.report_server_info();
}

}  // namespace
}  // namespace lmstudio

Dialect lmstudio_dialect() {
  using namespace lmstudio;
  return {.name = "lmstudio", .chat_path = "/api/v0/chat/completions", .accept = "text/event-stream",
          .base_url_problem = base_url_problem, .fill_body = fill_body, .make_decoder = decoder_for<LmStudioStreamDecoder>,
          .status_hint = status_hint, .probe_paths = {"/api/v0/models"}, .read_server_info = read_server_info,
          .check_server = check_server};
}

}  // namespace goodput::detail
