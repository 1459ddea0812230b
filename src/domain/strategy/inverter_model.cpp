// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/inverter_model.hpp"

#include <algorithm>

namespace sb::domain::strategy {

namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr int kDayChargeSessionMin = 7 * 60;  // the day's PV charge counts as its own session

// [from, to) in minutes after midnight; to < from crosses midnight.
bool in_window(int minute, int from, int to) {
  if (from <= to) return minute >= from && minute < to;
  return minute >= from || minute < to;
}

// Whether `start` falls in the step [minute, minute + step_min).
bool starts_within(int start, int minute, double step_min) {
  return ((start - minute) % kMinutesPerDay + kMinutesPerDay) % kMinutesPerDay < step_min;
}

// kWh the battery takes from its chargers this step (before the charge losses).
double acceptance_kwh(const InverterModel& m, const ControlSettings& c, const BatteryState& s,
                      double step_h) {
  if (s.soc_pct >= 100.0) return 0.0;
  const double limit = c.max_charge_a * m.charge_voltage_v / 1000.0 * step_h;
  const double room = (100.0 - s.soc_pct) / 100.0 * m.battery_kwh / m.charge_efficiency;
  if (s.soc_pct < m.absorption_start_soc) return std::min(limit, room);
  // Absorption: the current falls as the cells fill (linearly to zero at 100 %), and the
  // session ends after LCD 10 minutes (the charger floats; a float takes nothing here).
  if (s.absorption_used_min >= c.absorption_min) return 0.0;
  const double taper = (100.0 - s.soc_pct) / (100.0 - m.absorption_start_soc);
  return std::min(limit * taper, room);
}

}  // namespace

bool charge_session_starts(const InverterModel& m, int minute_of_day, double step_min) {
  return starts_within(m.slot1_start_min, minute_of_day, step_min) ||
         starts_within(m.slot2_start_min, minute_of_day, step_min) ||
         starts_within(kDayChargeSessionMin, minute_of_day, step_min);
}

StepFlows step(const InverterModel& m, const ControlSettings& c, BatteryState& s,
               const StepInput& in) {
  const double step_h = in.step_min / 60.0;
  if (charge_session_starts(m, in.minute_of_day, in.step_min)) s.absorption_used_min = 0;
  StepFlows f;
  f.pv = std::max(in.pv_kw, 0.0) * step_h;
  f.load = (std::max(in.load_kw, 0.0) + m.idle_kw) * step_h;
  const bool slot1 = in_window(in.minute_of_day, m.slot1_start_min, c.slot1_end_min);
  const bool slot2 = in_window(in.minute_of_day, m.slot2_start_min, m.slot2_end_min);
  const bool ac_charging = (slot1 && m.slot1_charges) || slot2;
  // Line mode: the output is on the grid (SBU below 61, or an AC charge slot in progress).
  const bool line_mode = s.on_grid || ac_charging;
  f.pv_to_load = (!line_mode || m.pv_serves_load_on_grid) ? std::min(f.pv, f.load) : 0.0;
  const double acceptance = acceptance_kwh(m, c, s, step_h);
  f.pv_to_battery = std::min(f.pv - f.pv_to_load, acceptance);
  f.pv_lost = f.pv - f.pv_to_load - f.pv_to_battery;
  const double residual = f.load - f.pv_to_load;
  if (ac_charging) {
    const double ac_limit =
        std::min(c.max_charge_a, m.ac_charge_limit_a) * m.charge_voltage_v / 1000.0 * step_h;
    f.grid_to_battery = std::max(0.0, std::min(ac_limit, acceptance - f.pv_to_battery));
  }
  if (line_mode) {
    f.grid_to_load = residual;
  } else {
    const double usable = std::max(
        0.0, (s.soc_pct - m.discharge_stop_soc) / 100.0 * m.battery_kwh * m.discharge_efficiency);
    f.battery_to_load = std::min(residual, usable);
    f.grid_to_load = residual - f.battery_to_load;
  }
  const double charged = f.pv_to_battery + f.grid_to_battery;
  if (charged > 0 && s.soc_pct >= m.absorption_start_soc) s.absorption_used_min += in.step_min;
  f.stored = charged * m.charge_efficiency - f.battery_to_load / m.discharge_efficiency;
  f.losses = charged * (1.0 - m.charge_efficiency) +
             f.battery_to_load * (1.0 / m.discharge_efficiency - 1.0);
  s.soc_pct = std::clamp(s.soc_pct + f.stored / m.battery_kwh * 100.0, 0.0, 100.0);
  // SBU: to the grid at or below 61, back to the battery at or above 62.
  if (!s.on_grid && s.soc_pct <= m.switch_to_grid_soc) {
    s.on_grid = true;
  } else if (s.on_grid && s.soc_pct >= c.back_to_battery_soc) {
    s.on_grid = false;
  }
  return f;
}

double run_cost_yen(const InverterModel& m, const ControlSettings& c, BatteryState& state,
                    const StepSeries& series, std::size_t from, std::size_t to) {
  double yen = 0;
  StepInput in;
  in.step_min = series.step_min;
  for (std::size_t i = from; i < to; ++i) {
    in.minute_of_day = static_cast<int>((static_cast<std::size_t>(series.first_minute) +
                                         i * static_cast<std::size_t>(series.step_min)) %
                                        static_cast<std::size_t>(kMinutesPerDay));
    in.pv_kw = series.pv_kw[i];
    in.load_kw = series.load_kw[i];
    yen += step(m, c, state, in).grid() * series.price_yen_per_kwh[i];
  }
  return yen;
}

double energy_balance_error(const StepFlows& f) {
  return (f.grid() + f.pv) - (f.load + f.pv_lost + f.stored + f.losses);
}

}  // namespace sb::domain::strategy
