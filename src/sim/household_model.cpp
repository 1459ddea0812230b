// SPDX-License-Identifier: Apache-2.0
#include "sim/household_model.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace sb::sim {

namespace {
// The owner's bank: 4 x FLCD16-10048 = 20.48 kWh at 51.2 V = 400 Ah (bms.md).
constexpr double kBankAh = 400.0;
// Six 410 W panels (site-jp.md section 1).
constexpr double kPvPeakW = 2460.0;
}  // namespace

HouseholdModel::HouseholdModel(std::uint32_t seed) : rng_(seed) {
  values_ = {
      {"battery.soc", 56},
      {"battery.voltage", 52.4},
      {"battery.current", -8.5},
      {"battery.temperature", 24.6},
      {"battery.soh", 98},
      {"battery.rated_capacity", 400},
      {"battery.remaining_capacity", 224},
      {"pv1.voltage", 312.4},
      {"pv1.current", 2.1},
      {"pv1.power", 656},
      {"pv2.voltage", 298.7},
      {"pv2.current", 1.4},
      {"pv2.power", 418},
      {"inverter.charge_power", 0},
      {"inverter.bms.voltage", 52.4},
      {"inverter.bms.current", 8.5},
      {"inverter.bms.temperature", 24.0},
      {"inverter.bms.charge_voltage_limit", 56.0},
      {"inverter.bms.charge_current_limit", 100.0},
      {"inverter.bms.discharge_current_limit", 200.0},
      {"inverter.bus_voltage", 385.2},
      {"grid.l1.voltage", 101.3},
      {"grid.l2.voltage", 100.7},
      {"grid.l1.current", 0.0},
      {"grid.l2.current", 0.0},
      {"grid.frequency", 60.01},
      {"grid.l1.power", 0},
      {"grid.l2.power", 0},
      {"output.l1.voltage", 100.9},
      {"output.l2.voltage", 100.6},
      {"output.l1.current", 7.9},
      {"output.l2.current", 6.1},
      {"output.frequency", 60.0},
      {"load.l1.current", 7.9},
      {"load.l2.current", 6.1},
      {"load.l1.power", 780},
      {"load.l2.power", 604},
      {"load.l1.apparent_power", 820},
      {"load.l2.apparent_power", 640},
      {"load.l1.ratio", 15},
      {"load.l2.ratio", 12},
      {"battery.ac_charge_current", 0},
      {"battery.pv_charge_current", 0},
      {"inverter.temp.dcdc", 38.5},
      {"inverter.temp.dcac", 41.2},
      {"inverter.temp.transformer", 45.8},
      {"inverter.temp.ambient", 23.4},
      {"energy.battery.charge.today", 42},
      {"energy.battery.discharge.today", 37},
      {"energy.pv.today", 6.4},
      {"energy.load.today", 18.7},
      {"energy.grid.today", 11.2},
      {"energy.ac_charge.today", 30},
      {"inverter.operating_days", 455},
      {"energy.pv.total", 4821.7},
      {"energy.load.total", 14093.5},
      {"energy.grid.total", 9312.4},
  };
  recompute_sums();
}

double HouseholdModel::get(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? 0.0 : it->second;
}

bool HouseholdModel::set(const std::string& name, double value) {
  auto it = values_.find(name);
  if (it == values_.end()) return false;
  it->second = value;
  if (name == "battery.soc") soc_pct_ = value;  // a value set from outside wins
  recompute_sums();
  return true;
}

void HouseholdModel::set_fan_degradation(double d) {
  d = std::clamp(d, 0.0, 10.0);
  const double ambient = get("inverter.temp.ambient");
  for (const char* sink :
       {"inverter.temp.dcdc", "inverter.temp.dcac", "inverter.temp.transformer"}) {
    values_[sink] = ambient + (get(sink) - ambient) * (1 + d) / (1 + fan_degradation_);
  }
  fan_degradation_ = d;
}

void HouseholdModel::recompute_sums() {
  values_["pv.power"] = get("pv1.power") + get("pv2.power");
}

