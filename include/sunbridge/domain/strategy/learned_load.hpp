// SPDX-License-Identifier: Apache-2.0
// The household's level learned from the gateway's own measurements: automatic mode plans with
// the calibrated household model scaled to what the house has actually used lately, and with the
// model as calibrated until enough whole days are measured (docs/strategy.md "Automatic mode").
#pragma once

#include <span>
#include <string>

#include "sunbridge/domain/forecast.hpp"
#include "sunbridge/domain/strategy/household.hpp"

namespace sb::domain::strategy {

// A whole local day the gateway measured, from midnight to midnight without a gap.
struct MeasuredDay {
  Date day;
  double load_kwh = 0;
};

struct LoadLearning {
  int min_days = 7;      // fewer measured days: the model as calibrated
  int max_days = 14;     // the newest this many are used
  int recent_days = 28;  // older measurements say little about the coming days
  // A level outside these bounds is more likely a measuring fault than the house: clamped.
  double min_factor = 0.3;
  double max_factor = 3.0;
};

struct LearnedLoad {
  HouseholdModel household;
  int days_used = 0;    // 0: the model as calibrated
  double factor = 1.0;  // measured use over the model's, on the days used
  [[nodiscard]] std::string describe(const LoadLearning& learning) const;
};

// The household model with its daily use (kwh_per_day) scaled by measured / modelled use over
// the newest measured days before `served`; the night loads keep their configured energy.
LearnedLoad learn_load(const HouseholdModel& model, std::span<const MeasuredDay> days, Date served,
                       const LoadLearning& learning = {});

}  // namespace sb::domain::strategy
