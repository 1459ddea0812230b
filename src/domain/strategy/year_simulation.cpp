// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/year_simulation.hpp"

#include <algorithm>
#include <cmath>

#include "sunbridge/domain/strategy/calendar.hpp"

namespace sb::domain::strategy {

namespace {

struct Totals {
  std::vector<double> by_band;
  std::array<double, 12> by_month{};
};

void account(const YearInputs& in, std::size_t i, int month, const StepFlows& f, YearResult& r,
             Totals& t) {
  const double grid = f.grid();
  r.energy_yen += grid * in.price_yen_per_kwh[i];
  t.by_band[in.band[i]] += grid;
  t.by_month[static_cast<std::size_t>(month - 1)] += grid;
  r.grid_kwh += grid;
  r.load_kwh += f.load;
  r.pv_kwh += f.pv;
  r.pv_used_kwh += f.pv - f.pv_lost;
  r.battery_out_kwh += f.battery_to_load;
  r.worst_balance_kwh = std::max(r.worst_balance_kwh, std::abs(energy_balance_error(f)));
}

void finish(const YearInputs& in, const InverterModel& model, YearResult& r, Totals& t) {
  for (std::size_t b = 0; b < in.band_names.size(); ++b) {
    r.grid_kwh_by_band[in.band_names[b]] = t.by_band[b];
  }
  r.grid_kwh_by_month = t.by_month;
  r.basic_yen = in.basic_yen_per_month * 12.0;
  r.battery_cycles = model.battery_kwh > 0 ? r.battery_out_kwh / model.battery_kwh : 0.0;
}

}  // namespace

std::vector<std::string> changed_parameters(const ControlSettings& a, const ControlSettings& b) {
  std::vector<std::string> out;
  if (std::abs(a.max_charge_a - b.max_charge_a) > 1e-9) out.emplace_back("07");
  if (a.absorption_min != b.absorption_min) out.emplace_back("10");
  if (a.slot1_end_min != b.slot1_end_min) out.emplace_back("41");
  if (std::abs(a.back_to_battery_soc - b.back_to_battery_soc) > 1e-9) out.emplace_back("62");
  return out;
}

YearResult simulate_year(const YearInputs& in, const InverterModel& model, Strategy& strategy,
                         BatteryState initial) {
  YearResult r;
  r.strategy = strategy.name();
  Totals t;
  t.by_band.assign(in.band_names.size(), 0.0);
  BatteryState state = initial;
  Decision first;
  first.inputs = &in;
  first.battery = state;
  ControlSettings settings = strategy.choose(first);
  const int days = in.days();
  const int decision_step = kDecisionMinute / in.step_min;
  std::size_t i = 0;
  for (int d = 0; d < days; ++d) {
    const int month = month_of(in.year, d);
    for (int k = 0; k < in.steps_per_day; ++k, ++i) {
      if (k == decision_step && d + 1 < days) {
        Decision next;
        next.served_day = d + 1;
        next.inputs = &in;
        next.battery = state;
        next.current = settings;
        next.forecast = &in.weather.forecasts[static_cast<std::size_t>(d)];
        const ControlSettings chosen = strategy.choose(next);
        const auto changed = changed_parameters(settings, chosen);
        r.writes += static_cast<int>(changed.size());
        r.change_days += changed.empty() ? 0 : 1;
        settings = chosen;
      }
      StepInput s;
      s.minute_of_day = k * in.step_min;
      s.step_min = in.step_min;
      s.pv_kw = in.pv_kw[i];
      s.load_kw = in.load_kw[i];
      account(in, i, month, step(model, settings, state, s), r, t);
    }
  }
  finish(in, model, r, t);
  return r;
}

YearResult simulate_without_battery(const YearInputs& in, const InverterModel& model) {
  YearResult r;
  r.strategy = "no battery";
  Totals t;
  t.by_band.assign(in.band_names.size(), 0.0);
  const double step_h = in.step_min / 60.0;
  std::size_t i = 0;
  for (int d = 0; d < in.days(); ++d) {
    const int month = month_of(in.year, d);
    for (int k = 0; k < in.steps_per_day; ++k, ++i) {
      StepFlows f;
      f.pv = in.pv_kw[i] * step_h;
      f.load = (in.load_kw[i] + model.idle_kw) * step_h;
      f.pv_to_load = std::min(f.pv, f.load);
      f.pv_lost = f.pv - f.pv_to_load;
      f.grid_to_load = f.load - f.pv_to_load;
      account(in, i, month, f, r, t);
    }
  }
  InverterModel none = model;
  none.battery_kwh = 0;
  finish(in, none, r, t);
  return r;
}

}  // namespace sb::domain::strategy
