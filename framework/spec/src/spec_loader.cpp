// SPDX-License-Identifier: MIT
// Loads task files and models files. Everything is validated here, before any request: a
// typo in a key, a wrong type or an unknown assertion stops the run with exit code 2.
#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>
#include <set>

#include "task_template.hpp"
#include "goodput/yaml_util.hpp"
#include "goodput/spec.hpp"
#include "goodput/base_url.hpp"
#include "goodput/dialect.hpp"
#include "goodput/checkers/python_environment.hpp"

namespace goodput {

namespace {

using detail::index_field;
using detail::join_field;
using detail::YamlReader;

// A request parameter goodput knows the type and sensible range of (wide enough for every
// server's own conventions, such as -1 for "no limit" or "random").
struct KnownParam {
  ParamType type;
  double min = 0;
  double max = 0;
};

// Request parameters goodput knows. Anything else a server accepts goes in a model's
// `extra_body`, which is passed through unchanged.
const std::map<std::string, KnownParam, std::less<>>& known_request_params() {
  constexpr double k_max_seed = 4294967295.0;  // llama.cpp's seeds are 32-bit; -1 asks for a random one
  static const std::map<std::string, KnownParam, std::less<>> k_params{
      {"max_tokens", {ParamType::integer, -1, 10'000'000}},
      {"max_completion_tokens", {ParamType::integer, -1, 10'000'000}},
      {"temperature", {ParamType::number, 0, 10}},
      {"top_p", {ParamType::number, 0, 1}},
      {"top_k", {ParamType::integer, -1, 1'000'000}},
      {"min_p", {ParamType::number, 0, 1}},
      {"seed", {ParamType::integer, -1, k_max_seed}},
      {"stop", {ParamType::string_list}},
      {"presence_penalty", {ParamType::number, -2, 2}},
      {"frequency_penalty", {ParamType::number, -2, 2}},
      {"repeat_penalty", {ParamType::number, 0, 10}},
  };
  return k_params;
}

bool all_chars_of(const std::string& value, bool (*allowed)(char c, std::size_t i)) {
  for (std::size_t i = 0; i < value.size(); ++i)
    if (!allowed(value[i], i)) return false;
  return !value.empty();
}
bool is_word_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

void check_identifier(const YamlReader& yaml, const YAML::Node& node, const std::string& field,
                      const std::string& value) {
  if (!all_chars_of(value, [](char c, std::size_t) { return is_word_char(c); }))
    yaml.fail(node, field, "'" + value + "' is not a valid name: use letters, digits and '_' only (it becomes part of a task id like suite.name)");
}

nlohmann::json read_request_params(const YamlReader& yaml, const YAML::Node& node, const std::string& field) {
  yaml.expect_map(node, field);
  nlohmann::json out = nlohmann::json::object();
  const auto& known = known_request_params();
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    const std::string sub = join_field(field, key);
    auto it = known.find(key);
    if (it == known.end()) {
      std::vector<std::string> names;
      for (const auto& k : known) names.push_back(k.first);
      try {
        yaml.check_keys(node, field, names);
      } catch (const ConfigError& e) {
        throw ConfigError(e.where(), e.field(),
                          e.message() + "; server-specific fields go in the model's extra_body");
      }
    }
    const KnownParam& param = it->second;
    switch (param.type) {
      case ParamType::integer:
        out[key] = yaml.integer_in(entry.second, sub, static_cast<std::int64_t>(param.min), static_cast<std::int64_t>(param.max));
        break;
      case ParamType::number: out[key] = yaml.number_in(entry.second, sub, param.min, param.max); break;
      case ParamType::string_list: out[key] = yaml.string_list(entry.second, sub); break;
      default: out[key] = yaml.string(entry.second, sub); break;
    }
  }
  return out;
}

// `not` and `weight` belong to every assertion; a type's own `not` (stop-reason: `not: length`) wins.
bool takes_generic_not(const checkers::CheckerType& type) {
  return std::none_of(type.params.begin(), type.params.end(), [](const ParamSpec& p) { return p.name == "not"; });
}

// `vars`: the {{name}} values of a task case (null: the values are read as written).
Params read_assertion_params(const YamlReader& yaml, const YAML::Node& node, const std::string& field,
                             const checkers::CheckerType& type, const detail::TemplateVars* vars) {
  std::vector<std::string> allowed{"type", "weight"};
  if (takes_generic_not(type)) allowed.push_back("not");
  for (const auto& spec : type.params) allowed.push_back(spec.name);
  yaml.check_keys(node, field, allowed);
  Params params;
  for (const auto& spec : type.params) {
    const std::string sub = join_field(field, spec.name);
    const YAML::Node value = detail::substituted(yaml, node[spec.name], sub, vars);
    if (!value.IsDefined() || value.IsNull()) {
      if (spec.required)
        yaml.fail(node, sub, "assertion '" + type.name + "' needs '" + spec.name + "' (" + spec.help + ")");
      continue;
    }
    switch (spec.type) {
      case ParamType::string: params.set(spec.name, yaml.string(value, sub)); break;
      case ParamType::number: params.set(spec.name, yaml.number(value, sub)); break;
      case ParamType::integer: params.set(spec.name, yaml.integer(value, sub)); break;
      case ParamType::boolean: params.set(spec.name, yaml.boolean(value, sub)); break;
      case ParamType::string_list: params.set(spec.name, yaml.string_list(value, sub)); break;
      case ParamType::json: params.set(spec.name, yaml.to_json(value, sub).dump()); break;
      case ParamType::path: {
        namespace fs = std::filesystem;
        const fs::path given = yaml.string(value, sub);
        const fs::path resolved = given.is_absolute() ? given : fs::path(yaml.file()).parent_path() / given;
        std::error_code ec;
        if (!fs::exists(resolved, ec))
          yaml.fail(value, sub, "'" + given.string() + "' does not exist (looked for " + resolved.string() + "; relative paths start at the task file's folder)");
        params.set(spec.name, fs::absolute(resolved, ec).lexically_normal().string());
        break;
      }
    }
  }
  return params;
}

void read_not_and_weight(const YamlReader& yaml, const YAML::Node& node, const std::string& field,
                         const checkers::CheckerType& type, AssertionSpec& spec) {
  if (node["weight"]) spec.weight = yaml.number_in(node["weight"], join_field(field, "weight"), 0.001, 1e6);
  if (!takes_generic_not(type) || !node["not"]) return;
  spec.negated = yaml.boolean(node["not"], join_field(field, "not"));
  if (spec.negated && !type.negatable) {
    std::string negatable;
    for (const auto& t : checkers::checker_types())
      if (t.negatable) negatable += (negatable.empty() ? "" : ", ") + t.name;
    yaml.fail(node["not"], join_field(field, "not"),
              "'" + type.name + "' cannot be negated: 'not: true' turns around assertions on the answer's text (" +
                  negatable + "); state the limit or the expectation itself instead");
  }
}

// The assertion type whose checker gets the case's variables (its check(answer, vars)) as a
// JSON object in the parameter `vars`, which the YAML cannot set.
constexpr std::string_view k_judge_taking_vars = "python";

// `packages`: the task's Python packages, given to an assertion that takes them (python-passes)
// and names none of its own.
AssertionSpec read_assertion(const YamlReader& yaml, const YAML::Node& node, const std::string& field,
                             const std::vector<std::string>& packages, const detail::TemplateVars* vars = nullptr) {
  yaml.expect_map(node, field);
  const YAML::Node type_node = yaml.require(node, "type", field);
  AssertionSpec spec;
  spec.type = yaml.string(type_node, join_field(field, "type"));
  spec.where = yaml.where(node);
  const checkers::CheckerType* type = checkers::find_checker_type(spec.type);
  if (!type) {
    std::string known;
    for (const auto& t : checkers::checker_types()) known += (known.empty() ? "" : ", ") + t.name;
    yaml.fail(type_node, join_field(field, "type"), "unknown assertion type '" + spec.type + "' (known: " + known + ")");
  }
  spec.params = read_assertion_params(yaml, node, field, *type, vars);
  read_not_and_weight(yaml, node, field, *type, spec);
  if (vars && spec.type == k_judge_taking_vars) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [name, value] : vars->visible()) values[name] = value;
    spec.params.set("vars", values.dump());
  }
  const bool takes_packages =
      std::any_of(type->params.begin(), type->params.end(), [](const ParamSpec& p) { return p.name == "packages"; });
  if (takes_packages && !packages.empty() && !spec.params.has("packages")) spec.params.set("packages", packages);
  try {
    std::unique_ptr<checkers::Checker> checker = type->make(spec.params);
    spec.checker = spec.negated ? checkers::negated(std::move(checker)) : std::move(checker);
  } catch (const ParamError& e) {
    YAML::Node at = node[e.field()];
    yaml.fail(at.IsDefined() ? at : node, join_field(field, e.field()), e.what());
  }
  return spec;
}

