// SPDX-License-Identifier: MIT
// `json`: the answer is JSON, or holds it in a fenced ```json block (the first that parses;
// an untagged block counts too), and, with `schema` or `schema_file`, matches that JSON Schema
// (draft 4 to 7, validated by valijson through its nlohmann adapter; a failure names the JSON
// pointer of the first violation).
//
//   - type: json
//     schema: {type: object, required: [answer], properties: {answer: {type: integer}}}
//
// The answer comes from the model, so its size is bounded before anything recursive sees it:
// nesting deeper than k_max_depth fails before parsing, and valijson's `pattern` and `format`
// use std::regex, whose recursion grows with the subject, so with such a schema a string
// longer than k_max_regex_subject cannot be judged (an error, never a model failure).
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "builtin_types.hpp"
#include "check_message.hpp"
#include "driver_channel.hpp"
#include "file_text.hpp"
#include "goodput/checkers/code_extract.hpp"

namespace goodput::checkers::detail {

namespace {

using nlohmann::json;

constexpr int k_max_depth = 64;
constexpr std::size_t k_max_regex_subject = 10'000;

// The answer's JSON: where it was found ("the answer", "the ```json block at line 3").
struct FoundJson {
  json value;
  std::string source;
};

std::optional<FoundJson> parse_json_text(std::string_view text, std::string source, std::string& problem) {
  if (nests_deeper_than(text, k_max_depth)) {
    if (problem.empty()) problem = source + " nests deeper than " + std::to_string(k_max_depth) + " levels";
    return std::nullopt;
  }
  try {
    return FoundJson{json::parse(text), std::move(source)};
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error ..."
    std::string what = e.what();
    const std::size_t at = what.find("] ");
    if (problem.empty()) problem = source + " is not JSON: " + (at == std::string::npos ? what : what.substr(at + 2));
    return std::nullopt;
  }
}

std::optional<FoundJson> find_json(const std::string& answer, std::string& problem) {
  const std::string text = strip_reasoning(answer);
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  const std::vector<CodeBlock> blocks = find_code_blocks(text);
  // Prose around a block is the common case; a bare answer that starts like JSON is the other.
  if (begin != std::string::npos && (text[begin] == '{' || text[begin] == '[' || blocks.empty())) {
    if (auto found = parse_json_text(text, "the answer", problem)) return found;
  }
  for (const CodeBlock& block : blocks) {
    if (block.language != "json" && !block.language.empty()) continue;
    const std::string name = "the " + (block.language.empty() ? std::string("untagged") : "```json") +
                             " block at line " + std::to_string(block.line);
    if (auto found = parse_json_text(block.code, name, problem)) return found;
  }
  if (begin == std::string::npos) problem = "the answer is empty";
  else if (problem.empty()) problem = "the answer is not JSON and holds no ```json block";
  return std::nullopt;
}

// valijson's context ["<root>", "[items]", "[0]"] as a JSON pointer: "/items/0".
std::string json_pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& step : context) {
    if (step == "<root>") continue;
    std::string name = step.size() >= 2 && step.front() == '[' && step.back() == ']' ? step.substr(1, step.size() - 2) : step;
    pointer += '/';
    for (const char c : name) {
      if (c == '~') pointer += "~0";
      else if (c == '/') pointer += "~1";
      else pointer += c;
    }
  }
  return pointer.empty() ? "/ (the root)" : pointer;
}

// Every `pattern` (and patternProperties key) of the schema compiles as the validator will
// compile it, or the ParamError names the first that does not: a bad pattern is the schema's
// fault, found before any model is called.
void check_patterns(const json& schema, const std::string& field, const std::string& name) {
  const auto compile = [&](const std::string& pattern) {
    try {
      const std::regex compiled(pattern);
    } catch (const std::regex_error& e) {
      throw ParamError(field, "json: " + name + " has a pattern the validator cannot use: " + quote(pattern, 60) + " (" +
                                  e.what() + ")");
    }
  };
  if (schema.is_object()) {
    for (const auto& [key, value] : schema.items()) {
      if (key == "pattern" && value.is_string()) compile(value.get<std::string>());
      if (key == "patternProperties" && value.is_object()) {
        for (const auto& [property_pattern, sub_schema] : value.items()) compile(property_pattern);
      }
      check_patterns(value, field, name);
    }
  } else if (schema.is_array()) {
    for (const json& value : schema) check_patterns(value, field, name);
  }
}

bool uses_std_regex(const json& schema) {
  if (schema.is_object()) {
    for (const auto& [key, value] : schema.items()) {
      if (key == "pattern" || key == "patternProperties" || key == "format") return true;
      if (uses_std_regex(value)) return true;
    }
  } else if (schema.is_array()) {
    for (const json& value : schema) {
      if (uses_std_regex(value)) return true;
    }
  }
  return false;
}

