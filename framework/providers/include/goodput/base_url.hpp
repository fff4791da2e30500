// SPDX-License-Identifier: MIT
// A model's base_url checked as a URL (by libcurl's URL API) before any request, so that a
// typo is an input error at the models file, never a connection error retried at run time.
// Internal to goodput (no stable API).
#pragma once

#include <string>

namespace goodput::detail {

// What is wrong with `base_url` and what to write instead, quoting it, or "" when it is a
// usable URL: scheme http or https, a host, a port from 1 to 65535 when one is given, no
// spaces or control characters, no query or fragment (paths are appended to it). Whether it
// suits the dialect is the dialect's own check (Dialect::base_url_problem).
std::string base_url_syntax_problem(const std::string& base_url);

}  // namespace goodput::detail