// `python: {packages: [pandas, numpy]}`, or `packages: stdlib` for the standard library alone.
std::vector<std::string> read_python_packages(const YamlReader& yaml, const YAML::Node& node, const std::string& field) {
  yaml.expect_map(node, field);
  yaml.check_keys(node, field, {"packages"});
  const YAML::Node list = yaml.require(node, "packages", field);
  const std::string list_field = join_field(field, "packages");
  if (list.IsScalar()) {
    if (yaml.string(list, list_field) != "stdlib")
      yaml.fail(list, list_field, "expected a list of module names (e.g. [pandas, numpy]) or stdlib");
    return {};
  }
  try {
    return checkers::checked_python_packages(yaml.string_list(list, list_field));
  } catch (const std::invalid_argument& e) {
    yaml.fail(list, list_field, e.what());
  }
}

// A node, the field it is and its reader (a task's own or the file's defaults).
struct FieldNode {
  YAML::Node node;
  std::string field;
  const YamlReader* yaml = nullptr;
};

// A file's `defaults:`, merged into each of its tasks: the task wins for a value it sets
// (system, repeat, python, each request parameter and variable), tags are added to, and the
// defaults' assertions come after the task's own.
struct TaskDefaults {
  nlohmann::json params = nlohmann::json::object();
  std::vector<std::string> tags;
  std::optional<int> repeat;
  std::optional<std::string> system;
  SourceLocation system_where;
  std::optional<std::vector<std::string>> python_packages;
  std::optional<double> threshold;
  std::optional<double> min_pass_rate;
  std::vector<FieldNode> assertions;
  detail::VarList vars;
};

