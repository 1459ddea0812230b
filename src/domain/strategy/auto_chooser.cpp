// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/auto_chooser.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "sunbridge/domain/strategy/control_settings.hpp"
#include "sunbridge/domain/strategy/soc_values.hpp"
#include "sunbridge/domain/strategy/year_inputs.hpp"

namespace sb::domain::strategy {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

double cost_of(const ExpectedDays& e, const InverterModel& m, const ControlSettings& c,
               BatteryState& s, std::size_t from, std::size_t to) {
  const StepSeries series{e.pv_kw.data(), e.load_kw.data(), e.price_yen_per_kwh.data(), e.step_min,
                          e.first_minute};
  return run_cost_yen(m, c, s, series, from, to);
}

// Energy left in the battery at the horizon's end still has a value: at least the night energy
// it saves buying later (a kWh delivered displaces one bought at the cheapest rate).
double leftover_value_yen(const ExpectedDays& e, const InverterModel& m, const BatteryState& s) {
  const float cheapest = *std::min_element(e.price_yen_per_kwh.begin(), e.price_yen_per_kwh.end());
  const double usable = std::max(0.0, s.soc_pct - m.switch_to_grid_soc) / 100.0 * m.battery_kwh *
                        m.discharge_efficiency;
  return usable * cheapest;
}

}  // namespace

ExpectedDays expected_days(const PvSite& site, const Climate& climate,
                           const HouseholdModel& household, const Tariff& tariff, Date served,
                           const std::vector<DayWeather>& forecast, int n_days, int step_min,
                           const std::optional<std::array<double, 24>>& load_kw_by_hour,
                           const HolidayCalendar* holidays) {
  ExpectedDays e;
  e.step_min = std::clamp(step_min, 1, 60);
  const int per_day = e.steps_per_day();
  const auto start = sys_days{served} - days{1};
  for (int i = 0; i < n_days * per_day; ++i) {
    const int minute_total = e.first_minute + i * e.step_min;
    const Date date{start + days{minute_total / (24 * 60)}};
    const int minute = minute_total % (24 * 60);
    const int month = static_cast<int>(static_cast<unsigned>(date.month()));
    const int k = static_cast<int>((sys_days{date} - sys_days{served}).count());
    const DayWeather w = k >= 0 && static_cast<std::size_t>(k) < forecast.size()
                             ? forecast[static_cast<std::size_t>(k)]
                             : DayWeather::kNormal;
    const int day_of_year =
        static_cast<int>((sys_days{date} - sys_days{date.year() / 1 / 1}).count()) + 1;
    const double mid = minute + e.step_min / 2.0;
    e.pv_kw.push_back(static_cast<float>(
        pv_ac_kw(site, clear_sky_plane_w_m2(site, day_of_year, mid) * climate.plane_factor(w))));
    const double load = load_kw_by_hour ? (*load_kw_by_hour)[static_cast<std::size_t>(minute / 60)]
                                        : household_kw(household, month, 1.0, mid);
    e.load_kw.push_back(static_cast<float>(load));
    e.price_yen_per_kwh.push_back(
        static_cast<float>(tariff_band(tariff, date, minute, holidays).yen_per_kwh));
  }
  return e;
}

AutoCandidates auto_candidates(const AutoPolicy& policy, const ControlRanges& coming_night,
                               const SettingValues& baseline, const InterlockLimits& limits) {
  return {allowed_controls(coming_night, baseline, limits),
          allowed_controls(policy.later_ranges, baseline, limits)};
}

AutoChoice choose_auto(const ExpectedDays& e, const InverterModel& m, const AutoContext& ctx,
                       const AutoPolicy& policy) {
  AutoChoice out;
  out.settings = ctx.current;
  const auto per_day = static_cast<std::size_t>(e.steps_per_day());
  const int horizon =
      std::clamp(policy.horizon_days, 1, static_cast<int>(e.pv_kw.size() / per_day));
  // Values of the later nights, backwards, on the coarse grid.
  SocValues next(policy.later_soc_step_pct);
  const auto& later = ctx.candidates->later_nights;
  for (int d = horizon - 1; d >= 1; --d) {
    SocValues here = next;
    for (std::size_t k = 0; k < here.size(); ++k) {
      double best = 1e18;
      for (const auto& c : later) {
        BatteryState s = here.state(k);
        double cost = cost_of(e, m, c, s, static_cast<std::size_t>(d) * per_day,
                              static_cast<std::size_t>(d + 1) * per_day);
        cost += d == horizon - 1 ? -leftover_value_yen(e, m, s) : next.at(s);
        best = std::min(best, cost);
      }
      here[k] = best;
    }
    next = std::move(here);
  }
  auto total = [&](const ControlSettings& c) {
    BatteryState s = ctx.battery;
    const double first = cost_of(e, m, c, s, 0, per_day);
    return first + (horizon == 1 ? -leftover_value_yen(e, m, s) : next.at(s));
  };
  out.keep_cost_yen = total(ctx.current);
  if (ctx.compare) out.compare_cost_yen = total(*ctx.compare);
  double best_score = out.keep_cost_yen;
  double best_cost = out.keep_cost_yen;
  for (const auto& c : ctx.candidates->coming_night) {
    const auto changed = changed_parameters(ctx.current, c);
    if (changed.empty()) continue;
    if (check_budget(ctx.budget, ctx.used_today, changed)) continue;  // over the budget
    const double cost = total(c);
    const double score =
        cost + policy.min_saving_yen_per_write * static_cast<double>(changed.size());
    if (score < best_score - 1e-9) {
      best_score = score;
      best_cost = cost;
      out.settings = c;
      out.changed = changed;
    }
  }
  out.expected_cost_yen = best_cost;
  const std::string days_word = std::to_string(horizon) + (horizon == 1 ? " day" : " days");
  if (out.changed.empty()) {
    out.reason = "keeping " + describe(ctx.current) + ": expected " +
                 format_yen(out.keep_cost_yen) + " over " + days_word +
                 "; no change saves enough to be worth a write";
  } else {
    out.reason = describe(out.settings) + ": expected " + format_yen(out.expected_cost_yen) +
                 " over " + days_word + ", against " + format_yen(out.keep_cost_yen) + " keeping " +
                 describe(ctx.current);
  }
  return out;
}

}  // namespace sb::domain::strategy
