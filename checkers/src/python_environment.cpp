// SPDX-License-Identifier: MIT
#include "goodput/checkers/python_environment.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "driver_channel.hpp"
#include "python_sandbox.hpp"

namespace goodput::checkers {

namespace {

// Imports each module named in argv, then reports on the result channel: one line
// {"python": version, "modules": {name: {"ok", "version", "error"}}}. Nothing here is
// generated code, but it runs where generated code runs, so a package that imports on the host
// and not in the sandbox (a library outside /usr) is found.
constexpr const char* k_probe_script = R"PY(
import importlib, json, os, platform, sys
from importlib import metadata
try:
    providers = metadata.packages_distributions()
except Exception:
    providers = {}
modules = {}
for name in sys.argv[1:]:
    entry = {"ok": True, "version": None}
    try:
        importlib.import_module(name)
    except BaseException as e:
        entry = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    if entry["ok"]:
        for dist in providers.get(name, [name]):
            try:
                entry["version"] = metadata.version(dist)
                break
            except Exception:
                pass
    modules[name] = entry
line = json.dumps({"event": "environment", "python": platform.python_version(), "modules": modules}) + "\n"
os.write(int(os.environ["GOODPUT_RESULT_FD"]), line.encode())
)PY";

constexpr double k_probe_seconds = 60;  // importing pandas on a loaded machine takes seconds
constexpr std::int64_t k_probe_memory_bytes = std::int64_t{1024} * 1024 * 1024;

bool is_module_name(const std::string& name) {
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name.front())) &&
         std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

std::vector<std::string> checked_python_packages(std::vector<std::string> packages) {
  for (auto it = packages.begin(); it != packages.end(); ++it) {
    if (!is_module_name(*it))
      throw std::invalid_argument("'" + *it + "' is not a top-level module name (the name after `import`, e.g. pandas, numpy, yaml)");
    if (std::find(packages.begin(), it, *it) != it) throw std::invalid_argument("'" + *it + "' is listed twice");
  }
  return packages;
}

PythonEnvironment probe_python_packages(const std::vector<std::string>& modules, const std::string& backend) {
  PythonEnvironment env;
  std::string setup_error;
  const auto box = detail::python_sandbox(backend, setup_error);
  if (!box) {
    env.error = setup_error;
    return env;
  }
  sandbox::Request request;
  request.argv = {std::string(detail::k_python), "-I", "-X", "utf8", "-c", k_probe_script};
  request.argv.insert(request.argv.end(), modules.begin(), modules.end());
  request.result_channel = true;
  request.limits.wall_s = k_probe_seconds;
  request.limits.cpu_s = k_probe_seconds;
  request.limits.address_space_bytes = k_probe_memory_bytes;
  request.limits.memory_bytes = k_probe_memory_bytes;
  const sandbox::Result run = box->run(request);
  const detail::ChannelRead channel = detail::read_channel(run.channel_text, run.channel_truncated);
  const std::size_t at = detail::find_event(channel.events, "environment");
  if (at == channel.events.size()) {
    env.error = std::string(detail::k_python) + " in the sandbox did not report (" +
                (run.reason == sandbox::EndReason::exited ? "exit code " + std::to_string(run.exit_code)
                                                          : std::string(sandbox::to_string(run.reason))) +
                "): " + detail::stderr_tail(run.stderr_text);
    return env;
  }
  const nlohmann::json& report = channel.events[at];
  env.python_version = report.value("python", "");
  static const nlohmann::json k_none = nlohmann::json::object();
  const auto reported = report.find("modules");
  const nlohmann::json& found = reported != report.end() && reported->is_object() ? *reported : k_none;
  for (const std::string& name : modules) {
    const auto entry = found.find(name);
    if (entry == found.end() || !entry->is_object()) {
      env.missing[name] = "not reported";
    } else if (entry->value("ok", false)) {
      const auto version = entry->find("version");
      env.versions[name] = version != entry->end() && version->is_string() ? version->get<std::string>() : "";
    } else {
      env.missing[name] = entry->value("error", "did not import");
    }
  }
  return env;
}

}  // namespace goodput::checkers
