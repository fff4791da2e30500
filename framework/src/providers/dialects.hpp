// SPDX-License-Identifier: MIT
// One factory per dialect (one file each under providers/); make_provider picks by name.
// Private to framework/.
#pragma once

#include <memory>

#include "goodput/provider.hpp"

namespace goodput::detail {

std::unique_ptr<Provider> make_openai_provider(const ModelSpec& model);
std::unique_ptr<Provider> make_ollama_provider(const ModelSpec& model);
std::unique_ptr<Provider> make_lmstudio_provider(const ModelSpec& model);

}  // namespace goodput::detail