TaskDefaults read_defaults(const YamlReader& yaml, const YAML::Node& node) {
  const std::string field = "defaults";
  yaml.expect_map(node, field);
  yaml.check_keys(node, field, {"params", "assert", "tags", "repeat", "system", "python", "threshold", "vars", "min_pass_rate"});
  TaskDefaults defaults;
  if (node["params"]) defaults.params = read_request_params(yaml, node["params"], join_field(field, "params"));
  if (node["tags"]) defaults.tags = yaml.string_list(node["tags"], join_field(field, "tags"));
  if (node["repeat"]) defaults.repeat = static_cast<int>(yaml.integer_in(node["repeat"], join_field(field, "repeat"), 1, k_max_repeat));
  if (node["system"]) {
    defaults.system = yaml.string(node["system"], join_field(field, "system"));
    defaults.system_where = yaml.where(node["system"]);
  }
  if (node["python"]) defaults.python_packages = read_python_packages(yaml, node["python"], join_field(field, "python"));
  if (node["vars"]) defaults.vars = detail::read_vars(yaml, node["vars"], join_field(field, "vars"));
  if (node["threshold"]) defaults.threshold = yaml.number_in(node["threshold"], join_field(field, "threshold"), 0.001, 1);
  if (node["min_pass_rate"]) defaults.min_pass_rate = yaml.number_in(node["min_pass_rate"], join_field(field, "min_pass_rate"), 0, 1);
  if (const YAML::Node asserts = node["assert"]) {
    yaml.expect_sequence(asserts, join_field(field, "assert"));
    for (std::size_t i = 0; i < asserts.size(); ++i) defaults.assertions.push_back({asserts[i], index_field(join_field(field, "assert"), i), &yaml});
  }
  return defaults;
}