void HouseholdModel::step(std::chrono::system_clock::time_point now) {
  if (last_step_.time_since_epoch().count() == 0) last_step_ = now;
  const double dt_s = std::chrono::duration<double>(now - last_step_).count();
  last_step_ = now;
  if (frozen_ || dt_s <= 0 || dt_s > 3600) return;
  const PowerFlows flows =
      physics_ ? physics_->advance(*this, now, dt_s, soc_pct_) : built_in_day(now, dt_s);
  publish(flows);
}

PowerFlows HouseholdModel::built_in_day(std::chrono::system_clock::time_point now, double dt_s) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  const double hour = tm.tm_hour + tm.tm_min / 60.0 + tm.tm_sec / 3600.0;
  std::normal_distribution<double> noise(0.0, 1.0);
  PowerFlows f;

  // PV: a half-sine between 06:00 and 18:00 with passing clouds.
  double sun = (hour > 6 && hour < 18) ? std::sin(M_PI * (hour - 6) / 12.0) : 0.0;
  double cloud = std::clamp(0.85 + 0.08 * noise(rng_), 0.4, 1.0);
  f.pv_w = kPvPeakW * sun * cloud;

  // Load: base, evening cooking and lights, the EcoCute heat pump 01:00-04:00 (200 V, both legs).
  double l1 = 280 + 40 * noise(rng_), l2 = 240 + 40 * noise(rng_);
  if (hour >= 18 && hour < 22) l1 += 450, l2 += 300;
  if (hour >= 1 && hour < 4) l1 += 1000, l2 += 1000;
  f.load_l1_w = std::max(60.0, l1);
  f.load_l2_w = std::max(60.0, l2);

  // SBU: the battery carries the load until SOC <= LCD 61, then the grid until SOC >= LCD 62.
  double soc = soc_pct_;
  if (!on_grid_ && soc <= switch_to_grid_soc) on_grid_ = true;
  if (on_grid_ && soc >= switch_to_battery_soc) on_grid_ = false;
  f.battery_v = 49.6 + 0.06 * soc;
  const double load_w = f.load_l1_w + f.load_l2_w;
  const bool night_charge = hour >= 4.0 && hour < 7.0;  // as observed in the field data
  double batt_w = f.pv_w - (on_grid_ ? 0.0 : load_w);   // + charging
  f.grid_l1_w = on_grid_ ? f.load_l1_w : 0.0;
  f.grid_l2_w = on_grid_ ? f.load_l2_w : 0.0;
  if (night_charge && soc < 95) {
    f.ac_charge_a = std::min(max_ac_charge_a, max_charge_a);
    batt_w += f.ac_charge_a * f.battery_v;
    f.grid_l1_w += f.ac_charge_a * f.battery_v / 2;
    f.grid_l2_w += f.ac_charge_a * f.battery_v / 2;
  }
  f.battery_a = std::clamp(batt_w / f.battery_v, -200.0, max_charge_a);
  if (soc >= 100 && f.battery_a > 0) f.battery_a = 0;
  f.charge_w = std::max(0.0, batt_w);
  f.line_mode = on_grid_;
  f.duration_s = dt_s;
  soc_pct_ = std::clamp(soc + f.battery_a * dt_s / 3600.0 / kBankAh * 100.0, 0.0, 100.0);
  return f;
}

