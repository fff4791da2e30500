// SPDX-License-Identifier: MIT
#include "framework/server_probe.hpp"

#include <cstdlib>

#include "providers/curl_session.hpp"

#ifndef GOODPUT_VERSION
#define GOODPUT_VERSION "unknown"
#endif

namespace goodput::detail {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

nlohmann::json get_json(CurlSession& session, const std::string& url, const std::vector<std::string>& headers, double timeout_s) {
  std::string body;
  const HttpOutcome outcome = session.get(url, headers, timeout_s, body);
  if (outcome.error.kind != ErrorKind::none || outcome.status < 200 || outcome.status >= 300) return nullptr;
  return nlohmann::json::parse(body, nullptr, false);  // discarded (not an error) when not JSON
}

std::string string_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return {};
  const auto& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return {};
}

std::optional<std::int64_t> integer_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return std::nullopt;
  const auto& v = j[key];
  if (v.is_number_integer() || v.is_number_unsigned()) return v.get<std::int64_t>();
  if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
  if (v.is_string()) {
    char* end = nullptr;
    const long long n = std::strtoll(v.get_ref<const std::string&>().c_str(), &end, 10);
    if (end && *end == '\0' && !v.get_ref<const std::string&>().empty()) return n;
  }
  return std::nullopt;
}

// The entry of `list` (an array) whose `key` is `id`; a list of one stands for the model
// (llama.cpp serves exactly one model whatever it is called).
const nlohmann::json* find_entry(const nlohmann::json& list, const std::string& id, std::initializer_list<const char*> keys) {
  if (!list.is_array()) return nullptr;
  for (const auto& entry : list)
    for (const char* key : keys)
      if (string_at(entry, key) == id) return &entry;
  return list.size() == 1 ? &list.front() : nullptr;
}

}  // namespace

std::string server_root(const std::string& base_url) {
  std::string root = base_url;
  while (!root.empty() && root.back() == '/') root.pop_back();
  for (const char* suffix : {"/api/v0", "/v1", "/api"})
    if (ends_with(root, suffix)) {
      root.resize(root.size() - std::string(suffix).size());
      break;
    }
  return root;
}

std::vector<std::string> auth_headers(const ModelSpec& model) {
  if (model.api_key_env.empty()) return {};
  const char* key = std::getenv(model.api_key_env.c_str());
  if (!key || !*key) return {};
  return {std::string("Authorization: Bearer ") + key};
}

ServerInfo server_info_from(const std::string& model, const nlohmann::json& v1_models, const nlohmann::json& props,
                            const nlohmann::json& ollama_tags, const nlohmann::json& ollama_version,
                            const nlohmann::json& lmstudio_models) {
  ServerInfo info;
  // llama.cpp: /props build_info and the context actually allocated; /v1/models meta.
  info.version = string_at(props, "build_info");
  if (props.is_object() && props.contains("default_generation_settings"))
    info.context_length = integer_at(props["default_generation_settings"], "n_ctx");
  if (v1_models.is_object() && v1_models.contains("data"))
    if (const auto* entry = find_entry(v1_models["data"], model, {"id"}); entry && entry->contains("meta")) {
      const auto& meta = (*entry)["meta"];
      if (!info.context_length) info.context_length = integer_at(meta, "n_ctx_train");
      info.quantisation = string_at(meta, "ftype");
    }
  // Ollama: /api/version, /api/tags details.
  if (info.version.empty()) info.version = string_at(ollama_version, "version");
  if (ollama_tags.is_object() && ollama_tags.contains("models"))
    if (const auto* entry = find_entry(ollama_tags["models"], model, {"name", "model"}); entry && entry->contains("details")) {
      const auto& details = (*entry)["details"];
      if (info.quantisation.empty()) info.quantisation = string_at(details, "quantization_level");
      if (info.arch.empty()) info.arch = string_at(details, "family");
    }
  // LM Studio: /api/v0/models.
  if (lmstudio_models.is_object() && lmstudio_models.contains("data"))
    if (const auto* entry = find_entry(lmstudio_models["data"], model, {"id"})) {
      if (info.quantisation.empty()) info.quantisation = string_at(*entry, "quantization");
      if (info.arch.empty()) info.arch = string_at(*entry, "arch");
      if (!info.context_length) info.context_length = integer_at(*entry, "loaded_context_length");
      if (!info.context_length) info.context_length = integer_at(*entry, "max_context_length");
    }
  return info;
}

