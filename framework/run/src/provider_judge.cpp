// SPDX-License-Identifier: MIT
#include "provider_judge.hpp"

namespace goodput::detail {

Completion ProviderJudge::ask(const std::string& prompt) const {
  CompletionRequest request;
  request.messages.push_back({"user", prompt});
  request.params = m_model.params;
  if (m_gate) m_gate->acquire();
  Completion reply = m_provider->complete(request, m_cancel);
  if (m_gate) m_gate->release();
  return reply;
}

}  // namespace goodput::detail