void HouseholdModel::publish(const PowerFlows& f) {
  const double dt_s = f.duration_s;
  std::normal_distribution<double> noise(0.0, 1.0);
  const double sun = std::min(1.0, f.pv_w / kPvPeakW);
  values_["pv1.power"] = std::round(f.pv_w * 0.6);
  values_["pv2.power"] = std::round(f.pv_w * 0.4);
  values_["pv1.voltage"] = f.pv_w > 0 ? std::round((305 + 10 * sun + noise(rng_)) * 10) / 10 : 0.0;
  values_["pv2.voltage"] = f.pv_w > 0 ? std::round((292 + 10 * sun + noise(rng_)) * 10) / 10 : 0.0;
  values_["pv1.current"] = values_["pv1.voltage"] > 0
                               ? std::round(values_["pv1.power"] / values_["pv1.voltage"] * 10) / 10
                               : 0.0;
  values_["pv2.current"] = values_["pv2.voltage"] > 0
                               ? std::round(values_["pv2.power"] / values_["pv2.voltage"] * 10) / 10
                               : 0.0;

  const double l1 = f.load_l1_w, l2 = f.load_l2_w;
  const double load_w = l1 + l2;
  values_["load.l1.power"] = std::round(l1);
  values_["load.l2.power"] = std::round(l2);
  values_["load.l1.apparent_power"] = std::round(l1 * 1.06);
  values_["load.l2.apparent_power"] = std::round(l2 * 1.06);
  values_["load.l1.ratio"] = std::round(l1 / 50);  // 5 kW per leg
  values_["load.l2.ratio"] = std::round(l2 / 50);

  values_["battery.current"] = std::round(f.battery_a * 10) / 10;
  values_["battery.voltage"] = std::round((f.battery_v + f.battery_a * 0.004) * 10) / 10;
  values_["battery.soc"] = std::round(soc_pct_ * 100) / 100;
  values_["battery.remaining_capacity"] = std::round(soc_pct_ / 100 * kBankAh);
  values_["battery.ac_charge_current"] = std::round(f.ac_charge_a * 10) / 10;
  values_["battery.pv_charge_current"] =
      std::round(std::max(0.0, f.battery_a - f.ac_charge_a) * 10) / 10;
  values_["inverter.bms.voltage"] = values_["battery.voltage"];
  values_["inverter.bms.current"] = std::fabs(values_["battery.current"]);
  machine_state = f.line_mode ? 2 : 3;
  charge_state = f.battery_a > 1 ? 1 : 0;

  // Grid: 101 V legs, 60 Hz, power + = import.
  values_["grid.l1.voltage"] = std::round((101.2 + 0.4 * noise(rng_)) * 10) / 10;
  values_["grid.l2.voltage"] = std::round((100.8 + 0.4 * noise(rng_)) * 10) / 10;
  values_["grid.frequency"] = std::round((60.0 + 0.01 * noise(rng_)) * 100) / 100;
  values_["grid.l1.power"] = std::round(f.grid_l1_w);
  values_["grid.l2.power"] = std::round(f.grid_l2_w);
  values_["grid.l1.current"] = std::round(f.grid_l1_w / values_["grid.l1.voltage"] * 10) / 10;
  values_["grid.l2.current"] = std::round(f.grid_l2_w / values_["grid.l2.voltage"] * 10) / 10;
  values_["output.l1.current"] = std::round(l1 / values_["output.l1.voltage"] * 10) / 10;
  values_["output.l2.current"] = std::round(l2 / values_["output.l2.voltage"] * 10) / 10;
  values_["load.l1.current"] = values_["output.l1.current"];
  values_["load.l2.current"] = values_["output.l2.current"];
  values_["inverter.charge_power"] = std::round(f.charge_w);

  // Heatsinks follow the load slowly; worn fans raise their rise over ambient.
  const double k = std::min(1.0, dt_s / 600.0);
  const double ambient = get("inverter.temp.ambient");
  const double fans = 1 + fan_degradation_;
  auto follow = [&](const char* sink, double rise_c) {
    values_[sink] += k * (ambient + rise_c * fans - values_[sink]);
  };
  follow("inverter.temp.dcac", 6.6 + load_w / 150);
  follow("inverter.temp.dcdc", 4.6 + f.pv_w / 150);
  follow("inverter.temp.transformer", 8.6 + load_w / 120);

  // Counters (kWh).
  const double h = dt_s / 3600.0;
  const double grid_w = f.grid_l1_w + f.grid_l2_w;
  values_["energy.pv.total"] += f.pv_w * h / 1000;
  values_["energy.load.total"] += load_w * h / 1000;
  values_["energy.grid.total"] += grid_w * h / 1000;
  values_["energy.pv.today"] += f.pv_w * h / 1000;
  values_["energy.load.today"] += load_w * h / 1000;
  values_["energy.grid.today"] += grid_w * h / 1000;
  recompute_sums();
}

}  // namespace sb::sim
