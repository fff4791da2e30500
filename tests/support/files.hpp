// SPDX-License-Identifier: MIT
// Files and paths for tests: the test data and source trees, whole-file reads and writes,
// JSON and JSON Lines documents, and shell quoting for command lines.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace goodput::test {

// tests/data/<relative> and <source tree>/<relative>.
std::string data_path(std::string_view relative);
std::string source_path(std::string_view relative);

// The whole file as bytes; empty when it cannot be read.
std::string read_file(const std::filesystem::path& path);
// Creates or truncates `path` (parent directories included) and returns it as a string.
std::string write_file(const std::filesystem::path& path, std::string_view text);
nlohmann::json read_json(const std::filesystem::path& path);
// One document per non-empty line (a journal.jsonl).
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path);

// `s` as one POSIX shell word: 'it'\''s'.
std::string quote(std::string_view s);

}  // namespace goodput::test
