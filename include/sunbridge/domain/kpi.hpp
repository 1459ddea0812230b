// SPDX-License-Identifier: Apache-2.0
// The owner's guide's weekly evaluation (docs/reports.md, "The guide's KPIs"): seasonal targets
// for the daytime grid dependency and the night charge, and the action lines that call for a
// response. Pure: daily figures in, findings out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/event.hpp"

namespace sb::domain {

struct KpiTargets {
  std::string season;                   // winter, spring-autumn, summer (the Type B seasons)
  double grid_dependency_max_pct = 30;  // grid import / load, 07:00-23:00
  double night_charge_min_pct = 60;     // SOC gained 23:00-07:00
  double night_charge_max_pct = 80;
};

// The guide's targets for a month: winter (December-March) <= 30 %, 60-80 %; spring and autumn
// (April-June, October, November) <= 20 %, 50-70 %; summer (July-September) <= 10 %, 40-60 %.
KpiTargets guide_targets(int month);

// The guide's action lines.
inline constexpr int kGridDependencyStreakDays = 3;  // over target this many days in a row
inline constexpr double kNightChargeMarginPct = 15;  // outside the band by more than this

struct DayKpis {
  std::string day;  // local date
  int month = 1;
  std::optional<double> grid_dependency_pct;  // that day, 07:00-23:00
  std::optional<double> night_charge_pct;     // the night after it, 23:00 to 07:00
};

struct KpiFinding {
  std::string kind;  // kpi.grid_dependency, kpi.night_charge
  Severity severity = Severity::kWarning;
  std::string message;
  std::string suggestion;  // the guide's response
  std::string day;
};

// `days`: consecutive days, oldest first, the last one the newest complete day. The grid
// dependency finding needs the last kGridDependencyStreakDays days all over target; the night
// charge finding looks at the newest night.
std::vector<KpiFinding> review_kpis(const std::vector<DayKpis>& days);

}  // namespace sb::domain
