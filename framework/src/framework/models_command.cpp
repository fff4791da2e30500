// SPDX-License-Identifier: MIT
// `goodput models`: is each endpoint up, what does it serve, and, when something is wrong,
// what to do about it. Plain GETs (and, for OpenAI-style servers, one request no server
// runs, to learn whether it wants a key), so checking never loads a model.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <ostream>

#include "framework/server_probe.hpp"
#include "goodput/commands.hpp"
#include "goodput/spec.hpp"
#include "providers/curl_session.hpp"
#include "reporters/terminal_text.hpp"
#include "sim/sim_server.hpp"

namespace goodput {

namespace {

struct Answer {
  detail::HttpOutcome outcome;
  std::string body;
  nlohmann::json json;  // discarded when the body is not JSON
  bool connected() const { return outcome.error.kind == ErrorKind::none || outcome.status != 0; }
  bool ok() const { return outcome.error.kind == ErrorKind::none && outcome.status >= 200 && outcome.status < 300; }
  bool html() const {
    const auto first = body.find_first_not_of(" \t\r\n");
    return first != std::string::npos && body[first] == '<';
  }
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

class ModelCheck {
 public:
  ModelCheck(const ModelSpec& model, double timeout_s, std::ostream& out)
      : m_model(model), m_timeout_s(timeout_s), m_out(out), m_root(detail::server_root(model.base_url)) {
    m_headers = detail::auth_headers(model);
  }

  // Returns the number of problems found.
  int run() {
    m_out << "model " << detail::terminal_text(m_model.name) << ": '" << detail::terminal_text(m_model.model) << "' at "
          << detail::terminal_text(m_model.base_url) << " (" << detail::terminal_text(m_model.dialect)
          << (m_model.simulated ? ", SIMULATED" : "") << ")\n";
    if (!m_model.api_key_env.empty() && m_headers.empty())
      problem("api_key_env names $" + m_model.api_key_env + ", which is not set: export it before running (the key itself never goes in a file)");
    if (m_model.dialect == "ollama")
      check_ollama();
    else if (m_model.dialect == "lmstudio")
      check_lmstudio();
    else
      check_openai();
    return m_problems;
  }

 private:
  Answer get(const std::string& url) {
    Answer a;
    a.outcome = m_session.get(url, m_headers, m_timeout_s, a.body);
    a.json = nlohmann::json::parse(a.body, nullptr, false);
    if (a.json.is_discarded()) a.json = nullptr;
    return a;
  }

  // The texts hold what the server answered (model ids, versions, error messages) and names
  // from the models file: escaped, so a server cannot print lines of its own.
  void ok(const std::string& text) { m_out << "  [ OK      ] " << detail::terminal_text(text) << "\n"; }
  void note(const std::string& text) { m_out << "  [ NOTE    ] " << detail::terminal_text(text) << "\n"; }
  void problem(const std::string& text) {
    m_out << "  [ PROBLEM ] " << detail::terminal_text(text) << "\n";
    ++m_problems;
  }

  void not_listening(const Answer& a) {
    problem("nothing listens at " + m_root + ": is the server running, and is base_url right? (" + a.outcome.error.message + ")");
  }

  void auth_problem(long status, const std::string& url) {
    const std::string what = "HTTP " + std::to_string(status) + " from " + url;
    if (m_model.api_key_env.empty())
      problem("the server wants an API key (" + what +
              "): put the key in an environment variable and name it with api_key_env in the models file");
    else if (m_headers.empty())
      problem("the server wants an API key (" + what + "), and $" + m_model.api_key_env + " is not set: export it");
    else
      problem("the server rejected the key in $" + m_model.api_key_env + " (" + what + "): check the key");
  }

  // Is `id` among `served`? Ollama ids may leave out ":latest".
  bool served(const std::vector<std::string>& ids) const {
    return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
      return id == m_model.model || (m_model.dialect == "ollama" && id == m_model.model + ":latest");
    });
  }

  void check_listed(const std::vector<std::string>& ids, bool single_model_server) {
    ok("serves " + std::to_string(ids.size()) + (ids.size() == 1 ? " model: " : " models: ") + join(ids));
    if (served(ids)) {
      ok("model '" + m_model.model + "' is served");
    } else if (single_model_server) {
      note("model '" + m_model.model + "' is not the name the server gives its one model ('" + ids.front() +
           "'); llama.cpp answers with its one model whatever the name");
    } else {
      problem("model '" + m_model.model + "' not found; the server has: " + join(ids) + " (set model: to one of them)");
    }
  }

