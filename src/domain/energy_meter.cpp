// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/energy_meter.hpp"

#include <algorithm>
#include <cmath>

namespace sb::domain {

EnergyFlows& EnergyFlows::operator+=(const EnergyFlows& o) {
  pv_kwh += o.pv_kwh;
  load_kwh += o.load_kwh;
  grid_import_kwh += o.grid_import_kwh;
  grid_export_kwh += o.grid_export_kwh;
  battery_charge_kwh += o.battery_charge_kwh;
  battery_discharge_kwh += o.battery_discharge_kwh;
  pv_only_import_kwh += o.pv_only_import_kwh;
  return *this;
}

bool EnergyFlows::empty() const {
  return pv_kwh == 0 && load_kwh == 0 && grid_import_kwh == 0 && grid_export_kwh == 0 &&
         battery_charge_kwh == 0 && battery_discharge_kwh == 0 && pv_only_import_kwh == 0;
}

std::vector<CounterMismatch> compare_with_inverter(const EnergyFlows& ours, double inverter_pv_kwh,
                                                   double inverter_load_kwh, double min_kwh,
                                                   double ratio) {
  std::vector<CounterMismatch> out;
  auto check = [&](const char* flow, double mine, double theirs) {
    if (std::fabs(mine - theirs) > std::max(min_kwh, ratio * theirs)) {
      out.push_back({flow, mine, theirs});
    }
  };
  check("PV", ours.pv_kwh, inverter_pv_kwh);
  check("load", ours.load_kwh, inverter_load_kwh);
  return out;
}

SignedArea integrate_linear(double p0_w, double p1_w, double hours) {
  SignedArea a;
  if (hours <= 0) return a;
  if ((p0_w >= 0) == (p1_w >= 0)) {
    const double area = (p0_w + p1_w) / 2 * hours;
    (area >= 0 ? a.positive_wh : a.negative_wh) = std::fabs(area);
    return a;
  }
  // The sign changes where the line crosses 0: each side is a triangle.
  const double crossing = p0_w / (p0_w - p1_w) * hours;
  const double first = std::fabs(p0_w) * crossing / 2;
  const double second = std::fabs(p1_w) * (hours - crossing) / 2;
  a.positive_wh = p0_w > 0 ? first : second;
  a.negative_wh = p0_w > 0 ? second : first;
  return a;
}

EnergyFlows EnergyMeter::add(const PowerSample& s) {
  EnergyFlows out;
  if (last_ && s.ts > last_->ts && s.ts - last_->ts <= max_gap_) {
    const double hours = std::chrono::duration<double, std::ratio<3600>>(s.ts - last_->ts).count();
    auto area = [&](const std::optional<double>& a,
                    const std::optional<double>& b) -> std::optional<SignedArea> {
      if (!a || !b) return std::nullopt;
      return integrate_linear(*a, *b, hours);
    };
    if (auto pv = area(last_->pv_w, s.pv_w)) out.pv_kwh = pv->positive_wh / 1000;
    if (auto load = area(last_->load_w, s.load_w)) out.load_kwh = load->positive_wh / 1000;
    if (last_->load_w && s.load_w && last_->pv_w && s.pv_w) {
      const double before = *last_->load_w - *last_->pv_w, after = *s.load_w - *s.pv_w;
      out.pv_only_import_kwh = integrate_linear(before, after, hours).positive_wh / 1000;
    }
    if (auto grid = area(last_->grid_w, s.grid_w)) {
      out.grid_import_kwh = grid->positive_wh / 1000;
      out.grid_export_kwh = grid->negative_wh / 1000;
    }
    if (auto bat = area(last_->battery_w, s.battery_w)) {
      out.battery_charge_kwh = bat->positive_wh / 1000;
      out.battery_discharge_kwh = bat->negative_wh / 1000;
    }
  }
  // A sample older than the last one (a clock step back) restarts the integration.
  last_ = s;
  return out;
}

}  // namespace sb::domain
