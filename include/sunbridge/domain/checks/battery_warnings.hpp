// SPDX-License-Identifier: Apache-2.0
// Two rows of the owner's early-warning table that a single poll cannot judge but a few minutes
// of them can: the battery voltage swinging while the current is steady (BMS control or a loose
// terminal), and the SOC disagreeing with the voltage at rest (BMS calibration drift, judged on
// a LiFePO4 16S open-circuit curve). See docs/checks.md.
#pragma once

#include <deque>

#include "sunbridge/domain/checks/check.hpp"

namespace sb::domain::checks {

struct SwingRule {
  std::chrono::seconds window{300};
  double steady_a = 3.0;  // the current moved less than this in the window
  double swing_v = 1.0;   // while the voltage moved more than this
  int min_samples = 5;
};

class VoltageSwing {
 public:
  explicit VoltageSwing(SwingRule rule);
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] const CheckStatus& status() const { return status_; }

 private:
  struct Sample {
    WallTime ts;
    double v, a;
  };
  SwingRule rule_;
  CheckStatus status_;
  std::deque<Sample> window_;
  std::optional<WallTime> event_start_;
  double worst_swing_v_ = 0;
};

// The SOC an LFP 16S bank's open-circuit voltage allows, as a range: the curve is so flat
// between about 30 and 90 % that a voltage there says little, and the check claims no more.
struct SocRange {
  double low_pct = 0, high_pct = 100;
};
SocRange soc_range_at_rest(double bank_v, double tolerance_v);

struct OcvRule {
  double rest_a = 2.0;              // |current| below this counts as rest
  std::chrono::seconds rest{1800};  // for this long before the voltage is an OCV
  double tolerance_v = 0.24;        // 15 mV per cell
  double margin_pct = 10.0;         // SOC outside the allowed range by more than this
};

class SocVoltageCheck {
 public:
  explicit SocVoltageCheck(OcvRule rule);
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] const CheckStatus& status() const { return status_; }

 private:
  OcvRule rule_;
  CheckStatus status_;
  std::optional<WallTime> rest_since_;
  bool open_ = false;
};

}  // namespace sb::domain::checks
