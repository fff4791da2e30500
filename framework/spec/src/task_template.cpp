// SPDX-License-Identifier: MIT
#include "task_template.hpp"

#include <filesystem>
#include <map>

#include "goodput/dataset.hpp"

namespace goodput::detail {

namespace {

std::string unknown_var_message(const UnknownVar& unknown, const TemplateVars& vars) {
  return "unknown variable {{" + unknown.name + "}} (known here: " + vars.names() +
         "); define it in the task's vars:, the file's defaults.vars or the dataset";
}

std::string substitute_field(const std::string& text, const TemplateVars& vars, const SourceLocation& where,
                             const std::string& field) {
  try {
    return substitute_vars(text, vars);
  } catch (const UnknownVar& unknown) {
    throw ConfigError(where, field, unknown_var_message(unknown, vars));
  }
}

// The text of every scalar after substitution, in order: equal keys mean the same assertion.
void append_substituted_scalars(const YAML::Node& node, const TemplateVars& vars, std::string& key) {
  if (node.IsScalar()) {
    try {
      key += substitute_vars(node.Scalar(), vars);
    } catch (const UnknownVar&) {
      key += node.Scalar();  // reading it says which name is unknown, and where
    }
    key += '\x1f';
  } else if (node.IsSequence() || node.IsMap()) {
    key += node.IsMap() ? '{' : '[';
    for (const auto& entry : node) {
      if (node.IsMap()) {
        key += entry.first.Scalar() + '\x1e';
        append_substituted_scalars(entry.second, vars, key);
      } else {
        append_substituted_scalars(entry, vars, key);
      }
    }
    key += '}';
  }
}

// The cases of one template, sharing equal assertions: a varying assertion whose values come
// out the same for two rows is read once.
class CaseMaker {
 public:
  CaseMaker(const TaskTemplate& task, const VaryingAssertionReader& read) : m_task(task), m_read(read), m_seen(task.varying.size()) {}

  TaskSpec make(std::string name, const TemplateVars& vars) {
    TaskSpec out = m_task.proto;
    out.name = std::move(name);
    out.prompt = substitute_field(m_task.proto.prompt, vars, m_task.prompt_where, join_field(m_task.field, "prompt"));
    out.system = substitute_field(m_task.proto.system, vars, m_task.system_where, m_task.system_field);
    for (std::size_t i = 0; i < m_task.varying.size(); ++i) {
      const VaryingAssertion& varying = m_task.varying[i];
      std::string key;
      append_substituted_scalars(varying.node, vars, key);
      if (varying.wants_vars)
        for (const auto& [var_name, value] : vars.visible()) key += var_name + '\x1e' + value + '\x1f';
      auto it = m_seen[i].find(key);
      if (it == m_seen[i].end()) it = m_seen[i].emplace(std::move(key), read(varying, vars)).first;
      out.assertions[varying.index] = it->second;
    }
    return out;
  }

 private:
  // A substituted value that does not fit its type is reported at the assertion (the new
  // node has no place in the file).
  AssertionSpec read(const VaryingAssertion& varying, const TemplateVars& vars) {
    try {
      AssertionSpec spec = m_read(varying, vars);
      return spec;
    } catch (const ConfigError& e) {
      if (e.where().line > 0) throw;
      SourceLocation at = varying.yaml->where(varying.node);
      if (at.line == 0) at = m_task.proto.where;
      throw ConfigError(at, e.field(), e.message() + " (after replacing its {{names}})");
    }
  }

  const TaskTemplate& m_task;
  const VaryingAssertionReader& m_read;
  std::vector<std::map<std::string, AssertionSpec>> m_seen;
};

}  // namespace

void expand_task(const TaskTemplate& task, const VaryingAssertionReader& read_assertion, std::vector<TaskSpec>& out) {
  CaseMaker maker(task, read_assertion);
  if (task.dataset.empty()) {
    TemplateVars vars;
    vars.add(&task.vars);
    out.push_back(maker.make(task.proto.name, vars));
    return;
  }
  std::error_code ec;
  if (!std::filesystem::exists(task.dataset, ec))
    throw ConfigError(task.dataset_where, join_field(task.field, "dataset"),
                      "'" + task.dataset + "' does not exist (relative paths start at the task file's folder)");
  const std::vector<DataRow> rows = read_dataset(task.dataset, task.id_column);
  out.reserve(out.size() + rows.size());
  for (const DataRow& row : rows) {
    TemplateVars vars;
    vars.add(&row.fields);
    vars.add(&task.vars);
    try {
      out.push_back(maker.make(task.proto.name + "_" + row.id, vars));
    } catch (const ConfigError& e) {
      throw ConfigError(e.where(), e.field(), e.message() + " (for the row at " + row.where.str() + ")");
    }
  }
}

bool holds_var_reference(const YAML::Node& node) {
  if (node.IsScalar()) return has_var_reference(node.Scalar());
  if (node.IsSequence()) {
    for (const auto& item : node)
      if (holds_var_reference(item)) return true;
  } else if (node.IsMap()) {
    for (const auto& entry : node)
      if (holds_var_reference(entry.second)) return true;
  }
  return false;
}

YAML::Node substituted(const YamlReader& yaml, const YAML::Node& node, const std::string& field, const TemplateVars* vars) {
  if (!vars || !node.IsDefined() || !holds_var_reference(node)) return node;
  if (node.IsScalar()) {
    try {
      // A plain scalar: `expected: "{{n}}"` is quoted only because YAML reads {{ as a mapping.
      return YAML::Node(substitute_vars(node.Scalar(), *vars));
    } catch (const UnknownVar& unknown) {
      yaml.fail(node, field, unknown_var_message(unknown, *vars));
    }
  }
  YAML::Node out(node.IsMap() ? YAML::NodeType::Map : YAML::NodeType::Sequence);
  if (node.IsMap()) {
    for (const auto& entry : node)
      out[entry.first.Scalar()] = substituted(yaml, entry.second, join_field(field, entry.first.Scalar()), vars);
  } else {
    for (std::size_t i = 0; i < node.size(); ++i) out.push_back(substituted(yaml, node[i], index_field(field, i), vars));
  }
  return out;
}

VarList read_vars(const YamlReader& yaml, const YAML::Node& node, const std::string& field) {
  yaml.expect_map(node, field);
  VarList out;
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string sub = join_field(field, name);
    bool valid = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
    for (const char c : name)
      valid = valid && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!valid) yaml.fail(entry.first, sub, "'" + name + "' is not a variable name: use letters, digits and '_' ({{" + "name}} refers to it)");
    if (!entry.second.IsScalar())
      yaml.fail(entry.second, sub, "a variable's value is a string, number or boolean (it becomes the text of {{" + name + "}})");
    out.emplace_back(name, entry.second.Scalar());
  }
  return out;
}

VarList merged_vars(const VarList& base, const VarList& over) {
  VarList out = over;
  for (const auto& entry : base) {
    bool overridden = false;
    for (const auto& mine : over) overridden = overridden || mine.first == entry.first;
    if (!overridden) out.push_back(entry);
  }
  return out;
}

}  // namespace goodput::detail
