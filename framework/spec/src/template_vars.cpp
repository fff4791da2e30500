// SPDX-License-Identifier: MIT
#include "template_vars.hpp"

#include <map>

namespace goodput::detail {

namespace {

bool var_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool var_name_char(char c) { return var_name_start(c) || (c >= '0' && c <= '9'); }

// The {{name}} starting at `at` (which holds "{{"): its name and its length, or an empty name.
std::pair<std::string_view, std::size_t> var_reference_at(std::string_view text, std::size_t at) {
  std::size_t i = at + 2;
  while (i < text.size() && text[i] == ' ') ++i;
  const std::size_t name_start = i;
  if (i >= text.size() || !var_name_start(text[i])) return {{}, 0};
  while (i < text.size() && var_name_char(text[i])) ++i;
  const std::size_t name_end = i;
  while (i < text.size() && text[i] == ' ') ++i;
  if (text.substr(i, 2) != "}}") return {{}, 0};
  return {text.substr(name_start, name_end - name_start), i + 2 - at};
}

}  // namespace

const std::string* TemplateVars::find(std::string_view name) const {
  for (const VarList* layer : m_layers)
    for (const auto& [key, value] : *layer)
      if (key == name) return &value;
  return nullptr;
}

VarList TemplateVars::visible() const {
  std::map<std::string, std::string> all;
  for (const VarList* layer : m_layers)
    for (const auto& entry : *layer) all.emplace(entry);  // an earlier layer's value stays
  return {all.begin(), all.end()};
}

std::string TemplateVars::names() const {
  std::string out;
  for (const auto& entry : visible()) out += (out.empty() ? "" : ", ") + entry.first;
  return out.empty() ? "none" : out;
}

bool has_var_reference(std::string_view text) {
  for (std::size_t at = text.find("{{"); at != std::string_view::npos; at = text.find("{{", at + 1))
    if (var_reference_at(text, at).second > 0) return true;
  return false;
}

std::string substitute_vars(std::string_view text, const TemplateVars& vars) {
  std::string out;
  std::size_t done = 0;
  for (std::size_t at = text.find("{{"); at != std::string_view::npos; at = text.find("{{", at + 1)) {
    const auto [name, length] = var_reference_at(text, at);
    if (length == 0) continue;
    const std::string* value = vars.find(name);
    if (!value) throw UnknownVar{std::string(name), at};
    out.append(text, done, at - done);
    out += *value;
    done = at + length;
    at = done - 1;
  }
  out.append(text, done);
  return out;
}

}  // namespace goodput::detail
