// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/learned_load.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace sb::domain::strategy {

LearnedLoad learn_load(const HouseholdModel& model, std::span<const MeasuredDay> days, Date served,
                       const LoadLearning& learning) {
  LearnedLoad out;
  out.household = model;
  const auto served_day = std::chrono::sys_days{served};
  std::vector<MeasuredDay> usable;
  for (const auto& d : days) {
    const auto age = served_day - std::chrono::sys_days{d.day};
    if (age.count() >= 1 && age.count() <= learning.recent_days && d.load_kwh > 0) {
      usable.push_back(d);
    }
  }
  std::sort(usable.begin(), usable.end(), [](const MeasuredDay& a, const MeasuredDay& b) {
    return std::chrono::sys_days{a.day} > std::chrono::sys_days{b.day};
  });
  usable.erase(
      std::unique(usable.begin(), usable.end(),
                  [](const MeasuredDay& a, const MeasuredDay& b) { return a.day == b.day; }),
      usable.end());
  if (static_cast<int>(usable.size()) < learning.min_days) {
    out.days_used = 0;
    return out;
  }
  usable.resize(std::min(usable.size(), static_cast<std::size_t>(learning.max_days)));
  double measured = 0, modelled = 0;
  for (const auto& d : usable) {
    measured += d.load_kwh;
    const auto month = static_cast<unsigned>(d.day.month());
    modelled += model.kwh_per_day[month - 1];
  }
  out.days_used = static_cast<int>(usable.size());
  out.factor = std::clamp(measured / modelled, learning.min_factor, learning.max_factor);
  // The heat pump and the dishwasher keep their energy: the day's shape takes the difference.
  for (std::size_t m = 0; m < 12; ++m) {
    out.household.kwh_per_day[m] = std::max(night_loads_kwh(model, static_cast<int>(m) + 1),
                                            model.kwh_per_day[m] * out.factor);
  }
  return out;
}

std::string LearnedLoad::describe(const LoadLearning& learning) const {
  char text[160];
  if (days_used == 0) {
    std::snprintf(text, sizeof text,
                  "load from the calibrated model (fewer than %d whole days measured)",
                  learning.min_days);
  } else {
    std::snprintf(text, sizeof text, "load learned from %d measured days (%.0f %% of the model)",
                  days_used, factor * 100);
  }
  return text;
}

}  // namespace sb::domain::strategy
