// SPDX-License-Identifier: MIT
// Private: a YAML task as written (its {{name}} references, its `vars:`, its `dataset:`) and
// how it becomes task cases: one per dataset row (ids Name_<row id>), or itself without a
// dataset, with every {{name}} replaced. Assertions without a reference are built once and
// shared by all the cases of a template (one checker for 100,000 rows).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "template_vars.hpp"
#include "goodput/spec.hpp"
#include "goodput/yaml_util.hpp"

namespace goodput::detail {

// An assertion whose values hold a {{name}}: read again for each case, with that case's vars.
struct VaryingAssertion {
  std::size_t index = 0;  // its place in TaskTemplate::proto.assertions
  YAML::Node node;
  const YamlReader* yaml = nullptr;  // the reader of `node` (a task's, or the file's for its defaults)
  std::string field;  // "tasks[3].assert[1]"
  bool wants_vars = false;  // a `python` judge, whose check(answer, vars) gets the case's vars
};

struct TaskTemplate {
  TaskSpec proto;  // prompt and system message as written; placeholders at the varying assertions
  std::vector<VaryingAssertion> varying;
  VarList vars;  // the task's `vars:` over the file's `defaults.vars`
  std::string field;  // "tasks[3]"
  SourceLocation prompt_where, system_where;
  std::string system_field;  // "tasks[3].system", or "defaults.system" when it comes from there
  std::string dataset;  // the rows file (resolved), empty without one
  SourceLocation dataset_where;
  std::string id_column;
};

// Reads one varying assertion with the vars of one case.
using VaryingAssertionReader = std::function<AssertionSpec(const VaryingAssertion&, const TemplateVars&)>;

// Appends the template's cases to `out`. Throws ConfigError: an unknown {{name}} (at the
// field that names it, with the row), or any dataset error (goodput/dataset.hpp).
void expand_task(const TaskTemplate& task, const VaryingAssertionReader& read_assertion, std::vector<TaskSpec>& out);

// Whether any scalar in `node` (keys aside) holds a {{name}}.
bool holds_var_reference(const YAML::Node& node);

// `node` with {{name}} replaced in its scalars (a new node; `node` itself when it holds none
// or `vars` is null). Throws ConfigError at `node` for an unknown name.
YAML::Node substituted(const YamlReader& yaml, const YAML::Node& node, const std::string& field, const TemplateVars* vars);

// `vars: {name: value, ...}`: scalar values, as text.
VarList read_vars(const YamlReader& yaml, const YAML::Node& node, const std::string& field);

// Later layers add names and win over `base` (the task's vars over the defaults').
VarList merged_vars(const VarList& base, const VarList& over);

}  // namespace goodput::detail
