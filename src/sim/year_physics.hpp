// SPDX-License-Identifier: Apache-2.0
// The simulator's household run by the strategy benchmark's model (docs/strategy.md): the same
// sunlight, weather days, household load and inverter behaviour as the simulated years, at real
// time or faster, under the settings the daemon writes. What the benchmark measures is then what
// the daemon meets end to end.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "sim/household_model.hpp"
#include "sunbridge/domain/strategy/inverter_model.hpp"
#include "sunbridge/domain/strategy/year_inputs.hpp"

namespace sb::sim {

struct YearPhysicsOptions {
  std::uint64_t seed = 1;  // the weather year and the household's days
  int panels = 6;
  // The household's time runs this many times faster than the wall clock (from the first step).
  // The inverter's clock registers keep the wall clock.
  double speed = 1.0;
  // As in the owner's data, slot 1 delivers no charge; true lets it charge (docs/strategy.md).
  bool slot1_charges = false;
};

class YearPhysics : public Physics {
 public:
  explicit YearPhysics(YearPhysicsOptions options);

  PowerFlows advance(const HouseholdModel& house, std::chrono::system_clock::time_point now,
                     double dt_s, double& soc_pct) override;

  // The household's time for a wall-clock time (after the first step).
  [[nodiscard]] std::chrono::system_clock::time_point household_time(
      std::chrono::system_clock::time_point now) const;

 private:
  void ensure_year(int year);

  YearPhysicsOptions options_;
  domain::strategy::YearSetup setup_;
  std::optional<domain::strategy::YearDays> days_;
  domain::strategy::BatteryState battery_;
  std::chrono::system_clock::time_point start_{};
};

// The inverter model under the settings the simulated inverter holds now.
domain::strategy::InverterModel inverter_model_of(const HouseholdModel& house, bool slot1_charges);
domain::strategy::ControlSettings control_settings_of(const HouseholdModel& house);

}  // namespace sb::sim
