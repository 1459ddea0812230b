// SPDX-License-Identifier: Apache-2.0
// Fan health from what the inverter already reports: the heatsink's rise over ambient grows
// with load, and grows more at the same load when its fans slow down or clog with dust. The
// check learns the rise per load band (a median and a median absolute deviation over the last
// 14 days: robust to the odd hot afternoon) and warns when the rise stays beyond the learned
// spread at the same load. See docs/checks.md.
#pragma once

#include <deque>

#include "sunbridge/domain/checks/check.hpp"

namespace sb::domain::checks {

struct FanHealthRule {
  bool enabled = true;
  std::string heatsink_point = "inverter.temp.dcac";
  std::string ambient_point = "inverter.temp.ambient";
  std::string load_point = "load.power";
  double band_w = 500;                     // load bands of this width
  std::chrono::hours window{14 * 24};      // learned over this long
  std::chrono::seconds sample_every{300};  // one learning sample per 5 minutes
  std::size_t min_samples = 24;            // per band before it is judged (2 hours' worth)
  double spread_factor = 3.0;              // beyond median + 3 x robust sigma
  double min_margin_c = 3.0;               // and at least this much above the median
  std::chrono::seconds sustain{1800};      // for this long
};

struct FanSample {
  WallTime ts;
  double load_w = 0;
  double rise_c = 0;
};

class FanHealth {
 public:
  explicit FanHealth(FanHealthRule rule);
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] const CheckStatus& status() const { return status_; }
  // What was learned, to persist across restarts (14 days would otherwise start over).
  [[nodiscard]] const std::deque<FanSample>& samples() const { return samples_; }
  void restore(std::vector<FanSample> samples);

  struct Expected {
    double median_c = 0;
    double limit_c = 0;
    std::size_t samples = 0;
  };
  // The learned rise for `load_w`'s band, once it has enough samples.
  [[nodiscard]] std::optional<Expected> expected(double load_w) const;

 private:
  [[nodiscard]] int band(double load_w) const;

  FanHealthRule rule_;
  CheckStatus status_;
  std::deque<FanSample> samples_;
  std::optional<WallTime> last_sample_;
  std::optional<WallTime> beyond_since_;  // rise beyond the limit since
  std::optional<WallTime> event_start_;   // a warning is open
  double worst_excess_c_ = 0;
};

}  // namespace sb::domain::checks
