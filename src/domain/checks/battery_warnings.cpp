// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/battery_warnings.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "sunbridge/core/local_time.hpp"

namespace sb::domain::checks {

namespace {

// Resting cell voltage against SOC for LiFePO4 (a typical published curve at 25 C; packs
// differ by tens of millivolts, which the tolerance covers). Rising in both columns.
constexpr std::array<std::pair<double, double>, 12> kOcvCell = {{
    {2.90, 0},
    {3.10, 5},
    {3.20, 10},
    {3.25, 20},
    {3.27, 30},
    {3.28, 40},
    {3.29, 50},
    {3.30, 60},
    {3.32, 70},
    {3.33, 80},
    {3.35, 90},
    {3.40, 100},
}};
constexpr int kCells = 16;

// SOC at a cell voltage, by linear interpolation, clamped to the table.
double soc_at(double cell_v) {
  if (cell_v <= kOcvCell.front().first) return 0;
  if (cell_v >= kOcvCell.back().first) return 100;
  for (std::size_t i = 1; i < kOcvCell.size(); ++i) {
    const auto [v1, s1] = kOcvCell[i];
    if (cell_v <= v1) {
      const auto [v0, s0] = kOcvCell[i - 1];
      return s0 + (s1 - s0) * (cell_v - v0) / (v1 - v0);
    }
  }
  return 100;
}

}  // namespace

SocRange soc_range_at_rest(double bank_v, double tolerance_v) {
  return {soc_at((bank_v - tolerance_v) / kCells), soc_at((bank_v + tolerance_v) / kCells)};
}

VoltageSwing::VoltageSwing(SwingRule rule) : rule_(rule) {
  status_ = initial_status("battery.voltage_swing", "V",
                           "voltage moving over " + fixed(rule_.swing_v, 1) + " V in " +
                               std::to_string(rule_.window.count() / 60) +
                               " min while the current moves " + "under " +
                               fixed(rule_.steady_a, 0) + " A");
}

std::vector<Event> VoltageSwing::update(const PointStore& points, WallTime now) {
  auto v = points.fresh_number("battery.voltage", now);
  auto a = points.fresh_number("battery.current", now);
  if (!v || !a) return {};
  window_.push_back({now, *v, *a});
  while (!window_.empty() && now - window_.front().ts > rule_.window)
    window_.pop_front();
  if (static_cast<int>(window_.size()) < rule_.min_samples) return {};
  auto [vmin, vmax] = std::minmax_element(
      window_.begin(), window_.end(), [](const Sample& x, const Sample& y) { return x.v < y.v; });
  auto [amin, amax] = std::minmax_element(
      window_.begin(), window_.end(), [](const Sample& x, const Sample& y) { return x.a < y.a; });
  const double swing = vmax->v - vmin->v;
  const bool steady = amax->a - amin->a < rule_.steady_a;
  status_.known = true;
  status_.value = swing;
  std::vector<Event> out;
  if (steady && swing > rule_.swing_v) {
    worst_swing_v_ = event_start_ ? std::max(worst_swing_v_, swing) : swing;
    if (!event_start_) {
      event_start_ = now;
      status_.level = Level::kWarning;
      status_.state = "swinging";
      status_.since = now;
      out.push_back({now,
                     "battery.voltage_swing",
                     Severity::kWarning,
                     "battery voltage moved " + fixed(swing, 2) + " V within " +
                         std::to_string(rule_.window.count() / 60) + " min at a steady current (" +
                         fixed(amin->a, 1) + " to " + fixed(amax->a, 1) +
                         " A): check the BMS link and the terminals",
                     {{"swing_v", fixed(swing, 2)},
                      {"current_min_a", fixed(amin->a, 1)},
                      {"current_max_a", fixed(amax->a, 1)}}});
    }
    return out;
  }
  // Ends once a whole window has passed without the condition (no flapping on each sample).
  if (event_start_ && swing <= rule_.swing_v) {
    out.push_back(
        {now,
         "battery.voltage_swing.cleared",
         Severity::kInfo,
         "battery voltage steady again (largest swing " + fixed(worst_swing_v_, 2) + " V)",
         {{"start", format_iso8601_utc(*event_start_)},
          {"end", format_iso8601_utc(now)},
          {"max_swing_v", fixed(worst_swing_v_, 2)}}});
    event_start_.reset();
    status_.since = now;
  }
  if (!event_start_) {
    status_.level = Level::kOk;
    status_.state = "normal";
  }
  return out;
}

SocVoltageCheck::SocVoltageCheck(OcvRule rule) : rule_(rule) {
  status_ = initial_status("battery.soc_vs_voltage", "%",
                           "SOC within " + fixed(rule_.margin_pct, 0) +
                               " points of what the resting voltage allows (after " +
                               std::to_string(rule_.rest.count() / 60) + " min at rest)");
}

std::vector<Event> SocVoltageCheck::update(const PointStore& points, WallTime now) {
  auto v = points.fresh_number("battery.voltage", now);
  auto a = points.fresh_number("battery.current", now);
  auto soc = points.fresh_number("battery.soc", now);
  if (!v || !a || !soc) return {};
  if (std::fabs(*a) >= rule_.rest_a) {
    rest_since_.reset();  // under load the voltage is not an open-circuit voltage
    if (!open_) status_.state = "not at rest";
    return {};
  }
  if (!rest_since_) rest_since_ = now;
  if (now - *rest_since_ < rule_.rest) {
    if (!open_) status_.state = "settling";
    return {};
  }
  const SocRange r = soc_range_at_rest(*v, rule_.tolerance_v);
  const double off = *soc < r.low_pct    ? r.low_pct - *soc
                     : *soc > r.high_pct ? *soc - r.high_pct
                                         : 0;
  status_.known = true;
  status_.value = off;
  std::vector<Event> out;
  const std::string range = fixed(r.low_pct, 0) + "-" + fixed(r.high_pct, 0) + " %";
  if (off > rule_.margin_pct && !open_) {
    open_ = true;
    status_.level = Level::kWarning;
    status_.state = "disagrees";
    status_.since = now;
    out.push_back(
        {now,
         "battery.soc_vs_voltage",
         Severity::kWarning,
         "the BMS reports " + fixed(*soc, 0) + " % SOC but the resting voltage " + fixed(*v, 2) +
             " V means " + range +
             ": the BMS may need calibrating (a full charge usually resets it)",
         {{"soc_pct", fixed(*soc, 1)}, {"voltage_v", fixed(*v, 2)}, {"ocv_range", range}}});
  } else if (off <= rule_.margin_pct / 2 && open_) {  // half the margin: hysteresis
    open_ = false;
    status_.since = now;
    out.push_back(
        {now,
         "battery.soc_vs_voltage.cleared",
         Severity::kInfo,
         "SOC " + fixed(*soc, 0) + " % agrees with the resting voltage again (" + range + ")",
         {{"soc_pct", fixed(*soc, 1)}, {"voltage_v", fixed(*v, 2)}}});
  }
  if (!open_) {
    status_.level = Level::kOk;
    status_.state = "agrees";
  }
  return out;
}

}  // namespace sb::domain::checks
