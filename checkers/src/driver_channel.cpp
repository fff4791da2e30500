// SPDX-License-Identifier: MIT
#include "driver_channel.hpp"

#include "check_message.hpp"

namespace goodput::checkers::detail {

bool nests_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

ChannelRead read_channel(std::string_view text, bool truncated) {
  ChannelRead read;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    ++line_number;
    const std::size_t end = text.find('\n', start);
    const std::string where = "line " + std::to_string(line_number);
    if (end == std::string_view::npos) {
      read.problem = truncated ? "more than the channel's cap was written to it"
                               : where + " is not terminated (" + quote(std::string(text.substr(start)), 60) + ")";
      return read;
    }
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (nests_deeper_than(line, k_max_channel_depth)) {
      read.problem = where + " nests deeper than " + std::to_string(k_max_channel_depth) + " levels";
      return read;
    }
    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_discarded() || !event.is_object()) {
      read.problem = where + " is not a JSON object (" + quote(std::string(line), 60) + ")";
      return read;
    }
    const auto name = event.find("event");
    if (name == event.end() || !name->is_string()) {
      read.problem = where + " has no \"event\" (" + quote(std::string(line), 60) + ")";
      return read;
    }
    read.events.push_back(std::move(event));
  }
  if (truncated) read.problem = "more than the channel's cap was written to it";
  return read;
}

std::size_t find_event(const std::vector<nlohmann::json>& events, std::string_view name) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i]["event"].get_ref<const std::string&>() == name) return i;
  }
  return events.size();
}

}  // namespace goodput::checkers::detail
