// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/household.hpp"

#include <algorithm>
#include <numeric>

namespace sb::domain::strategy {

namespace {

bool winter(int month) {
  return month == 12 || month <= 3;
}

double shape_sum(const HouseholdModel& model) {
  return std::accumulate(model.hourly_shape.begin(), model.hourly_shape.end(), 0.0);
}

}  // namespace

double night_loads_kwh(const HouseholdModel& model, int month) {
  const int m = std::clamp(month, 1, 12) - 1;
  return model.heat_pump_kw * model.heat_pump_h[m] + model.dishwasher_kwh;
}

double household_kw(const HouseholdModel& model, int month, double day_factor,
                    double minute_of_day) {
  const int m = std::clamp(month, 1, 12) - 1;
  // The shaped part keeps at least a fifth of the day: a month level below the night loads is a
  // fitting mistake, not a house that uses nothing in the day.
  const double total = model.kwh_per_day[m] * day_factor;
  const double shaped_kwh = std::max(total - night_loads_kwh(model, month), 0.2 * total);
  const int hour = std::clamp(static_cast<int>(minute_of_day / 60.0), 0, 23);
  double kw = shaped_kwh * model.hourly_shape[static_cast<std::size_t>(hour)] / shape_sum(model);
  const double hp_start = winter(month) ? 30.0 : 60.0;
  if (minute_of_day >= hp_start && minute_of_day < hp_start + model.heat_pump_h[m] * 60.0) {
    kw += model.heat_pump_kw;
  }
  constexpr double kDishwasherStart = 90.0;
  if (model.dishwasher_h > 0 && minute_of_day >= kDishwasherStart &&
      minute_of_day < kDishwasherStart + model.dishwasher_h * 60.0) {
    kw += model.dishwasher_kwh / model.dishwasher_h;
  }
  return kw;
}

}  // namespace sb::domain::strategy
