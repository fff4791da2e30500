// SPDX-License-Identifier: MIT
// What several dialect rows share (dialect.hpp, "Shared by the rows").
#include "goodput/dialect.hpp"

namespace goodput::detail {

void merge_top_level(nlohmann::json& body, const nlohmann::json& value) {
  for (const auto& [key, item] : value.items()) body[key] = item;
}

std::string server_root_url_problem(const std::string& base_url, const ServerRootUrl& root) {
  const std::string quoted = "'" + base_url + "'";
  const std::string example = " (e.g. " + std::string(root.example) + ")";
  if (base_url.ends_with("/v1"))
    return quoted + " ends in /v1, " + std::string(root.server) + "'s OpenAI-compatible layer; for the " +
           std::string(root.dialect) + " dialect drop the /v1" + example + ", or keep it and use dialect: openai";
  for (const std::string_view prefix : root.api_prefixes)
    if (base_url.ends_with(prefix))
      return quoted + " ends in " + std::string(prefix) + ", which the " + std::string(root.dialect) +
             " dialect adds itself: give the server root" + example;
  return "";
}

}  // namespace goodput::detail
