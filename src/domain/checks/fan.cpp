// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/fan.hpp"

namespace sb::domain::checks {

FanControl::FanControl(FanRule rule, std::vector<std::string> default_points)
    : rule_(std::move(rule)) {
  if (rule_.points.empty()) rule_.points = std::move(default_points);
  status_ = initial_status(
      "cooling.fan", "C",
      "on above " + fixed(rule_.on_c, 1) + " C, off below " + fixed(rule_.off_c, 1) + " C", "off");
}

std::optional<bool> FanControl::change(bool on, WallTime now, std::string reason) {
  reason_ = std::move(reason);
  if (on == on_) return std::nullopt;
  const auto held = changed_at_ ? now - *changed_at_ : std::chrono::system_clock::duration::max();
  if (changed_at_ && held < (on_ ? rule_.min_on : rule_.min_off)) return std::nullopt;
  on_ = on;
  changed_at_ = now;
  status_.state = on ? "on" : "off";
  status_.since = now;
  return on;
}

std::optional<bool> FanControl::update(const PointStore& points, WallTime now) {
  if (!started_) started_ = now;
  std::optional<double> hottest;
  std::string hottest_point;
  for (const auto& n : rule_.points) {
    auto v = points.fresh_number(n, now);
    if (v && (!hottest || *v > *hottest)) {
      hottest = v;
      hottest_point = n;
    }
  }
  if (!hottest) {
    const WallTime since = last_fresh_ ? *last_fresh_ : *started_;
    if (now - since < rule_.unknown_after) return std::nullopt;  // keep the state a while
    status_.value.reset();
    return change(true, now, "no temperature reading: running to be safe");
  }
  last_fresh_ = now;
  status_.known = true;
  status_.value = hottest;
  if (*hottest > rule_.on_c) {
    return change(true, now, hottest_point + " " + fixed(*hottest, 1) + " C");
  }
  if (*hottest < rule_.off_c) {
    return change(false, now, hottest_point + " " + fixed(*hottest, 1) + " C");
  }
  return std::nullopt;  // between the limits: the state stands
}

}  // namespace sb::domain::checks
