// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/slot_effectiveness.hpp"

#include <cstdio>
#include <map>

#include "sunbridge/core/text.hpp"
#include "sunbridge/domain/checks/check.hpp"
#include "sunbridge/domain/forecast.hpp"

namespace sb::domain::checks {

namespace {

constexpr std::chrono::minutes kMaxGap{30};

std::string date_text(const CivilTime& c) {
  return format_date(to_date(c));
}

// The night a sample inside `w` belongs to: the evening's date. A window that crosses midnight
// puts its early-morning part on the previous evening; a window after midnight (04:30-06:55)
// belongs to the night that began the evening before too.
std::optional<std::string> night_of(WallTime t, const SlotWindow& w) {
  const CivilTime c = to_local_civil(t);
  const int m = c.hour * 60 + c.minute;
  const bool crosses = w.end_min < w.start_min;
  const bool inside =
      crosses ? (m >= w.start_min || m < w.end_min) : (m >= w.start_min && m < w.end_min);
  if (!inside) return std::nullopt;
  const bool evening_part = crosses && m >= w.start_min;
  if (evening_part) return date_text(c);
  // After midnight: the previous day's date.
  const auto noon = from_local_civil({c.year, c.month, c.day, 12, 0, 0});
  if (!noon) return std::nullopt;
  return date_text(to_local_civil(*noon - std::chrono::hours(24)));
}

}  // namespace

std::vector<SlotNight> slot_effectiveness(const std::vector<BatterySample>& samples,
                                          const std::vector<SlotWindow>& windows,
                                          double min_charge_ah) {
  std::vector<SlotNight> out;
  for (const SlotWindow& w : windows) {
    std::map<std::string, SlotNight> nights;
    std::map<std::string, const BatterySample*> previous;  // per night, inside the window
    std::map<std::string, std::optional<double>> first_soc, last_soc;
    for (const BatterySample& s : samples) {
      auto night = night_of(s.ts, w);
      if (!night) continue;
      SlotNight& n = nights[*night];
      n.night = *night;
      n.slot = w.name;
      ++n.samples;
      if (s.soc_pct) {
        if (!first_soc[*night]) first_soc[*night] = s.soc_pct;
        last_soc[*night] = s.soc_pct;
      }
      // Trapezoids between consecutive samples inside the window, charging part only.
      if (const BatterySample* p = previous[*night];
          p != nullptr && p->current_a && s.current_a && s.ts - p->ts <= kMaxGap) {
        const double hours = std::chrono::duration<double, std::ratio<3600>>(s.ts - p->ts).count();
        const double a0 = std::max(0.0, *p->current_a), a1 = std::max(0.0, *s.current_a);
        const double ah = (a0 + a1) / 2.0 * hours;
        n.charge_ah += ah;
        const double v = p->voltage_v && s.voltage_v ? (*p->voltage_v + *s.voltage_v) / 2.0
                         : s.voltage_v               ? *s.voltage_v
                                                     : 0.0;
        n.charge_kwh += ah * v / 1000.0;
      }
      if (s.current_a) previous[*night] = &s;
    }
    for (auto& [night, n] : nights) {
      if (first_soc[night] && last_soc[night])
        n.soc_gain_pct = *last_soc[night] - *first_soc[night];
      n.delivered = n.charge_ah >= min_charge_ah;
      out.push_back(n);
    }
  }
  return out;
}

std::optional<Event> slot_warning(const std::vector<SlotNight>& nights, const std::string& slot,
                                  int min_nights, WallTime now) {
  int measured = 0;
  std::vector<std::string> empty_nights;
  for (const SlotNight& n : nights) {
    if (n.slot != slot) continue;
    ++measured;
    if (!n.delivered) empty_nights.push_back(n.night);
  }
  const int empty = static_cast<int>(empty_nights.size());
  if (empty < min_nights || measured == 0) return std::nullopt;
  return Event{now,
               "check.slot_ineffective",
               Severity::kWarning,
               slot + " delivered no charge on " + std::to_string(empty) + " of the last " +
                   std::to_string(measured) + " nights",
               {{"slot", slot},
                {"nights_without_charge", std::to_string(empty)},
                {"nights_measured", std::to_string(measured)},
                {"nights", join(empty_nights, ", ")}}};
}

}  // namespace sb::domain::checks
