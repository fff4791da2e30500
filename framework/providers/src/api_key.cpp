// SPDX-License-Identifier: MIT
#include "goodput/api_key.hpp"

#include <cstdlib>

#include "goodput/yaml_util.hpp"

namespace goodput::detail {

std::vector<std::string> auth_headers(const ModelSpec& model) {
  if (model.api_key_env.empty()) return {};
  const char* key = std::getenv(model.api_key_env.c_str());
  if (!key || !*key) return {};
  return {std::string("Authorization: Bearer ") + key};
}

std::vector<std::string> required_auth_headers(const ModelSpec& model) {
  std::vector<std::string> headers = auth_headers(model);
  if (headers.empty() && !model.api_key_env.empty())
    throw ConfigError(model.api_key_env_where.file.empty() ? model.where : model.api_key_env_where,
                      join_field(model.field, "api_key_env"),
                      "environment variable " + model.api_key_env +
                          " is not set; export it before running (the key itself never goes in a file)");
  return headers;
}

}  // namespace goodput::detail
