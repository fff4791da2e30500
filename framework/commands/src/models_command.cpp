// SPDX-License-Identifier: MIT
// `goodput models`: is each endpoint up, what does it serve, and, when something is wrong,
// what to do about it. Plain GETs (and, for OpenAI-style servers, one request no server
// runs, to learn whether it wants a key), so checking never loads a model. What to ask is
// each model's dialect's (Dialect::check_server); the report and its diagnoses are here.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <ostream>

#include "goodput/server_probe.hpp"
#include "goodput/commands.hpp"
#include "goodput/spec.hpp"
#include "goodput/api_key.hpp"
#include "goodput/curl_session.hpp"
#include "goodput/dialect.hpp"
#include "goodput/json_text.hpp"
#include "goodput/terminal_text.hpp"
#include "goodput/sim_server.hpp"

namespace goodput {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

// One model's check. What to ask is its dialect's (Dialect::check_server); what every
// dialect's check shares (requests, the report's lines, the usual diagnoses) is here.
class ModelCheck final : public detail::ServerCheck {
 public:
  // `role`: "model", or "judge" for a judge of model-graded assertions.
  ModelCheck(const ModelSpec& model, const char* role, double timeout_s, std::ostream& out)
      : m_model(model), m_role(role), m_timeout_s(timeout_s), m_out(out), m_root(detail::server_root(model.base_url)),
        m_headers(detail::auth_headers(model)) {}

  // Returns the number of problems found.
  int run() {
    m_out << m_role << " " << detail::terminal_text(m_model.name) << ": '" << detail::terminal_text(m_model.model) << "' at "
          << detail::terminal_text(m_model.base_url) << " (" << detail::terminal_text(m_model.dialect)
          << (m_model.simulated ? ", SIMULATED" : "") << ")\n";
    if (!m_model.api_key_env.empty() && m_headers.empty())
      problem("api_key_env names $" + m_model.api_key_env + ", which is not set: export it before running (the key itself never goes in a file)");
    try {
      m_dialect = &detail::find_dialect(m_model.dialect, m_model.where);
    } catch (const ConfigError& e) {
      problem(e.message());
      return m_problems;
    }
    if (m_dialect->check_server) m_dialect->check_server(*this);
    else note("the " + m_dialect->name + " dialect has no server check: only the key variable was checked");
    return m_problems;
  }

  const ModelSpec& model() const override { return m_model; }
  const std::string& root() const override { return m_root; }
  bool sends_key() const override { return !m_headers.empty(); }

  detail::HttpAnswer get(const std::string& url) override {
    detail::HttpAnswer a;
    const detail::HttpOutcome outcome = m_session.get(url, m_headers, m_timeout_s, a.body);
    return with_json(outcome, std::move(a));
  }

  detail::HttpAnswer post(const std::string& url, const nlohmann::json& body) override {
    detail::HttpRequest request;
    request.url = url;
    request.body = detail::json_text(body);
    request.headers = m_headers;
    request.headers.push_back("Content-Type: application/json");
    request.connect_timeout_s = m_timeout_s;
    request.request_timeout_s = m_timeout_s;
    request.stall_timeout_s = m_timeout_s;
    detail::HttpAnswer a;
    const detail::HttpOutcome outcome = m_session.post(request, [](std::string_view, double) { return true; }, nullptr);
    a.body = outcome.error_body;  // a 2xx body is not kept: no check needs it
    return with_json(outcome, std::move(a));
  }

  // The texts hold what the server answered (model ids, versions, error messages) and names
  // from the models file: escaped, so a server cannot print lines of its own.
  void ok(const std::string& text) override { m_out << "  [ OK      ] " << detail::terminal_text(text) << "\n"; }
  void note(const std::string& text) override { m_out << "  [ NOTE    ] " << detail::terminal_text(text) << "\n"; }
  void problem(const std::string& text) override {
    m_out << "  [ PROBLEM ] " << detail::terminal_text(text) << "\n";
    ++m_problems;
  }

  void not_listening(const detail::HttpAnswer& a) override {
    problem("nothing listens at " + m_root + ": is the server running, and is base_url right? (" + a.error.message + ")");
  }

  void auth_problem(long status, const std::string& url) override {
    const std::string what = "HTTP " + std::to_string(status) + " from " + url;
    if (m_model.api_key_env.empty())
      problem("the server wants an API key (" + what +
              "): put the key in an environment variable and name it with api_key_env in the models file");
    else if (m_headers.empty())
      problem("the server wants an API key (" + what + "), and $" + m_model.api_key_env + " is not set: export it");
    else
      problem("the server rejected the key in $" + m_model.api_key_env + " (" + what + "): check the key");
  }

  bool expect_model_list(const detail::HttpAnswer& a, const std::string& url, const char* key, const std::string& api,
                         const std::string& hint) override {
    if (!a.connected()) {
      not_listening(a);
      return false;
    }
    if (a.refused_key()) {
      auth_problem(a.status, url);
      return false;
    }
    if (a.ok() && a.json.is_object() && a.json.contains(key) && a.json[key].is_array()) return true;
    const std::string what = a.html() ? "an HTML page" : a.ok() ? "something that is not a model list" : "HTTP " + std::to_string(a.status);
    problem("this is not " + api + ": GET " + url + " answered " + what + hint);
    return false;
  }

