// SPDX-License-Identifier: Apache-2.0
#include "sim/year_physics.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace sb::sim {

namespace ds = domain::strategy;

namespace {
// The longest step of the household's time the model takes at once: its sunlight and load are
// taken at the middle of the step.
constexpr double kMaxStepS = 60.0;
// Split-phase legs: the heavier 200 V loads span both, the 100 V ones sit mostly on L1.
constexpr double kLoadShareL1 = 0.55;
}  // namespace

ds::InverterModel inverter_model_of(const HouseholdModel& house, bool slot1_charges) {
  ds::InverterModel m;
  m.ac_charge_limit_a = house.max_ac_charge_a;
  m.slot1_start_min = house.slot1_start_min;
  m.slot2_start_min = house.slot2_start_min;
  m.slot2_end_min = house.slot2_end_min;
  m.switch_to_grid_soc = house.switch_to_grid_soc;
  m.discharge_stop_soc = house.discharge_stop_soc;
  m.absorption_start_soc = house.charge_stop_soc;
  m.slot1_charges = slot1_charges;
  return m;
}

ds::ControlSettings control_settings_of(const HouseholdModel& house) {
  ds::ControlSettings c;
  c.max_charge_a = house.max_charge_a;
  c.absorption_min = house.absorption_min;
  c.slot1_end_min = house.slot1_end_min;
  c.back_to_battery_soc = house.switch_to_battery_soc;
  return c;
}

YearPhysics::YearPhysics(YearPhysicsOptions options) : options_(options) {
  setup_.seed = options_.seed;
  setup_.site.panels = options_.panels;
  setup_.year = 0;
}

std::chrono::system_clock::time_point YearPhysics::household_time(
    std::chrono::system_clock::time_point now) const {
  if (options_.speed == 1.0) return now;
  const auto since = std::chrono::duration<double>(now - start_) * options_.speed;
  return start_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(since);
}

void YearPhysics::ensure_year(int year) {
  if (days_ && setup_.year == year) return;
  setup_.year = year;
  days_ = ds::generate_year_days(setup_);
}

PowerFlows YearPhysics::advance(const HouseholdModel& house,
                                std::chrono::system_clock::time_point now, double dt_s,
                                double& soc_pct) {
  if (start_.time_since_epoch().count() == 0) {
    start_ = now - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                       std::chrono::duration<double>(dt_s));
  }
  const ds::InverterModel model = inverter_model_of(house, options_.slot1_charges);
  const ds::ControlSettings control = control_settings_of(house);
  battery_.soc_pct = soc_pct;
  // SBU's switch to the grid (61) and back (62) follow the settings as they are now.
  if (!battery_.on_grid && battery_.soc_pct <= model.switch_to_grid_soc) battery_.on_grid = true;
  if (battery_.on_grid && battery_.soc_pct >= control.back_to_battery_soc) {
    battery_.on_grid = false;
  }

  const double household_dt_s = dt_s * options_.speed;
  const auto end = household_time(now);
  auto t = end - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                     std::chrono::duration<double>(household_dt_s));
  ds::StepFlows total;
  double load_total_kwh = 0;
  bool line_mode = false;
  for (double left_s = household_dt_s; left_s > 1e-9;) {
    const double step_s = std::min(left_s, kMaxStepS);
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::localtime_r(&tt, &tm);
    ensure_year(tm.tm_year + 1900);
    const double minute = tm.tm_hour * 60 + tm.tm_min + tm.tm_sec / 60.0;
    const double mid = minute + step_s / 120.0;
    ds::StepInput in;
    in.minute_of_day = tm.tm_hour * 60 + tm.tm_min;
    in.step_min = step_s / 60.0;
    in.pv_kw = ds::pv_kw_at(setup_, *days_, tm.tm_yday, mid);
    in.load_kw = ds::load_kw_at(setup_, *days_, tm.tm_yday, mid);
    const ds::StepFlows f = ds::step(model, control, battery_, in);
    total.pv += f.pv - f.pv_lost;
    total.pv_to_battery += f.pv_to_battery;
    total.grid_to_load += f.grid_to_load;
    total.grid_to_battery += f.grid_to_battery;
    total.battery_to_load += f.battery_to_load;
    total.stored += f.stored;
    load_total_kwh += f.load;
    line_mode = line_mode || f.grid_to_battery > 0 || battery_.on_grid;
    left_s -= step_s;
    t += std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::duration<double>(step_s));
  }
  soc_pct = battery_.soc_pct;

  // Average powers over the step, as the inverter's registers would show them.
  const double h = household_dt_s / 3600.0;
  PowerFlows out;
  out.pv_w = total.pv / h * 1000;
  const double load_w = load_total_kwh / h * 1000;
  out.load_l1_w = load_w * kLoadShareL1;
  out.load_l2_w = load_w - out.load_l1_w;
  const double grid_load_w = total.grid_to_load / h * 1000;
  const double grid_charge_w = total.grid_to_battery / h * 1000;
  out.grid_l1_w = grid_load_w * kLoadShareL1 + grid_charge_w / 2;
  out.grid_l2_w = grid_load_w * (1 - kLoadShareL1) + grid_charge_w / 2;
  out.battery_v = 49.6 + 0.06 * soc_pct;
  // Amps at the cells: what was stored (or drawn, with its losses) at the bank's voltage.
  out.battery_a = total.stored / h * 1000 / out.battery_v;
  out.ac_charge_a = total.grid_to_battery * model.charge_efficiency / h * 1000 / out.battery_v;
  out.charge_w = (total.pv_to_battery + total.grid_to_battery) / h * 1000;
  out.line_mode = line_mode;
  out.duration_s = household_dt_s;
  return out;
}

}  // namespace sb::sim