bool endpoint_is_goodput_sim(const ModelSpec& model, double timeout_s) {
  try {
    CurlSession session;
    const nlohmann::json models = get_json(session, server_root(model.base_url) + "/v1/models", auth_headers(model), timeout_s);
    if (!models.is_object() || !models.contains("data") || !models["data"].is_array() || models["data"].empty()) return false;
    for (const auto& entry : models["data"])
      if (string_at(entry, "owned_by") != "goodput-sim") return false;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

ServerInfo probe_server_info(const ModelSpec& model, double timeout_s) {
  try {
    CurlSession session;
    const std::string root = server_root(model.base_url);
    const auto headers = auth_headers(model);
    nlohmann::json v1_models, props, tags, version, lmstudio;
    if (model.dialect == "ollama") {
      version = get_json(session, root + "/api/version", headers, timeout_s);
      if (!version.is_null()) tags = get_json(session, root + "/api/tags", headers, timeout_s);
    } else if (model.dialect == "lmstudio") {
      lmstudio = get_json(session, root + "/api/v0/models", headers, timeout_s);
    } else {
      v1_models = get_json(session, root + "/v1/models", headers, timeout_s);
      if (!v1_models.is_null()) props = get_json(session, root + "/props", headers, timeout_s);
    }
    return server_info_from(model.model, v1_models, props, tags, version, lmstudio);
  } catch (const std::exception&) {
    return {};  // best effort: a fingerprint without these fields
  }
}

nlohmann::json make_fingerprint(const ModelSpec& model, const ServerInfo& probe, const Completion* completion,
                                const nlohmann::json& request_body) {
  const auto text_or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  std::string version = probe.version;
  std::string system_fingerprint;
  std::string server_model;
  std::string quantisation = probe.quantisation;
  std::string arch = probe.arch;
  std::optional<std::int64_t> context_length = probe.context_length;
  if (completion) {
    if (!completion->server_version.empty()) version = completion->server_version;
    system_fingerprint = completion->system_fingerprint;
    server_model = completion->server_model;
    const auto& info = completion->server_model_info;
    for (const char* key : {"quant", "quantization", "quantisation", "quantization_level"})
      if (auto it = info.find(key); it != info.end() && !it->second.empty()) quantisation = it->second;
    if (auto it = info.find("arch"); it != info.end() && !it->second.empty()) arch = it->second;
    if (auto it = info.find("context_length"); it != info.end()) {
      char* end = nullptr;
      const long long n = std::strtoll(it->second.c_str(), &end, 10);
      if (end && *end == '\0' && !it->second.empty()) context_length = n;
    }
  }
  // A build string in the stream (llama.cpp's system_fingerprint) names the server too.
  if (version.empty()) version = system_fingerprint;
  nlohmann::json params = request_body.is_object() ? request_body : nlohmann::json::object();
  params.erase("messages");
  return {
      {"goodput_version", GOODPUT_VERSION},
      {"dialect", model.dialect},
      {"endpoint", model.base_url},
      {"model", model.model},
      {"server_model", text_or_null(server_model)},
      {"server_version", text_or_null(version)},
      {"system_fingerprint", text_or_null(system_fingerprint)},
      {"quantisation", text_or_null(quantisation)},
      {"context_length", context_length ? nlohmann::json(*context_length) : nlohmann::json(nullptr)},
      {"arch", text_or_null(arch)},
      {"simulated", model.simulated},
      {"request_params", std::move(params)},
  };
}

}  // namespace goodput::detail
