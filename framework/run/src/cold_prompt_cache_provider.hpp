// SPDX-License-Identifier: MIT
// `prompt_cache: cold` for every request a model's provider sends: the YAML task's, each ask()
// of a C++ task case and the warm-up alike, so that no request of a cold model primes or
// reuses the server's cache. Wraps a model's provider once the probe has shown that the
// server takes the switch (ServerInfo::takes_cache_prompt). Private to the runner.
#pragma once

#include <atomic>
#include <memory>
#include <utility>

#include "goodput/provider.hpp"

namespace goodput::detail {

class ColdPromptCacheProvider final : public Provider {
 public:
  explicit ColdPromptCacheProvider(std::unique_ptr<Provider> inner) : m_inner(std::move(inner)) {}
  Completion complete(const CompletionRequest& request, const std::atomic<bool>* cancel) override {
    return m_inner->complete(cold(request), cancel);
  }
  nlohmann::json request_body(const CompletionRequest& request) const override { return m_inner->request_body(cold(request)); }

 private:
  static CompletionRequest cold(CompletionRequest request) {
    request.no_prompt_cache = true;
    return request;
  }
  std::unique_ptr<Provider> m_inner;
};

}  // namespace goodput::detail
