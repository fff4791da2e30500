// SPDX-License-Identifier: MIT
// Reading fields out of what servers send (stream chunks, error bodies, model lists) without
// ever throwing: a field of the wrong type reads as absent. Shared by the stream decoders and
// the dialects' server probes. Private to the providers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace goodput::detail {

// Only spaces, tabs and line breaks (or nothing).
bool is_blank(std::string_view text);

// The first `max` bytes, cut before a character rather than inside one, so that the
// message stays valid UTF-8 wherever it is printed; "..." marks the cut.
std::string quote_start(std::string_view text, std::size_t max);

// `object[key]` when it is a string; else empty. The view points into `object`.
std::string_view string_member(const nlohmann::json& object, const char* key);

// `object[key]` when it is a finite number >= 0 (a duration, a rate); else nullopt.
std::optional<double> non_negative_member(const nlohmann::json& object, const char* key);

// For server self-descriptions (model lists, /props): `j[key]` as text when it is a string
// or a number, else empty; as an integer when it is a number or a string of digits.
std::string text_at(const nlohmann::json& j, const char* key);
std::optional<std::int64_t> integer_at(const nlohmann::json& j, const char* key);

// The entry of `list` (an array) whose text_at(entry, key) is `id` for one of `keys`; a list
// of one stands for the model (llama.cpp serves exactly one model whatever it is called).
const nlohmann::json* find_entry(const nlohmann::json& list, const std::string& id,
                                 std::initializer_list<const char*> keys);

}  // namespace goodput::detail
