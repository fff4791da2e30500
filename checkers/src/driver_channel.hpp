// SPDX-License-Identifier: MIT
// Reading what a sandboxed Python driver reported through its result channel: one JSON object
// per line, each with a string "event". The process that wrote the lines also runs the code
// under test, so nothing about them is trusted: every line's size and nesting are bounded
// before it is parsed (a 15 MB line of nested brackets must not cost goodput 500 MB), and
// reading stops at the first line that breaks the form.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace goodput::checkers::detail {

// The drivers' events are flat objects with a list or an object inside at most.
inline constexpr int k_max_channel_depth = 8;

struct ChannelRead {
  std::vector<nlohmann::json> events;  // the well-formed lines before the first problem
  std::string problem;                 // empty when every line was well-formed
};

// `truncated`: the sandbox stopped keeping the channel at its cap.
ChannelRead read_channel(std::string_view text, bool truncated);

// Whether JSON text nests arrays/objects deeper than max_depth (a scan: no allocation).
bool nests_deeper_than(std::string_view text, int max_depth);

// The index of the first event whose "event" is `name`, or events.size().
std::size_t find_event(const std::vector<nlohmann::json>& events, std::string_view name);

}  // namespace goodput::checkers::detail
