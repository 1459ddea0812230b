// SPDX-License-Identifier: Apache-2.0
// Calibrating the household model on the owner's meter: before the solar system was installed,
// the grid import was the house's whole use, so each month's level is measured directly; the
// months after it check the model (sunlight, battery and settings) against what the meter saw.
// docs/strategy.md "Calibration".
#pragma once

#include <array>
#include <optional>
#include <vector>

#include "sunbridge/domain/forecast.hpp"
#include "sunbridge/domain/profile.hpp"
#include "sunbridge/domain/strategy/year_inputs.hpp"

namespace sb::domain::strategy {

struct DailyKwh {
  Date date;
  double kwh = 0;
};

// Mean use per day for each calendar month ([0] = January), from the days before
// `system_start`; nullopt for a month with fewer than `min_days` such days.
std::array<std::optional<double>, 12> use_per_day_before(const std::vector<DailyKwh>& days,
                                                         Date system_start, int min_days = 20);

struct MeteredMonth {
  int year = 0, month = 0;
  int days = 0;  // days with a reading
  double kwh = 0;
};

// The months from `system_start` on (the month it started in is left out: partly without the
// system) with at least `min_days` readings.
std::vector<MeteredMonth> months_with_system(const std::vector<DailyKwh>& days, Date system_start,
                                             int min_days = 28);

// The system as the meter saw it (6 panels, `profile` through the daemon's selection, slot 1
// delivering nothing as the field data show): its grid import per calendar month ([0] =
// January, whole months), averaged over `years` seeded years from `setup.seed` on. `setup`
// brings the site, climate and household; its panel count is replaced.
std::array<double, 12> simulate_metered_system(YearSetup setup, const Tariff& tariff,
                                               const Profile& profile,
                                               const ProfileLibrary& library, int years);

struct MonthCheck {
  MeteredMonth metered;
  double simulated_kwh = 0;  // the simulated month scaled to the days metered
  [[nodiscard]] double error_pct() const {
    return metered.kwh > 0 ? 100.0 * (simulated_kwh - metered.kwh) / metered.kwh : 0.0;
  }
};

// Each metered month beside the simulated grid import of that calendar month
// (`simulated_by_month[0]` = January, a whole month), and their mean absolute percentage error.
struct CalibrationCheck {
  std::vector<MonthCheck> months;
  double mape_pct = 0;
};
CalibrationCheck check_against_meter(const std::vector<MeteredMonth>& metered,
                                     const std::array<double, 12>& simulated_by_month);

// Mean absolute percentage error of `simulated` against `measured` (same length, measured > 0).
double mean_absolute_percentage_error(const std::vector<double>& measured,
                                      const std::vector<double>& simulated);

}  // namespace sb::domain::strategy