// The first string (value or key) longer than `limit`, as a JSON pointer; empty when none.
std::string long_string(const json& value, std::size_t limit, const std::string& at = "") {
  if (value.is_string()) return value.get_ref<const std::string&>().size() > limit ? (at.empty() ? "/" : at) : "";
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      if (key.size() > limit) return at + "/" + key.substr(0, 20) + "…";
      std::string found = long_string(member, limit, at + "/" + key);
      if (!found.empty()) return found;
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      std::string found = long_string(value[i], limit, at + "/" + std::to_string(i));
      if (!found.empty()) return found;
    }
  }
  return "";
}

struct Schema {
  valijson::Schema parsed;
  bool regex = false;  // it uses pattern, patternProperties or format
  std::string name;    // "the schema", "schema.json"
};

class JsonChecker final : public Checker {
 public:
  explicit JsonChecker(std::shared_ptr<const Schema> schema) : m_schema(std::move(schema)) {}

  CheckResult check(const Completion& completion) const override {
    std::string problem;
    const std::optional<FoundJson> found = find_json(completion.answer, problem);
    if (!found) return {Outcome::fail, "json: " + problem};
    const std::string kind = found->value.is_object()  ? "an object"
                             : found->value.is_array() ? "an array"
                                                       : std::string("a ") + found->value.type_name();
    if (!m_schema) return {Outcome::pass, "json: " + found->source + " is JSON (" + kind + ")"};
    if (m_schema->regex) {
      const std::string at = long_string(found->value, k_max_regex_subject);
      if (!at.empty()) {
        return {Outcome::error, "json: cannot check the string at " + at + " against " + m_schema->name +
                                    ": it is longer than " + with_commas(k_max_regex_subject) +
                                    " bytes and the schema uses pattern or format, which the validator "
                                    "matches with std::regex (unsafe on long text); drop them or judge that "
                                    "field with a regex assertion"};
      }
    }
    valijson::Validator validator;
    valijson::ValidationResults results;
    const valijson::adapters::NlohmannJsonAdapter target(found->value);
    bool valid = false;
    try {
      valid = validator.validate(m_schema->parsed, target, &results);
    } catch (const std::exception& e) {
      return {Outcome::error, "json: the validator could not check " + found->source + " against " + m_schema->name + ": " + e.what()};
    }
    if (valid) {
      return {Outcome::pass, "json: " + found->source + " is JSON (" + kind + ") and matches " + m_schema->name};
    }
    valijson::ValidationResults::Error first;
    // The deepest error is the one to fix; valijson reports the enclosing ones first.
    for (auto it = results.begin(); it != results.end(); ++it) {
      if (it->context.size() > first.context.size()) first = *it;
    }
    return {Outcome::fail, "json: " + found->source + " does not match " + m_schema->name + " at " +
                               json_pointer(first.context) + ": " + first.description +
                               (results.numErrors() > 1 ? " (" + with_commas(results.numErrors()) + " violations)" : "")};
  }

  std::string describe() const override {
    return m_schema ? "JSON matching " + m_schema->name : "JSON (the answer or its ```json block)";
  }

 private:
  std::shared_ptr<const Schema> m_schema;
};

std::shared_ptr<const Schema> load_schema(const std::string& text, const std::string& field, const std::string& name) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ParamError(field, "json: " + name + " is not JSON: " + e.what());
  }
  if (!document.is_object() && !document.is_boolean()) {
    throw ParamError(field, "json: " + name + " must be a JSON Schema object, e.g. {type: object, required: [answer]}");
  }
  check_patterns(document, field, name);
  auto schema = std::make_shared<Schema>();
  schema->regex = uses_std_regex(document);
  schema->name = name;
  try {
    valijson::SchemaParser parser;
    const valijson::adapters::NlohmannJsonAdapter adapter(document);
    parser.populateSchema(adapter, schema->parsed);
  } catch (const std::exception& e) {
    throw ParamError(field, "json: " + name + " is not a usable JSON Schema: " + e.what() +
                                " (drafts 4 to 7; $ref only within the schema)");
  }
  return schema;
}

}  // namespace

CheckerType json_type() {
  return {"json",
          "the answer (or its fenced ```json block) is JSON, optionally matching a JSON Schema",
          {{"schema", ParamType::json, false, "a JSON Schema, inline in YAML or JSON"},
           {"schema_file", ParamType::path, false, "a JSON Schema file (JSON), relative to the task file"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            const auto inline_schema = params.optional_string("schema");
            const auto file = params.optional_string("schema_file");
            if (inline_schema && file) throw ParamError("schema_file", "json: give 'schema' or 'schema_file', not both");
            std::shared_ptr<const Schema> schema;
            if (inline_schema) schema = load_schema(*inline_schema, "schema", "the schema");
            if (file) {
              const std::string name = std::filesystem::path(*file).filename().string();
              const auto text = file_text(*file);
              if (!text) throw ParamError("schema_file", "json: cannot read " + *file);
              schema = load_schema(*text, "schema_file", name);
            }
            return std::make_unique<JsonChecker>(std::move(schema));
          },
          /*negatable=*/true};
}

}  // namespace goodput::checkers::detail
