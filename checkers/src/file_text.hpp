// SPDX-License-Identifier: MIT
// Private: the whole of a file a task names (a fixture, a schema, a judge), read at load time.
#pragma once

#include <optional>
#include <string>

namespace goodput::checkers::detail {

// Its bytes as they are; nullopt when it cannot be opened.
std::optional<std::string> file_text(const std::string& path);

}  // namespace goodput::checkers::detail
