// SPDX-License-Identifier: MIT
#include "goodput/server_probe.hpp"

#include <cstdlib>

#include "goodput/api_key.hpp"
#include "goodput/curl_session.hpp"
#include "json_fields.hpp"

#ifndef GOODPUT_VERSION
#define GOODPUT_VERSION "unknown"
#endif

namespace goodput::detail {

namespace {

nlohmann::json get_json(CurlSession& session, const std::string& url, const std::vector<std::string>& headers, double timeout_s) {
  std::string body;
  const HttpOutcome outcome = session.get(url, headers, timeout_s, body);
  if (outcome.error.kind != ErrorKind::none || outcome.status < 200 || outcome.status >= 300) return nullptr;
  return nlohmann::json::parse(body, nullptr, false);  // discarded (not an error) when not JSON
}

}  // namespace

std::string server_root(const std::string& base_url) {
  std::string root = base_url;
  while (!root.empty() && root.back() == '/') root.pop_back();
  for (const char* suffix : {"/api/v0", "/v1", "/api"})
    if (root.ends_with(suffix)) {
      root.resize(root.size() - std::string(suffix).size());
      break;
    }
  return root;
}

bool endpoint_is_goodput_sim(const ModelSpec& model, double timeout_s) {
  try {
    CurlSession session;
    const nlohmann::json models = get_json(session, server_root(model.base_url) + "/v1/models", auth_headers(model), timeout_s);
    if (!models.is_object() || !models.contains("data") || !models["data"].is_array() || models["data"].empty()) return false;
    for (const auto& entry : models["data"])
      if (text_at(entry, "owned_by") != "goodput-sim") return false;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

ServerInfo probe_server_info(const ModelSpec& model, double timeout_s) {
  try {
    const Dialect& dialect = find_dialect(model.dialect, model.where);
    if (!dialect.read_server_info) return {};
    CurlSession session;
    const std::string root = server_root(model.base_url);
    const auto headers = auth_headers(model);
    std::vector<nlohmann::json> answers(dialect.probe_paths.size());
    for (std::size_t i = 0; i < answers.size(); ++i) {
      answers[i] = get_json(session, root + dialect.probe_paths[i], headers, timeout_s);
      if (answers[i].is_null()) break;  // the server is not there, or not this kind
    }
    return dialect.read_server_info(model.model, answers);
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
