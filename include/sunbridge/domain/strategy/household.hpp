// SPDX-License-Identifier: Apache-2.0
// The household's consumption, step by step: a daily shape scaled to the month's level, plus the
// night loads the settings are arranged around (the EcoCute heat pump and the dishwasher, the
// guide's night schedule). docs/strategy.md "Household".
#pragma once

#include <array>

namespace sb::domain::strategy {

struct HouseholdModel {
  // Everything the house uses in a day, kWh, by month: the owner's meter before the solar
  // system (2022-05 to 2024-08, docs/strategy.md "Calibration"; a test refits it from the
  // readings). Includes the heat pump and the dishwasher.
  std::array<double, 12> kwh_per_day{33.13, 29.93, 26.62, 24.26, 22.40, 21.67,
                                     23.94, 23.18, 20.90, 23.35, 27.65, 30.15};
  // EcoCute heat pump: power while it runs and how long it runs each night, by month. It
  // starts at 00:30 in winter (Dec-Mar) and at 01:00 otherwise.
  double heat_pump_kw = 1.5;
  std::array<double, 12> heat_pump_h{3.5, 3.5, 3.0, 2.5, 2.0, 2.0, 1.5, 1.5, 2.0, 2.5, 3.0, 3.5};
  // Dishwasher (200 V): starts 01:30, this much energy spread over this many hours.
  double dishwasher_kwh = 1.0;
  double dishwasher_h = 2.5;
  // The rest of the day's use by local hour, relative weights (an evening peak, a morning one).
  std::array<double, 24> hourly_shape{0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.9, 1.2, 1.1, 0.9, 0.9, 0.9,
                                      1.0, 0.9, 0.9, 0.9, 1.0, 1.3, 1.6, 1.7, 1.6, 1.4, 1.1, 0.8};
  // Each day's level varies by up to this share either way (seeded).
  double day_spread = 0.12;
};

// Household power at a minute of the day, kW, for a day of `month` (1-12) whose level is
// `day_factor` times the month's.
double household_kw(const HouseholdModel& model, int month, double day_factor,
                    double minute_of_day);

// The night loads' energy in a day of `month`, kWh (the part of kwh_per_day not in the shape).
double night_loads_kwh(const HouseholdModel& model, int month);

}  // namespace sb::domain::strategy
