// SPDX-License-Identifier: MIT
#include "providers/dialects.hpp"

namespace goodput {

std::unique_ptr<Provider> make_provider(const ModelSpec& model) {
  if (model.dialect == "openai") return detail::make_openai_provider(model);
  throw ConfigError(model.where, "dialect", "the '" + model.dialect + "' dialect is not built into this goodput (known: openai)");
}

}  // namespace goodput