// A task as written, with the file's defaults merged in; detail::expand_task makes its cases.
detail::TaskTemplate read_task(const YamlReader& yaml, const YAML::Node& node, const std::string& field,
                               const std::string& suite, const TaskDefaults& defaults) {
  yaml.expect_map(node, field);
  yaml.check_keys(node, field,
                  {"id", "prompt", "system", "params", "assert", "tags", "repeat", "python", "threshold", "vars", "dataset", "id_column",
                   "min_pass_rate"});
  detail::TaskTemplate tmpl;
  tmpl.field = field;
  TaskSpec& task = tmpl.proto;
  task.suite = suite;
  task.where = yaml.where(node);
  const YAML::Node id = yaml.require(node, "id", field);
  task.name = yaml.string(id, join_field(field, "id"));
  check_identifier(yaml, id, join_field(field, "id"), task.name);
  const YAML::Node prompt = yaml.require(node, "prompt", field);
  task.prompt = yaml.string(prompt, join_field(field, "prompt"));
  tmpl.prompt_where = yaml.where(prompt);
  if (node["system"]) {
    task.system = yaml.string(node["system"], join_field(field, "system"));
    tmpl.system_where = yaml.where(node["system"]);
    tmpl.system_field = join_field(field, "system");
  } else if (defaults.system) {
    task.system = *defaults.system;
    tmpl.system_where = defaults.system_where;
    tmpl.system_field = "defaults.system";
  }
  task.params = defaults.params;
  if (node["params"]) {
    const nlohmann::json own = read_request_params(yaml, node["params"], join_field(field, "params"));
    for (const auto& [key, value] : own.items()) task.params[key] = value;
  }
  task.tags = defaults.tags;
  if (node["tags"])
    for (auto& tag : yaml.string_list(node["tags"], join_field(field, "tags")))
      if (std::find(task.tags.begin(), task.tags.end(), tag) == task.tags.end()) task.tags.push_back(std::move(tag));
  if (node["repeat"]) {
    task.repeat = static_cast<int>(yaml.integer_in(node["repeat"], join_field(field, "repeat"), 1, k_max_repeat));
  } else if (defaults.repeat) {
    task.repeat = *defaults.repeat;
  }
  task.min_pass_rate = defaults.min_pass_rate;
  if (node["min_pass_rate"]) task.min_pass_rate = yaml.number_in(node["min_pass_rate"], join_field(field, "min_pass_rate"), 0, 1);
  if (node["python"]) {
    task.python_packages = read_python_packages(yaml, node["python"], join_field(field, "python"));
  } else if (defaults.python_packages) {
    task.python_packages = *defaults.python_packages;
  }
  tmpl.vars = detail::merged_vars(defaults.vars, node["vars"] ? detail::read_vars(yaml, node["vars"], join_field(field, "vars")) : detail::VarList{});
  if (const YAML::Node dataset = node["dataset"]) {
    namespace fs = std::filesystem;
    const fs::path given = yaml.string(dataset, join_field(field, "dataset"));
    const fs::path resolved = given.is_absolute() ? given : fs::path(yaml.file()).parent_path() / given;
    tmpl.dataset = resolved.lexically_normal().string();
    tmpl.dataset_where = yaml.where(dataset);
  }
  if (const YAML::Node column = node["id_column"]) {
    if (tmpl.dataset.empty()) yaml.fail(column, join_field(field, "id_column"), "names a column of the dataset: add dataset: FILE");
    tmpl.id_column = yaml.string(column, join_field(field, "id_column"));
  }
  std::vector<FieldNode> asserts;
  if (const YAML::Node own = node["assert"]) {
    yaml.expect_sequence(own, join_field(field, "assert"));
    for (std::size_t i = 0; i < own.size(); ++i) asserts.push_back({own[i], index_field(join_field(field, "assert"), i), &yaml});
  }
  asserts.insert(asserts.end(), defaults.assertions.begin(), defaults.assertions.end());
  if (asserts.empty())
    yaml.fail(node["assert"] ? node["assert"] : node, join_field(field, "assert"),
              "a task needs at least one assertion (in its assert: or in the file's defaults.assert)");
  for (const auto& [assertion, assertion_field, reader] : asserts) {
    reader->expect_map(assertion, assertion_field);
    const YAML::Node type = assertion["type"];
    const bool wants_vars = type.IsScalar() && type.Scalar() == k_judge_taking_vars && (!tmpl.dataset.empty() || !tmpl.vars.empty());
    if (wants_vars || detail::holds_var_reference(assertion)) {
      tmpl.varying.push_back({task.assertions.size(), assertion, reader, assertion_field, wants_vars});
      task.assertions.emplace_back();
    } else {
      task.assertions.push_back(read_assertion(*reader, assertion, assertion_field, task.python_packages));
    }
  }
  task.threshold = defaults.threshold;
  if (node["threshold"]) task.threshold = yaml.number_in(node["threshold"], join_field(field, "threshold"), 0.001, 1);
  return tmpl;
}

