// SPDX-License-Identifier: MIT
#include "goodput/json_text.hpp"

namespace goodput::detail {

namespace {

std::string json_indent(int depth) { return std::string(2 * static_cast<std::size_t>(depth), ' '); }

}  // namespace

JsonTextContainer::JsonTextContainer(std::ostream& out, int depth, bool object)
    : m_out(out), m_depth(depth), m_object(object), m_indent(json_indent(depth + 1)) {
  m_out << (object ? '{' : '[');
}

int JsonTextContainer::member(const std::string& key) {
  element();
  m_out << json_text(key) << ": ";
  return m_depth + 1;
}

int JsonTextContainer::element() {
  m_out << (m_empty ? "\n" : ",\n") << m_indent;
  m_empty = false;
  return m_depth + 1;
}

void JsonTextContainer::close() {
  if (!m_empty) m_out << '\n' << json_indent(m_depth);
  m_out << (m_object ? '}' : ']');
}

void write_json_text(std::ostream& out, const nlohmann::json& value, int depth) {
  if (value.is_object()) {
    JsonTextContainer object(out, depth, true);
    for (auto it = value.begin(); it != value.end(); ++it) write_json_text(out, *it, object.member(it.key()));
    object.close();
  } else if (value.is_array()) {
    JsonTextContainer array(out, depth, false);
    for (const auto& element : value) write_json_text(out, element, array.element());
    array.close();
  } else {
    out << json_text(value);
  }
}

}  // namespace goodput::detail
