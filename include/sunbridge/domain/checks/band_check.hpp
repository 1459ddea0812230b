// SPDX-License-Identifier: Apache-2.0
// A value against warning and critical bands, with hysteresis and a minimum duration: the
// building block of the thermal and frequency checks. A standing condition is one event with a
// start, an end, the extreme value and the duration, not one per poll. The worst of several
// points is judged (the hottest pack sensor, say).
#pragma once

#include "sunbridge/domain/checks/check.hpp"

namespace sb::domain::checks {

struct BandRule {
  std::string name;                 // "thermal.pack"
  std::string label;                // "battery temperature"
  std::vector<std::string> points;  // judged together: the worst one counts
  std::string unit;
  std::optional<double> warning_above, critical_above;
  std::optional<double> warning_below, critical_below;
  double hysteresis = 1.0;               // back inside the band by this much to end
  std::chrono::seconds min_duration{0};  // beyond the band this long to start
  int decimals = 1;
};

class BandCheck {
 public:
  explicit BandCheck(BandRule rule);
  // Judges the current values; returns the events this update opened or closed.
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] const CheckStatus& status() const { return status_; }
  [[nodiscard]] const BandRule& rule() const { return rule_; }

 private:
  // The level `v` calls for, given the current level (hysteresis keeps a level until the value
  // is back inside its band by `hysteresis`).
  [[nodiscard]] Level judge(double v, Level current) const;
  std::vector<Event> close(WallTime now);

  BandRule rule_;
  CheckStatus status_;
  Level pending_ = Level::kOk;  // what the value calls for, not yet for min_duration
  std::optional<WallTime> pending_since_;
  std::optional<WallTime> event_start_;  // an open event
  double extreme_ = 0;
  std::string extreme_point_;
  Level event_level_ = Level::kOk;
};

}  // namespace sb::domain::checks