// Durations: from a millisecond to `max_s` (curl takes them as whole milliseconds in a long).
double read_seconds(const YamlReader& yaml, const YAML::Node& node, const std::string& field, double max_s) {
  return yaml.number_in(node, field, 0.001, max_s, "seconds");
}

void check_base_url(const YamlReader& yaml, const YAML::Node& node, const std::string& field, const ModelSpec& model) {
  std::string problem = detail::base_url_syntax_problem(model.base_url);
  if (problem.empty()) {
    const detail::Dialect& dialect = detail::find_dialect(model.dialect);
    if (dialect.base_url_problem) problem = dialect.base_url_problem(model.base_url);
  }
  if (!problem.empty()) yaml.fail(node, field, problem);
}

ModelSpec read_model(const YamlReader& yaml, const YAML::Node& node, const std::string& field) {
  yaml.expect_map(node, field);
  yaml.check_keys(node, field, {"name", "base_url", "dialect", "model", "params", "extra_body",
                                "api_key_env", "concurrency", "timeouts", "reasoning_effort", "system_role",
                                "warmup", "retry", "prompt_cache", "max_answer_mb"});
  ModelSpec model;
  model.where = yaml.where(node);
  model.field = field;
  model.name = yaml.string(yaml.require(node, "name", field), join_field(field, "name"));
  const YAML::Node url = yaml.require(node, "base_url", field);
  model.base_url = yaml.string(url, join_field(field, "base_url"));
  while (!model.base_url.empty() && model.base_url.back() == '/') model.base_url.pop_back();
  model.model = yaml.string(yaml.require(node, "model", field), join_field(field, "model"));
  if (node["dialect"]) {
    model.dialect = yaml.string(node["dialect"], join_field(field, "dialect"));
    detail::find_dialect(model.dialect, yaml.where(node["dialect"]), join_field(field, "dialect"));
  }
  check_base_url(yaml, url, join_field(field, "base_url"), model);
  if (node["params"]) model.params = read_request_params(yaml, node["params"], join_field(field, "params"));
  if (node["extra_body"]) {
    yaml.expect_map(node["extra_body"], join_field(field, "extra_body"));
    model.extra_body = yaml.to_json(node["extra_body"], join_field(field, "extra_body"));
  }
  if (node["api_key_env"]) {
    const YAML::Node env = node["api_key_env"];
    model.api_key_env = yaml.string(env, join_field(field, "api_key_env"));
    model.api_key_env_where = yaml.where(env);
    if (!all_chars_of(model.api_key_env, [](char c, std::size_t i) { return is_word_char(c) && !(i == 0 && c >= '0' && c <= '9'); }))
      yaml.fail(env, join_field(field, "api_key_env"), "must be the NAME of an environment variable (e.g. LMSTUDIO_API_KEY), never the key itself");
  }
  if (node["concurrency"]) {
    model.concurrency = static_cast<int>(yaml.integer_in(node["concurrency"], join_field(field, "concurrency"), 1, 256));
  }
  if (node["reasoning_effort"]) {
    const YAML::Node effort = node["reasoning_effort"];
    model.reasoning_effort = yaml.string(effort, join_field(field, "reasoning_effort"));
    if (model.reasoning_effort != "low" && model.reasoning_effort != "medium" && model.reasoning_effort != "high" &&
        model.reasoning_effort != "none")
      yaml.fail(effort, join_field(field, "reasoning_effort"), "must be low, medium, high or none");
  }
  if (node["system_role"]) {
    const YAML::Node role = node["system_role"];
    model.system_role = yaml.string(role, join_field(field, "system_role"));
    if (model.system_role != "system" && model.system_role != "developer")
      yaml.fail(role, join_field(field, "system_role"), "must be system or developer (gpt-oss on Bedrock wants developer)");
  }
  if (node["warmup"]) model.warmup = yaml.boolean(node["warmup"], join_field(field, "warmup"));
  if (node["max_answer_mb"]) {
    model.max_answer_mb = static_cast<std::size_t>(yaml.integer_in(node["max_answer_mb"], join_field(field, "max_answer_mb"), 1, 4096));
  }
  if (node["prompt_cache"]) {
    const YAML::Node cache = node["prompt_cache"];
    const std::string value = yaml.string(cache, join_field(field, "prompt_cache"));
    if (value != "cold" && value != "as-is")
      yaml.fail(cache, join_field(field, "prompt_cache"),
                "'" + value + "' must be cold (ask the server not to reuse its prompt cache) or as-is");
    model.prompt_cache_cold = value == "cold";
  }
  if (node["retry"]) {
    const YAML::Node r = node["retry"];
    const std::string rf = join_field(field, "retry");
    yaml.expect_map(r, rf);
    yaml.check_keys(r, rf, {"attempts", "max_wait"});
    if (r["attempts"]) {
      model.retry_attempts = static_cast<int>(yaml.integer_in(r["attempts"], join_field(rf, "attempts"), 0, 20));
    }
    if (r["max_wait"]) model.retry_max_wait_s = read_seconds(yaml, r["max_wait"], join_field(rf, "max_wait"), 3600);
  }
  if (node["timeouts"]) {
    const YAML::Node t = node["timeouts"];
    const std::string tf = join_field(field, "timeouts");
    yaml.expect_map(t, tf);
    yaml.check_keys(t, tf, {"connect", "request", "stall"});
    if (t["connect"]) model.timeouts.connect_s = read_seconds(yaml, t["connect"], join_field(tf, "connect"), 3600);
    if (t["request"]) model.timeouts.request_s = read_seconds(yaml, t["request"], join_field(tf, "request"), 7 * 86400);
    if (t["stall"]) model.timeouts.stall_s = read_seconds(yaml, t["stall"], join_field(tf, "stall"), 86400);
  }
  return model;
}

}  // namespace

