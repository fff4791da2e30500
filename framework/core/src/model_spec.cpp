// SPDX-License-Identifier: MIT
// What a ModelSpec says beyond its fields (goodput/model_spec.hpp).
#include "goodput/model_spec.hpp"

namespace goodput {

std::string server_endpoint(const ModelSpec& model) {
  const auto scheme_end = model.base_url.find("://");
  const auto path = model.base_url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  return path == std::string::npos ? model.base_url : model.base_url.substr(0, path);
}

}  // namespace goodput
