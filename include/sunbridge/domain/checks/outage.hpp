// SPDX-License-Identifier: Apache-2.0
// Grid outages: both legs below the interruption limit (fresh readings; the inverter then runs
// the house from the battery). The end event says how long it lasted - short under 3 minutes,
// long otherwise - and how much energy the battery supplied meanwhile (battery power integrated
// between polls). See docs/checks.md.
#pragma once

#include "sunbridge/domain/checks/voltage_events.hpp"

namespace sb::domain::checks {

class OutageCheck {
 public:
  explicit OutageCheck(VoltageRule rule) : rule_(rule) {
    status_ = initial_status("grid.outage", "kWh",
                             "both legs below " + fixed(rule_.interruption_pct, 0) + " % of " +
                                 fixed(rule_.declared_leg_v, 0) + " V");
  }
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] const CheckStatus& status() const { return status_; }

  static constexpr std::chrono::minutes kShortOutage{3};

 private:
  VoltageRule rule_;
  CheckStatus status_;
  std::optional<WallTime> start_;
  std::optional<WallTime> last_;  // the previous update while out (for the energy integral)
  std::optional<double> last_discharge_w_;
  double battery_wh_ = 0;
};

}  // namespace sb::domain::checks
