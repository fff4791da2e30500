// SPDX-License-Identifier: MIT
// Private: {{name}} in a task's prompt, system message and assertion values, replaced by the
// value of a variable (a dataset row's field, the task's `vars:`, the file's `defaults.vars`).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace goodput::detail {

using VarList = std::vector<std::pair<std::string, std::string>>;

// Variables from several places; the layer added first wins (a row's field over the task's
// vars over the defaults').
class TemplateVars {
 public:
  void add(const VarList* layer) {
    if (layer) m_layers.push_back(layer);
  }
  const std::string* find(std::string_view name) const;
  // Every name once with the value find() gives it, sorted by name.
  VarList visible() const;
  // "a, b, c" (each name once), or "none" - for messages about an unknown name.
  std::string names() const;

 private:
  std::vector<const VarList*> m_layers;
};

// Thrown by substitute_vars for a {{name}} no variable has.
struct UnknownVar {
  std::string name;
  std::size_t offset;  // of the "{{" in the text
};

// Whether `text` holds a {{name}} (spaces inside the braces allowed: {{ name }}). Anything else
// between braces, "{{ 1 + 2 }}" or a lone "{{", is text and stays as it is.
bool has_var_reference(std::string_view text);

// `text` with every {{name}} replaced by its value; values are not searched again, so a
// variable holding "{{" puts the braces themselves into the text. Throws UnknownVar.
std::string substitute_vars(std::string_view text, const TemplateVars& vars);

}  // namespace goodput::detail
