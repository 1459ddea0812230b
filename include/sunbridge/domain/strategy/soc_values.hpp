// SPDX-License-Identifier: Apache-2.0
// A value per battery state at a decision time (the cost still to come), on a grid of SOC points
// and on/off the grid, read between the points by linear interpolation. Shared by the optimum and
// the automatic mode's look-ahead.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "sunbridge/domain/strategy/inverter_model.hpp"

namespace sb::domain::strategy {

class SocValues {
 public:
  explicit SocValues(double step_pct)
      : step_pct_(step_pct),
        points_(static_cast<int>(std::ceil(100.0 / step_pct)) + 1),
        values_(static_cast<std::size_t>(points_) * 2, 0.0) {}

  [[nodiscard]] std::size_t size() const { return values_.size(); }
  // The battery state of entry `k`.
  [[nodiscard]] BatteryState state(std::size_t k) const {
    BatteryState s;
    s.soc_pct = std::min(100.0, static_cast<double>(k / 2) * step_pct_);
    s.on_grid = (k % 2) == 1;
    return s;
  }
  double& operator[](std::size_t k) { return values_[k]; }
  // The value at any state: linear between the two nearest SOC points of the same on-grid state.
  [[nodiscard]] double at(const BatteryState& s) const {
    const double x = std::clamp(s.soc_pct / step_pct_, 0.0, static_cast<double>(points_ - 1));
    const int lo = std::min(static_cast<int>(x), points_ - 2);
    const double w = x - lo;
    const auto i = static_cast<std::size_t>(lo) * 2 + (s.on_grid ? 1 : 0);
    return (1 - w) * values_[i] + w * values_[i + 2];
  }

 private:
  double step_pct_;
  int points_;
  std::vector<double> values_;
};

}  // namespace sb::domain::strategy