  void check_openai() {
    // llama.cpp's /health: up, loading or absent (other servers have none).
    const Answer health = get(m_root + "/health");
    if (!health.connected()) return not_listening(health);
    if (health.outcome.status == 503) problem("the server is up but still loading the model (HTTP 503 from /health): wait and try again");
    else if (health.ok()) ok("the server is up (" + m_root + "/health answered " + std::to_string(health.outcome.status) + ")");

    const std::string models_url = m_model.base_url + "/models";
    const Answer models = get(models_url);
    if (!models.connected()) return not_listening(models);
    if (models.outcome.status == 401 || models.outcome.status == 403) return auth_problem(models.outcome.status, models_url);
    const bool listed = models.ok() && models.json.is_object() && models.json.contains("data") && models.json["data"].is_array();
    if (!listed) {
      std::string why = models.html() ? "an HTML page" : models.ok() ? "something that is not a model list" : "HTTP " + std::to_string(models.outcome.status);
      problem("this is not an OpenAI-compatible endpoint: GET " + models_url + " answered " + why);
      suggest_dialect();
      return;
    }
    std::vector<std::string> ids;
    bool llamacpp = false;
    for (const auto& entry : models.json["data"]) {
      if (entry.is_object() && entry.contains("id") && entry["id"].is_string()) ids.push_back(entry["id"].get<std::string>());
      llamacpp = llamacpp || (entry.is_object() && entry.value("owned_by", "") == "llamacpp");
    }
    check_listed(ids, llamacpp && ids.size() == 1);
    check_auth();
    report_server_info();
  }

  // A base_url that misses /v1, or an Ollama / LM Studio server named with the wrong dialect.
  void suggest_dialect() {
    const Answer tags = get(m_root + "/api/tags");
    if (tags.ok() && tags.json.is_object() && tags.json.contains("models")) {
      note("this is Ollama (" + m_root + "/api/tags answers): use dialect: ollama with base_url: " + m_root +
           ", or keep dialect: openai with base_url: " + m_root + "/v1");
      return;
    }
    if (m_model.base_url.find("/v1") == std::string::npos) {
      const Answer v1 = get(m_root + "/v1/models");
      if (v1.ok() && v1.json.is_object() && v1.json.contains("data"))
        note("an OpenAI-compatible API answers at " + m_root + "/v1: set base_url: " + m_root + "/v1");
    }
  }

  // A request no server runs (no messages): only the key check before parsing can refuse it.
  void check_auth() {
    detail::HttpRequest request;
    request.url = m_model.base_url + "/chat/completions";
    request.body = nlohmann::json{{"model", m_model.model}, {"max_tokens", 1}, {"messages", nullptr}}.dump();
    request.headers = m_headers;
    request.headers.push_back("Content-Type: application/json");
    request.connect_timeout_s = m_timeout_s;
    request.request_timeout_s = m_timeout_s;
    request.stall_timeout_s = m_timeout_s;
    const detail::HttpOutcome outcome = m_session.post(request, [](std::string_view, double) { return true; }, nullptr);
    if (outcome.status == 401 || outcome.status == 403) return auth_problem(outcome.status, request.url);
    if (outcome.status != 0) ok(m_headers.empty() ? "no API key needed" : "the API key in $" + m_model.api_key_env + " is accepted");
  }

  void check_ollama() {
    const Answer version = get(m_root + "/api/version");
    if (!version.connected()) return not_listening(version);
    if (version.ok() && version.json.is_object() && version.json.contains("version"))
      ok("Ollama " + version.json.value("version", std::string("?")) + " is up");
    const std::string tags_url = m_root + "/api/tags";
    const Answer tags = get(tags_url);
    if (tags.outcome.status == 401 || tags.outcome.status == 403) return auth_problem(tags.outcome.status, tags_url);
    if (!tags.ok() || !tags.json.is_object() || !tags.json.contains("models")) {
      problem("this is not Ollama's API: GET " + tags_url + " answered " +
              (tags.html() ? std::string("an HTML page") : "HTTP " + std::to_string(tags.outcome.status)) +
              " (for an OpenAI-compatible server use dialect: openai with a base_url ending in /v1)");
      return;
    }
    std::vector<std::string> ids;
    for (const auto& entry : tags.json["models"])
      if (entry.is_object()) ids.push_back(entry.value("name", entry.value("model", std::string())));
    check_listed(ids, false);
    if (!served(ids) && !ids.empty()) note("to fetch it: ollama pull " + m_model.model);
    report_server_info();
  }

