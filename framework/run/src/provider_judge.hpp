// SPDX-License-Identifier: MIT
// A judge of the models file (`judges:`) as the checkers see it (goodput/judge_model.hpp):
// asked through its own Provider, as a model under test is.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "goodput/judge_model.hpp"
#include "goodput/model_spec.hpp"
#include "goodput/provider.hpp"
#include "server_gate.hpp"

namespace goodput::detail {

class ProviderJudge final : public JudgeModel {
 public:
  // `gate`: the judge's server's, held while asking, so that a judge on the server of a model
  // under test never overlaps a measured request (nullptr: a simulated judge). `cancel`
  // abandons a request in flight when the run is interrupted.
  ProviderJudge(const ModelSpec& model, std::unique_ptr<Provider> provider, Gate* gate, const std::atomic<bool>* cancel)
      : m_model(model), m_provider(std::move(provider)), m_gate(gate), m_cancel(cancel) {}

  const std::string& name() const override { return m_model.name; }
  Completion ask(const std::string& prompt) const override;

 private:
  const ModelSpec& m_model;
  std::unique_ptr<Provider> m_provider;
  Gate* m_gate;
  const std::atomic<bool>* m_cancel;
};

}  // namespace goodput::detail
