// SPDX-License-Identifier: Apache-2.0
// The simulated installation's physical state, in points.md names, units and signs (battery
// current + = charging, grid power + = import). Knows nothing about registers or Modbus: the
// register image encodes it, the server serves it. Keep it free of protocol concerns.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace sb::sim {

class HouseholdModel;

// What the house, the array and the inverter do over one physics step, as average powers:
// watts, battery current + = charging, grid + = import.
struct PowerFlows {
  double pv_w = 0;  // what the array delivers (the inverter's curtailment left out)
  double load_l1_w = 0, load_l2_w = 0;
  double grid_l1_w = 0, grid_l2_w = 0;
  double battery_a = 0;    // at the cells' terminals
  double battery_v = 0;    // the bank's voltage
  double ac_charge_a = 0;  // of battery_a, from the grid
  double charge_w = 0;     // into the battery from PV and grid
  bool line_mode = false;  // the output is on the grid (SBU below 61, or an AC charge slot)
  double duration_s = 0;   // of the household's time (faster than the wall clock if sped up)
};

// A source of the household's physics other than the built-in day (HouseholdModel::step): reads
// the settings the inverter holds, moves the state of charge, says what flowed.
class Physics {
 public:
  virtual ~Physics() = default;
  // `soc_pct` in and out (unrounded); `dt_s` of real time since the last call.
  virtual PowerFlows advance(const HouseholdModel& house, std::chrono::system_clock::time_point now,
                             double dt_s, double& soc_pct) = 0;
};

class HouseholdModel {
 public:
  explicit HouseholdModel(std::uint32_t seed = 1);

  // Advances the physics to `now` (no-op while frozen).
  void step(std::chrono::system_clock::time_point now);
  // Replaces the built-in day with `physics` (sunbridge-sim --physics year).
  void set_physics(std::unique_ptr<Physics> physics) { physics_ = std::move(physics); }
  void set_frozen(bool frozen) { frozen_ = frozen; }
  [[nodiscard]] bool frozen() const { return frozen_; }

  // Numeric values by point name (battery.soc, grid.l2.voltage, energy.pv.total, ...).
  [[nodiscard]] double get(const std::string& name) const;
  [[nodiscard]] bool has(const std::string& name) const { return values_.count(name) != 0; }
  // Sets a value; sums (load.power, ...) follow their parts. False for an unknown name.
  bool set(const std::string& name, double value);
  [[nodiscard]] const std::map<std::string, double>& values() const { return values_; }

  // The inverter's fans: 0 = as new; d multiplies the heatsinks' rise over ambient by (1 + d).
  // Applied at once to the current temperatures (a frozen model too) and to the physics.
  void set_fan_degradation(double d);
  [[nodiscard]] double fan_degradation() const { return fan_degradation_; }

  // Text and code-valued state.
  std::string serial = "LVY10KU2408250123";
  std::string build_time = "2024-08-25 10:12:44";
  std::uint16_t machine_state = 3;  // split-phase: 3 = battery (inverter) mode
  std::uint16_t charge_state = 0;   // 0x010B
  std::vector<std::uint16_t> faults = {0, 0, 0, 0};

  // Settings the physics reads (LCD values in plain units; the register image keeps them in sync).
  double switch_to_grid_soc = 19;      // 61
  double switch_to_battery_soc = 45;   // 62
  double max_ac_charge_a = 50;         // 28
  double max_charge_a = 50;            // 07
  int absorption_min = 45;             // 10
  int slot1_start_min = 23 * 60 + 55;  // 40, minutes after midnight
  int slot1_end_min = 3 * 60;          // 41
  int slot2_start_min = 4 * 60 + 30;   // 42
  int slot2_end_min = 6 * 60 + 55;     // 43
  double discharge_stop_soc = 15;      // 59
  double charge_stop_soc = 90;         // 60

 private:
  void recompute_sums();
  PowerFlows built_in_day(std::chrono::system_clock::time_point now, double dt_s);
  void publish(const PowerFlows& flows);

  std::map<std::string, double> values_;
  bool frozen_ = false;
  double fan_degradation_ = 0;
  bool on_grid_ = false;  // SBU: below 61 the load moves to the grid until 62
  // The state of charge unrounded: a second's charge is far below the 0.01 % the value shows.
  double soc_pct_ = 56;
  std::unique_ptr<Physics> physics_;
  std::chrono::system_clock::time_point last_step_{};
  std::mt19937 rng_;
};

}  // namespace sb::sim
