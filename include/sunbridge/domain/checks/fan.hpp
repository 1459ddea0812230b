// SPDX-License-Identifier: Apache-2.0
// A cabinet fan: on above on_c, off below off_c (hysteresis), each state held at least its
// minimum time so a relay does not chatter. Judges the hottest of its points. With no fresh
// reading for `unknown_after` the fan runs: cooling that is not needed costs little, missing
// cooling can cost a battery. Pure: the decision here, the relay/plug/command in adapters.
// See docs/checks.md.
#pragma once

#include "sunbridge/domain/checks/check.hpp"

namespace sb::domain::checks {

struct FanRule {
  bool enabled = false;
  std::vector<std::string> points;  // empty: the battery sensors and the inverter's ambient
  double on_c = 35.0;
  double off_c = 30.0;
  std::chrono::seconds min_on{300};
  std::chrono::seconds min_off{300};
  std::chrono::seconds unknown_after{600};
};

class FanControl {
 public:
  FanControl(FanRule rule, std::vector<std::string> default_points);
  // The state the fan should be in now; a change is returned once (nothing when it stays).
  std::optional<bool> update(const PointStore& points, WallTime now);
  [[nodiscard]] bool on() const { return on_; }
  [[nodiscard]] const CheckStatus& status() const { return status_; }
  [[nodiscard]] const std::string& reason() const { return reason_; }

 private:
  std::optional<bool> change(bool on, WallTime now, std::string reason);

  FanRule rule_;
  CheckStatus status_;
  bool on_ = false;
  std::optional<WallTime> changed_at_;
  std::optional<WallTime> last_fresh_;
  std::optional<WallTime> started_;
  std::string reason_ = "starting";
};

}  // namespace sb::domain::checks
