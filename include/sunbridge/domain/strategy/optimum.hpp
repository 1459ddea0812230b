// SPDX-License-Identifier: Apache-2.0
// The perfect-foresight optimum over the same control space the tables use: each evening's
// choice of 07 / 10 / 41 / 62 from a grid of values the interlocks allow, knowing the actual
// weather and load, by dynamic programming over the battery's state at the decision time.
// It is an optimum over that grid and over SOC in steps of soc_step_pct (between the steps the
// value is interpolated); docs/strategy.md "The optimum".
#pragma once

#include <vector>

#include "sunbridge/domain/interlocks.hpp"
#include "sunbridge/domain/profile.hpp"
#include "sunbridge/domain/strategy/year_simulation.hpp"

namespace sb::domain::strategy {

struct ControlRanges {
  std::vector<double> charge_a{25, 30, 35, 40, 45, 50, 55, 60, 65, 70};  // 07 (the guide: 25-70)
  std::vector<int> absorption_min{15, 30, 45, 60, 75};                   // 10 (15-75)
  std::vector<int> slot1_end_min{150, 180, 210};                         // 41 (02:30-03:30)
  std::vector<double> back_to_battery_soc{25, 30, 35, 40, 45, 50, 55, 60, 65, 70};  // 62 (25-70)
};

// Every combination the interlocks accept with the fixed baseline (`baseline` holds 58-61).
std::vector<ControlSettings> allowed_controls(const ControlRanges& ranges,
                                              const SettingValues& baseline,
                                              const InterlockLimits& limits);

struct OptimumOptions {
  std::vector<ControlSettings> controls;
  double soc_step_pct = 2.0;
  int threads = 1;
};

struct OptimumPlan {
  // [0] from the start of the year, [j] from the evening before day j.
  std::vector<ControlSettings> plan;
  double expected_energy_yen = 0;  // the DP's own estimate (interpolated)
};

// The energy cost of the steps [from, to) under `c` from `state` (left at the end state).
double segment_cost_yen(const YearInputs& in, const InverterModel& model, const ControlSettings& c,
                        BatteryState& state, std::size_t from, std::size_t to);

OptimumPlan perfect_foresight(const YearInputs& in, const InverterModel& model,
                              const OptimumOptions& options, BatteryState initial = {});

// Replays a plan (the optimum's) in simulate_year.
class PlanStrategy : public Strategy {
 public:
  PlanStrategy(std::string name, std::vector<ControlSettings> plan)
      : name_(std::move(name)), plan_(std::move(plan)) {}
  [[nodiscard]] std::string name() const override { return name_; }
  ControlSettings choose(const Decision& d) override {
    const auto i = static_cast<std::size_t>(d.served_day);
    return i < plan_.size() ? plan_[i] : d.current;
  }

 private:
  std::string name_;
  std::vector<ControlSettings> plan_;
};

// The first `days` days of a year's inputs (small cases for tests).
YearInputs first_days(const YearInputs& in, int days);

}  // namespace sb::domain::strategy
