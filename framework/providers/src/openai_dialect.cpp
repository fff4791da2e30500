// SPDX-License-Identifier: MIT
// The `openai` dialect: POST {base_url}/chat/completions with stream:true and
// stream_options.include_usage, read SSE (openai_stream.hpp). Works with llama.cpp's server,
// LM Studio, vLLM, Ollama's /v1, exo and Bedrock's endpoint. The probe reads llama.cpp's
// /v1/models meta and /props; `goodput models` asks /health, the model list, and whether the
// server wants a key.
#include <memory>
#include <string>
#include <vector>

#include "goodput/dialect.hpp"
#include "json_fields.hpp"
#include "openai_stream.hpp"

namespace goodput::detail {

// A namespace of its own: every dialect names its parts alike (fill_body, status_hint, ...), and
// the unity build compiles the dialect files into one translation unit.
namespace openai {
namespace {

using nlohmann::json;

constexpr const char* k_chat_path = "/chat/completions";

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
void add_reasoning_effort(json& body, const std::string& effort) {
  if (effort.empty()) return;
  if (!body.contains("reasoning_effort")) body["reasoning_effort"] = effort;
  json& kwargs = body["chat_template_kwargs"];
  if (kwargs.is_null()) kwargs = json::object();
  if (!kwargs.is_object()) return;
  if (effort == "none") {
    if (!kwargs.contains("enable_thinking")) kwargs["enable_thinking"] = false;
  } else if (!kwargs.contains("reasoning_effort")) {
    kwargs["reasoning_effort"] = effort;
  }
}

void fill_body(json& body, const ModelSpec& model, const CompletionRequest& request) {
  // Sent exactly as given. Ollama's /v1 uses temperature 1.0 and top_p 1.0 when they are
  // missing, not the Modelfile's values (wire-formats.md §C): set both in the models file.
  merge_top_level(body, request.params);
  add_reasoning_effort(body, model.reasoning_effort);
  // Streaming with usage is how every metric is measured; a user cannot turn it off here.
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  // prompt_cache: cold against llama.cpp (the probe said so; other servers may refuse an
  // unknown field). A cache_prompt in params or extra_body wins.
  if (request.no_prompt_cache && !body.contains("cache_prompt")) body["cache_prompt"] = false;
  // extra_body always wins, key by key (a chat_template_kwargs there replaces ours whole).
  merge_top_level(body, model.extra_body);
}

std::string status_hint(long status, const ModelSpec& model) {
  if (status == 404) return " — check base_url (it usually ends in /v1) and the model id '" + model.model + "'";
  return "";
}

// answers: /v1/models, /props. llama.cpp: /props build_info and the context actually
// allocated; /v1/models meta.
ServerInfo read_server_info(const std::string& model, const std::vector<json>& answers) {
  const json& v1_models = answers[0];
  const json& props = answers[1];
  ServerInfo info;
  info.version = text_at(props, "build_info");
  // llama.cpp: /v1/models entries owned_by "llamacpp" (goodput sim: "goodput-sim", which
  // imitates it, cache_prompt included), or a /props with its build_info.
  info.takes_cache_prompt = !info.version.empty();
  if (v1_models.is_object() && v1_models.contains("data") && v1_models["data"].is_array())
    for (const auto& entry : v1_models["data"]) {
      const std::string owner = text_at(entry, "owned_by");
      info.takes_cache_prompt = info.takes_cache_prompt || owner == "llamacpp" || owner == "goodput-sim";
    }
  if (props.is_object() && props.contains("default_generation_settings"))
    info.context_length = integer_at(props["default_generation_settings"], "n_ctx");
  if (v1_models.is_object() && v1_models.contains("data"))
    if (const auto* entry = find_entry(v1_models["data"], model, {"id"}); entry && entry->contains("meta")) {
      const auto& meta = (*entry)["meta"];
      if (!info.context_length) info.context_length = integer_at(meta, "n_ctx_train");
      info.quantisation = text_at(meta, "ftype");
    }
  return info;
}

// A base_url that misses /v1, or an Ollama server named with the wrong dialect.
void suggest_dialect(ServerCheck& check) {
  const std::string& root = check.root();
  const HttpAnswer tags = check.get(root + "/api/tags");
  if (tags.ok() && tags.json.is_object() && tags.json.contains("models")) {
    check.note("this is Ollama (" + root + "/api/tags answers): use dialect: ollama with base_url: " + root +
               ", or keep dialect: openai with base_url: " + root + "/v1");
    return;
  }
  if (check.model().base_url.find("/v1") == std::string::npos) {
    const HttpAnswer v1 = check.get(root + "/v1/models");
    if (v1.ok() && v1.json.is_object() && v1.json.contains("data"))
      check.note("an OpenAI-compatible API answers at " + root + "/v1: set base_url: " + root + "/v1");
  }
}

// A request no server runs (no messages): only the key check before parsing can refuse it.
void check_key(ServerCheck& check) {
  const ModelSpec& model = check.model();
  const std::string url = model.base_url + k_chat_path;
  const HttpAnswer answer = check.post(url, json{{"model", model.model}, {"max_tokens", 1}, {"messages", nullptr}});
  if (answer.refused_key()) return check.auth_problem(answer.status, url);
  if (answer.status != 0) check.ok(check.sends_key() ? "the API key in $" + model.api_key_env + " is accepted" : "no API key needed");
}

void check_server(ServerCheck& check) {
  // llama.cpp's /health: up, loading or absent (other servers have none).
  const std::string& root = check.root();
  const HttpAnswer health = check.get(root + "/health");
  if (!health.connected()) return check.not_listening(health);
  if (health.status == 503) check.problem("the server is up but still loading the model (HTTP 503 from /health): wait and try again");
  else if (health.ok()) check.ok("the server is up (" + root + "/health answered " + std::to_string(health.status) + ")");

  const std::string models_url = check.model().base_url + "/models";
  const HttpAnswer models = check.get(models_url);
  if (!check.expect_model_list(models, models_url, "data", "an OpenAI-compatible endpoint", "")) {
    if (models.connected() && !models.refused_key()) suggest_dialect(check);
    return;
  }
  std::vector<std::string> ids;
  bool llamacpp = false;
  for (const auto& entry : models.json["data"]) {
    if (entry.is_object() && entry.contains("id") && entry["id"].is_string()) ids.push_back(entry["id"].get<std::string>());
    llamacpp = llamacpp || (entry.is_object() && entry.value("owned_by", "") == "llamacpp");
  }
  check.check_listed(ids, llamacpp && ids.size() == 1);
  check_key(check);
  check.report_server_info();
}

}  // namespace
}  // namespace openai

Dialect openai_dialect() {
  using namespace openai;
  return {.name = "openai", .chat_path = k_chat_path, .accept = "text/event-stream", .fill_body = fill_body,
          .make_decoder = decoder_for<OpenAiStreamDecoder>, .status_hint = status_hint,
          .probe_paths = {"/v1/models", "/props"}, .read_server_info = read_server_info, .check_server = check_server};
}

}  // namespace goodput::detail