TaskSuite load_task_file(const std::string& path) {
  YamlReader yaml(path);
  // Task by task: a file of 10,000 tasks is never in memory as YAML nodes whole.
  const detail::ListedDocument document = yaml.load_listed("tasks");
  const YAML::Node& root = document.root;
  yaml.expect_map(root, "");
  yaml.check_keys(root, "", {"suite", "defaults", "tasks"});
  TaskSuite suite;
  suite.file = path;
  const YAML::Node name = yaml.require(root, "suite", "");
  suite.suite = yaml.string(name, "suite");
  check_identifier(yaml, name, "suite", suite.suite);
  const YAML::Node tasks = yaml.require(root, "tasks", "");
  yaml.expect_sequence(tasks, "tasks");
  const TaskDefaults defaults = root["defaults"] ? read_defaults(yaml, root["defaults"]) : TaskDefaults{};
  std::map<std::string, SourceLocation> seen;
  suite.tasks.reserve(document.list.size());
  for (std::size_t i = 0; i < document.list.size(); ++i) {
    const detail::YamlList::Entry entry = document.list.entry(i);
    const detail::TaskTemplate tmpl = read_task(entry.reader, entry.node, index_field("tasks", i), suite.suite, defaults);
    const std::size_t first = suite.tasks.size();
    detail::expand_task(
        tmpl,
        [&](const detail::VaryingAssertion& varying, const detail::TemplateVars& vars) {
          return read_assertion(*varying.yaml, varying.node, varying.field, tmpl.proto.python_packages, &vars);
        },
        suite.tasks);
    for (std::size_t k = first; k < suite.tasks.size(); ++k) {
      auto [it, inserted] = seen.emplace(suite.tasks[k].name, suite.tasks[k].where);
      if (!inserted)
        entry.reader.fail(entry.node["id"], index_field("tasks", i) + ".id",
                  "duplicate task id '" + suite.tasks[k].name + "' (first at " + it->second.str() + ")");
    }
  }
  return suite;
}

