// SPDX-License-Identifier: Apache-2.0
// Supply voltage events on polled RMS readings, per leg (L1, L2) and leg to leg (L1 + L2; the
// inverter has no leg-to-leg register), in the classes of IEC 61000-4-30 against the declared
// voltages: dip below 90 %, swell above 110 %, interruption below 5 %, each ending 2 % back
// inside. An event opens when any leg enters a class and ends only when every leg has
// recovered. The polls are seconds apart, so a duration is a range: the event began after the
// last normal poll and ended before the first normal one. Sub-cycle events, harmonics and
// flicker cannot be seen at all with this hardware. See docs/checks.md.
#pragma once

#include <map>

#include "sunbridge/domain/checks/check.hpp"

namespace sb::domain::checks {

struct VoltageRule {
  double declared_leg_v = 101.0;  // Japanese low-voltage supply: 101 +/- 6 V per leg
  double declared_l12_v = 202.0;  // 202 +/- 20 V leg to leg
  double dip_pct = 90.0;
  double swell_pct = 110.0;
  double interruption_pct = 5.0;
  double hysteresis_pct = 2.0;
};

class VoltageEvents {
 public:
  explicit VoltageEvents(VoltageRule rule);
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] const CheckStatus& status() const { return status_; }

  // The class a reading of `pct` % of nominal calls for, given the class it is in now.
  [[nodiscard]] std::string classify(double pct, const std::string& current) const;

 private:
  VoltageRule rule_;
  CheckStatus status_;
  std::map<std::string, std::string> leg_class_;  // "L1" -> "normal" | "dip" | ...
  // The open event.
  std::string event_class_;  // "" when none
  WallTime first_abnormal_{}, last_abnormal_{};
  std::optional<WallTime> last_normal_before_;
  double extreme_pct_ = 100.0;
  std::string extreme_leg_;
  double extreme_v_ = 0;
  std::optional<WallTime> last_normal_;  // the latest poll with every leg normal
};

}  // namespace sb::domain::checks
