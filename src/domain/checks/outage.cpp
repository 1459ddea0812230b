// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/outage.hpp"

#include <algorithm>

#include "sunbridge/core/local_time.hpp"

namespace sb::domain::checks {

std::vector<Event> OutageCheck::update(const PointStore& points, WallTime now) {
  const auto l1 = points.fresh_number("grid.l1.voltage", now);
  const auto l2 = points.fresh_number("grid.l2.voltage", now);
  if (!l1 || !l2) return {};  // a failed poll is not an outage, nor its end
  const double limit = rule_.declared_leg_v * rule_.interruption_pct / 100.0;
  const double back =
      rule_.declared_leg_v * (rule_.interruption_pct + rule_.hysteresis_pct) / 100.0;
  const auto battery_w = points.fresh_number("battery.power", now);  // + = charging
  const std::optional<double> discharge_w =
      battery_w ? std::optional<double>(std::max(0.0, -*battery_w)) : std::nullopt;
  status_.known = true;
  std::vector<Event> out;
  if (!start_) {
    status_.state = "grid present";
    status_.level = Level::kOk;
    if (*l1 >= limit || *l2 >= limit) return out;
    start_ = now;
    last_ = now;
    last_discharge_w_ = discharge_w;
    battery_wh_ = 0;
    status_.state = "outage";
    status_.level = Level::kCritical;
    status_.since = now;
    status_.value = 0.0;
    out.push_back({now,
                   "grid.outage",
                   Severity::kCritical,
                   "grid outage: both legs below " + fixed(limit, 1) + " V (L1 " + fixed(*l1, 1) +
                       " V, L2 " + fixed(*l2, 1) + " V); the battery carries the house",
                   {{"l1_v", fixed(*l1, 1)}, {"l2_v", fixed(*l2, 1)}}});
    return out;
  }
  // Out: the battery's energy since the last update (trapezoid of the discharge power).
  if (last_ && last_discharge_w_ && discharge_w) {
    const double hours = std::chrono::duration<double, std::ratio<3600>>(now - *last_).count();
    battery_wh_ += (*last_discharge_w_ + *discharge_w) / 2.0 * hours;
  }
  last_ = now;
  if (discharge_w) last_discharge_w_ = discharge_w;
  status_.value = battery_wh_ / 1000.0;
  if (*l1 < back || *l2 < back) return out;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - *start_);
  const bool is_short = seconds < kShortOutage;
  out.push_back({now,
                 "grid.outage.ended",
                 Severity::kInfo,
                 std::string(is_short ? "short" : "long") + " grid outage ended after " +
                     std::to_string(seconds.count()) + " s; the battery supplied " +
                     fixed(battery_wh_ / 1000.0, 3) + " kWh",
                 {{"start", format_iso8601_utc(*start_)},
                  {"end", format_iso8601_utc(now)},
                  {"duration_s", std::to_string(seconds.count())},
                  {"class", is_short ? "short" : "long"},
                  {"battery_kwh", fixed(battery_wh_ / 1000.0, 3)},
                  {"battery_wh", fixed(battery_wh_, 1)}}});
  start_.reset();
  last_.reset();
  status_.state = "grid present";
  status_.level = Level::kOk;
  status_.since = now;
  return out;
}

}  // namespace sb::domain::checks
