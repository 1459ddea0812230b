// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/kpi.hpp"

#include <cmath>
#include <cstdio>

namespace sb::domain {

namespace {

std::string pct(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f %%", v);
  return buf;
}

}  // namespace

KpiTargets guide_targets(int month) {
  if (month == 12 || month <= 3) return {"winter", 30, 60, 80};
  if (month >= 7 && month <= 9) return {"summer", 10, 40, 60};
  return {"spring-autumn", 20, 50, 70};
}

std::vector<KpiFinding> review_kpis(const std::vector<DayKpis>& days) {
  std::vector<KpiFinding> out;
  if (days.empty()) return out;
  const DayKpis& newest = days.back();
  // Daytime grid dependency: over the season's target every one of the last three days.
  if (static_cast<int>(days.size()) >= kGridDependencyStreakDays) {
    bool all_over = true;
    std::string figures;
    for (std::size_t i = days.size() - kGridDependencyStreakDays; i < days.size(); ++i) {
      const auto& d = days[i];
      const auto& v = d.grid_dependency_pct;
      all_over = all_over && v && *v > guide_targets(d.month).grid_dependency_max_pct;
      if (v) figures += (figures.empty() ? "" : ", ") + pct(*v);
    }
    if (all_over) {
      const KpiTargets t = guide_targets(newest.month);
      out.push_back(
          {"kpi.grid_dependency", Severity::kWarning,
           "daytime grid dependency over the " + t.season + " target of " +
               pct(t.grid_dependency_max_pct) + " " + std::to_string(kGridDependencyStreakDays) +
               " days in a row (" + figures + ")",
           "switch to Type A for a while (sunbridge override pin type-a --until 7d)", newest.day});
    }
  }
  // Night charge: outside the season's band by more than the margin.
  if (newest.night_charge_pct) {
    const KpiTargets t = guide_targets(newest.month);
    const double v = *newest.night_charge_pct;
    const bool low = v < t.night_charge_min_pct - kNightChargeMarginPct;
    const bool high = v > t.night_charge_max_pct + kNightChargeMarginPct;
    if (low || high) {
      char band[48];
      std::snprintf(band, sizeof band, "%.0f-%.0f %%", t.night_charge_min_pct,
                    t.night_charge_max_pct);
      out.push_back({"kpi.night_charge", Severity::kWarning,
                     "the battery gained " + pct(v) + " of charge overnight, more than " +
                         std::to_string(static_cast<int>(kNightChargeMarginPct)) + " points " +
                         (low ? "below" : "above") + " the " + t.season + " band of " + band,
                     low ? "raise 07 (charge current) or 10 (absorption time)"
                         : "lower 07 (charge current) or 10 (absorption time)",
                     newest.day});
    }
  }
  return out;
}

}  // namespace sb::domain