  bool check_listed(const std::vector<std::string>& ids, bool single_model_server) override {
    ok("serves " + std::to_string(ids.size()) + (ids.size() == 1 ? " model: " : " models: ") + join(ids));
    const bool found = served(ids);
    if (found) {
      ok("model '" + m_model.model + "' is served");
    } else if (single_model_server) {
      note("model '" + m_model.model + "' is not the name the server gives its one model ('" + ids.front() +
           "'); llama.cpp answers with its one model whatever the name");
    } else {
      problem("model '" + m_model.model + "' not found; the server has: " + join(ids) + " (set model: to one of them)");
    }
    return found;
  }

  void report_server_info() override {
    const detail::ServerInfo info = detail::probe_server_info(m_model, m_timeout_s);
    std::string text;
    if (!info.version.empty()) text += "version " + info.version;
    if (!info.quantisation.empty()) text += (text.empty() ? "" : ", ") + std::string("quantisation ") + info.quantisation;
    if (info.context_length) text += (text.empty() ? "" : ", ") + std::string("context ") + std::to_string(*info.context_length);
    if (!text.empty()) ok(text);
  }

 private:
  static detail::HttpAnswer with_json(const detail::HttpOutcome& outcome, detail::HttpAnswer a) {
    a.status = outcome.status;
    a.error = outcome.error;
    a.json = nlohmann::json::parse(a.body, nullptr, false);
    if (a.json.is_discarded()) a.json = nullptr;
    return a;
  }

  // Is `id` among `served`? A server may add a tag the models file leaves out (Ollama's ":latest").
  bool served(const std::vector<std::string>& ids) const {
    const std::string& tag = m_dialect->implied_model_tag;
    return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
      return id == m_model.model || (!tag.empty() && id == m_model.model + tag);
    });
  }

  const ModelSpec& m_model;
  const char* m_role;
  double m_timeout_s;
  std::ostream& m_out;
  std::string m_root;
  std::vector<std::string> m_headers;
  const detail::Dialect* m_dialect = nullptr;
  detail::CurlSession m_session;
  int m_problems = 0;
};

}  // namespace

int models_command(const ModelsCommandOptions& options, std::ostream& out) {
  std::vector<ModelSpec> models;
  std::vector<ModelSpec> judges;  // asked only by model-graded assertions, checked alike
  std::unique_ptr<sim::SimServer> simulator;
  try {
    if (options.models_file.empty() == options.sim_profiles.empty())
      throw ConfigError({"goodput models", 0, 0}, "", "name the models to check: --models FILE, or --sim [PROFILES]");
    if (!options.models_file.empty()) {
      ModelsFile file = load_models_document(options.models_file);
      models = std::move(file.models);
      judges = std::move(file.judges);
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
        (profile.judge ? judges : models).push_back(std::move(m));
      }
    }
    if (!options.model_names.empty()) {
      std::vector<ModelSpec> chosen, chosen_judges;
      for (const auto& name : options.model_names) {
        const auto named = [&](const ModelSpec& m) { return m.name == name; };
        if (auto it = std::find_if(models.begin(), models.end(), named); it != models.end()) chosen.push_back(*it);
        else if (auto j = std::find_if(judges.begin(), judges.end(), named); j != judges.end()) chosen_judges.push_back(*j);
        else throw ConfigError({"--model", 0, 0}, "", "no model or judge named '" + name + "'");
      }
      models = std::move(chosen);
      judges = std::move(chosen_judges);
    }
  } catch (const ConfigError& e) {
    std::cerr << "goodput: " << detail::terminal_text(e.what()) << "\n";
    return k_exit_bad_input;
  }

  int problems = 0;
  int models_with_problems = 0;
  const auto check_each = [&](const std::vector<ModelSpec>& list, const char* role) {
    for (const auto& model : list) {
      const int found = ModelCheck(model, role, options.timeout_s, out).run();
      problems += found;
      models_with_problems += found > 0;
    }
  };
  check_each(models, "model");
  check_each(judges, "judge");
  if (simulator) simulator->stop();
  const std::size_t checked = models.size() + judges.size();
  const std::string judges_among = judges.empty() ? "" : std::to_string(judges.size()) + (judges.size() == 1 ? " judge" : " judges") + " among them";
  if (problems == 0) {
    out << "all " << checked << (checked == 1 ? " model is" : " models are") << " ready"
        << (judges_among.empty() ? "" : " (" + judges_among + ")") << "\n"
        << std::flush;
    return k_exit_all_passed;
  }
  out << problems << (problems == 1 ? " problem" : " problems") << " found (" << models_with_problems << " of " << checked
      << " models" << (judges_among.empty() ? "" : ", " + judges_among) << ")\n"
      << std::flush;
  return k_exit_failed;
}

}  // namespace goodput