std::vector<TaskSpec> load_tasks(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::recursive_directory_iterator(path)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(entry.path().string());
      }
      if (found.empty()) throw ConfigError({path, 0, 0}, "", "no task files (*.yaml, *.yml) in this directory");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      throw ConfigError({path, 0, 0}, "", "no such file or directory");
    }
  }
  std::vector<TaskSuite> suites;
  std::size_t count = 0;
  std::map<std::string, SourceLocation> seen;
  for (const auto& file : files) {
    suites.push_back(load_task_file(file));
    for (const auto& task : suites.back().tasks) {
      auto [it, inserted] = seen.emplace(task.id(), task.where);
      if (!inserted) throw ConfigError(task.where, "id", "task '" + task.id() + "' is also defined at " + it->second.str());
    }
    count += suites.back().tasks.size();
  }
  if (suites.size() == 1) return std::move(suites.front().tasks);
  // Sized once: a growing vector would hold its tasks twice while it moves them.
  std::vector<TaskSpec> tasks;
  tasks.reserve(count);
  for (auto& suite : suites) {
    std::move(suite.tasks.begin(), suite.tasks.end(), std::back_inserter(tasks));
    suite.tasks = {};
  }
  return tasks;
}

ModelsFile load_models_document(const std::string& path) {
  YamlReader yaml(path);
  const YAML::Node root = yaml.load();
  yaml.expect_map(root, "");
  yaml.check_keys(root, "", {"models", "judges"});
  const YAML::Node models = yaml.require(root, "models", "");
  yaml.expect_sequence(models, "models");
  if (models.size() == 0) yaml.fail(models, "models", "the list is empty: name at least one model");
  ModelsFile out;
  std::set<std::string> names;
  // Judges and models share one namespace, so a name in a report or an assertion's judge: is never ambiguous.
  const auto read_list = [&](const YAML::Node& list, const char* key, std::vector<ModelSpec>& into) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      ModelSpec model = read_model(yaml, list[i], index_field(key, i));
      if (!names.insert(model.name).second)
        yaml.fail(list[i]["name"], index_field(key, i) + ".name", "duplicate model name '" + model.name + "'");
      into.push_back(std::move(model));
    }
  };
  read_list(models, "models", out.models);
  if (const YAML::Node judges = root["judges"]; judges.IsDefined() && !judges.IsNull()) {
    yaml.expect_sequence(judges, "judges");
    read_list(judges, "judges", out.judges);
  }
  return out;
}

std::vector<ModelSpec> load_models_file(const std::string& path) { return load_models_document(path).models; }

nlohmann::json merged_params(const TaskSpec& task, const ModelSpec& model) {
  // The task's parameters are its defaults; the models file is the user's explicit setting for
  // this run, so it wins (a "tuned" model must not be silently re-tuned by a task).
  nlohmann::json params = task.params;
  for (const auto& [key, value] : model.params.items()) params[key] = value;
  return params;
}

}  // namespace goodput
