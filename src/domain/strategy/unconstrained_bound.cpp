// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/unconstrained_bound.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace sb::domain::strategy {

namespace {

struct Hour {
  double pv_kwh = 0, load_kwh = 0, price = 0;
};

// Grid energy bought in an hour that moves the cells by `stored_kwh` (> 0 charging).
double grid_kwh(const Hour& h, const InverterModel& m, double stored_kwh) {
  const double direct = std::min(h.pv_kwh, h.load_kwh);
  const double surplus = h.pv_kwh - direct;
  double need = h.load_kwh - direct;
  if (stored_kwh >= 0) {
    const double input = stored_kwh / m.charge_efficiency;
    return need + std::max(0.0, input - surplus);
  }
  const double delivered = -stored_kwh * m.discharge_efficiency;
  need -= std::min(need, delivered);  // no export: more than the house needs is wasted
  return need;
}

}  // namespace

BoundResult unconstrained_bound(const YearInputs& in, const InverterModel& m, const BoundOptions& o,
                                double start_soc_pct) {
  // Hours: every tariff band here starts on the hour, so an hour has one price.
  const int per_hour = std::max(1, 60 / in.step_min);
  std::vector<Hour> hours(in.pv_kw.size() / static_cast<std::size_t>(per_hour));
  const double step_h = in.step_min / 60.0;
  for (std::size_t i = 0; i < hours.size() * static_cast<std::size_t>(per_hour); ++i) {
    Hour& h = hours[i / static_cast<std::size_t>(per_hour)];
    h.pv_kwh += in.pv_kw[i] * step_h;
    h.load_kwh += (in.load_kw[i] + m.idle_kw) * step_h;
    h.price = in.price_yen_per_kwh[i];
  }
  const int n = static_cast<int>(std::lround(100.0 / o.soc_step_pct));
  const double kwh_per_step = m.battery_kwh * o.soc_step_pct / 100.0;
  const int lowest = static_cast<int>(std::ceil(m.discharge_stop_soc / o.soc_step_pct));
  const int start =
      std::clamp(static_cast<int>(std::lround(start_soc_pct / o.soc_step_pct)), lowest, n);
  const int up = static_cast<int>(o.max_charge_kw * m.charge_efficiency / kwh_per_step);
  const int down = static_cast<int>(o.max_discharge_kw / m.discharge_efficiency / kwh_per_step);
  constexpr double kNever = std::numeric_limits<double>::infinity();
  // value[s]: cheapest cost from this hour on, at SOC step s. The year may end at any charge,
  // as the simulated strategies' years do.
  std::vector<double> next(static_cast<std::size_t>(n) + 1, 0.0), here(next.size(), kNever);
  std::vector<std::vector<int>> choice(hours.size(), std::vector<int>(next.size(), start));
  for (std::size_t t = hours.size(); t-- > 0;) {
    for (int s = lowest; s <= n; ++s) {
      double best = kNever;
      int best_to = s;
      for (int to = std::max(lowest, s - down); to <= std::min(n, s + up); ++to) {
        const double cost = grid_kwh(hours[t], m, (to - s) * kwh_per_step) * hours[t].price +
                            next[static_cast<std::size_t>(to)];
        if (cost < best) {
          best = cost;
          best_to = to;
        }
      }
      here[static_cast<std::size_t>(s)] = best;
      choice[t][static_cast<std::size_t>(s)] = best_to;
    }
    std::swap(here, next);
  }
  BoundResult out;
  int s = start;
  for (std::size_t t = 0; t < hours.size(); ++t) {
    const int to = choice[t][static_cast<std::size_t>(s)];
    const double grid = grid_kwh(hours[t], m, (to - s) * kwh_per_step);
    out.grid_kwh += grid;
    out.energy_yen += grid * hours[t].price;
    s = to;
  }
  return out;
}

}  // namespace sb::domain::strategy