  void check_lmstudio() {
    const std::string url = m_root + "/api/v0/models";
    const Answer models = get(url);
    if (!models.connected()) return not_listening(models);
    if (models.outcome.status == 401 || models.outcome.status == 403) return auth_problem(models.outcome.status, url);
    if (!models.ok() || !models.json.is_object() || !models.json.contains("data")) {
      problem("this is not LM Studio's REST API: GET " + url + " answered " +
              (models.html() ? std::string("an HTML page") : "HTTP " + std::to_string(models.outcome.status)) +
              " (for another OpenAI-compatible server use dialect: openai)");
      return;
    }
    ok("LM Studio is up");
    std::vector<std::string> ids;
    std::string state;
    for (const auto& entry : models.json["data"]) {
      if (!entry.is_object()) continue;
      ids.push_back(entry.value("id", std::string()));
      if (ids.back() == m_model.model) state = entry.value("state", std::string());
    }
    check_listed(ids, false);
    if (state == "not-loaded") note("'" + m_model.model + "' is not loaded yet: the first request loads it (warmup: true keeps that out of the figures)");
    report_server_info();
  }

  void report_server_info() {
    const detail::ServerInfo info = detail::probe_server_info(m_model, m_timeout_s);
    std::string text;
    if (!info.version.empty()) text += "version " + info.version;
    if (!info.quantisation.empty()) text += (text.empty() ? "" : ", ") + std::string("quantisation ") + info.quantisation;
    if (info.context_length) text += (text.empty() ? "" : ", ") + std::string("context ") + std::to_string(*info.context_length);
    if (!text.empty()) ok(text);
  }

  const ModelSpec& m_model;
  double m_timeout_s;
  std::ostream& m_out;
  std::string m_root;
  std::vector<std::string> m_headers;
  detail::CurlSession m_session;
  int m_problems = 0;
};

}  // namespace

int models_command(const ModelsCommandOptions& options, std::ostream& out) {
  std::vector<ModelSpec> models;
  std::unique_ptr<sim::SimServer> simulator;
  try {
    if (options.models_file.empty() == options.sim_profiles.empty())
      throw ConfigError({"goodput models", 0, 0}, "", "name the models to check: --models FILE, or --sim [PROFILES]");
    if (!options.models_file.empty()) {
      models = load_models_file(options.models_file);
    } else {
      sim::SimConfig config;
      for (const auto& file : options.sim_profiles)
        for (auto& p : sim::load_sim_profiles(file).profiles) config.profiles.push_back(std::move(p));
      simulator = std::make_unique<sim::SimServer>(config);
      simulator->start();
      for (const auto& profile : config.profiles) {
        ModelSpec m;
        m.name = m.model = profile.id;
        m.base_url = simulator->base_url();
        m.simulated = true;
        m.where = profile.where;
        models.push_back(std::move(m));
      }
    }
    if (!options.model_names.empty()) {
      std::vector<ModelSpec> chosen;
      for (const auto& name : options.model_names) {
        auto it = std::find_if(models.begin(), models.end(), [&](const ModelSpec& m) { return m.name == name; });
        if (it == models.end()) throw ConfigError({"--model", 0, 0}, "", "no model named '" + name + "'");
        chosen.push_back(*it);
      }
      models = std::move(chosen);
    }
  } catch (const ConfigError& e) {
    std::cerr << "goodput: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }

  int problems = 0;
  int models_with_problems = 0;
  for (const auto& model : models) {
    const int found = ModelCheck(model, options.timeout_s, out).run();
    problems += found;
    models_with_problems += found > 0;
  }
  if (simulator) simulator->stop();
  if (problems == 0) {
    out << "all " << models.size() << (models.size() == 1 ? " model is" : " models are") << " ready\n" << std::flush;
    return k_exit_all_passed;
  }
  out << problems << (problems == 1 ? " problem" : " problems") << " found (" << models_with_problems << " of " << models.size()
      << " models)\n"
      << std::flush;
  return k_exit_failed;
}

}  // namespace goodput
