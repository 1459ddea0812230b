// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/auto_strategy.hpp"

#include "sunbridge/domain/strategy/calendar.hpp"

namespace sb::domain::strategy {

AutoStrategy::AutoStrategy(Knowledge knowledge, const Tariff& tariff,
                           const AutoCandidates& candidates, InverterModel model, AutoPolicy policy,
                           BudgetPolicy budget)
    : knowledge_(std::move(knowledge)),
      tariff_(&tariff),
      candidates_(&candidates),
      model_(model),
      policy_(std::move(policy)),
      budget_(budget) {}

ControlSettings AutoStrategy::choose(const Decision& decision) {
  const std::vector<DayWeather> none;
  const ExpectedDays expected =
      expected_days(knowledge_.site, knowledge_.climate, knowledge_.household, *tariff_,
                    date_of(decision.inputs->year, decision.served_day),
                    decision.forecast != nullptr ? *decision.forecast : none, policy_.horizon_days,
                    policy_.model_step_min);
  AutoContext ctx;
  ctx.candidates = candidates_;
  ctx.battery = decision.battery;
  // The first evening of the year has no settings of its own yet: it starts from Type B's
  // winter row, as a fresh installation would.
  ctx.current = decision.forecast == nullptr ? ControlSettings{60, 60, 180, 60} : decision.current;
  ctx.budget = budget_;
  last_ = choose_auto(expected, model_, ctx, policy_);
  return last_.settings;
}

}  // namespace sb::domain::strategy
