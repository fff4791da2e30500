// SPDX-License-Identifier: MIT
#include "providers/dialects.hpp"

namespace goodput {

std::unique_ptr<Provider> make_provider(const ModelSpec& model) {
  if (model.dialect == "openai") return detail::make_openai_provider(model);
  if (model.dialect == "ollama") return detail::make_ollama_provider(model);
  if (model.dialect == "lmstudio") return detail::make_lmstudio_provider(model);
  throw ConfigError(model.where, "dialect", "the '" + model.dialect + "' dialect is not built into this goodput (known: openai, ollama, lmstudio)");
}

}  // namespace goodput
