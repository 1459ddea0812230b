// SPDX-License-Identifier: Apache-2.0
// The automatic mode as a strategy of the year simulation: each evening it sees only what the
// daemon would (the forecast, its own load model, the tariff, the battery now) and asks the
// same chooser the daemon asks.
#pragma once

#include "sunbridge/domain/strategy/auto_chooser.hpp"
#include "sunbridge/domain/strategy/year_simulation.hpp"

namespace sb::domain::strategy {

class AutoStrategy : public Strategy {
 public:
  struct Knowledge {
    PvSite site;
    Climate climate;
    HouseholdModel household;  // the calibrated model: the load forecast before any history
  };
  // `tariff` and `candidates` must outlive the strategy.
  AutoStrategy(Knowledge knowledge, const Tariff& tariff, const AutoCandidates& candidates,
               InverterModel model, AutoPolicy policy, BudgetPolicy budget = {});
  [[nodiscard]] std::string name() const override { return "automatic"; }
  ControlSettings choose(const Decision& decision) override;
  [[nodiscard]] const AutoChoice& last() const { return last_; }

 private:
  Knowledge knowledge_;
  const Tariff* tariff_;
  const AutoCandidates* candidates_;
  InverterModel model_;
  AutoPolicy policy_;
  BudgetPolicy budget_;
  AutoChoice last_;
};

}  // namespace sb::domain::strategy
