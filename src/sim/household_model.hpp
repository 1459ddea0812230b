// SPDX-License-Identifier: Apache-2.0
// The simulated installation's physical state, in points.md names, units and signs (battery
// current + = charging, grid power + = import). Knows nothing about registers or Modbus: the
// register image encodes it, the server serves it. Keep it free of protocol concerns.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace sb::sim {

class HouseholdModel {
 public:
  explicit HouseholdModel(std::uint32_t seed = 1);

  // Advances the physics to `now` (no-op while frozen).
  void step(std::chrono::system_clock::time_point now);
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
  double switch_to_grid_soc = 19;     // 61
  double switch_to_battery_soc = 45;  // 62
  double max_ac_charge_a = 50;        // 28
  double max_charge_a = 50;           // 07

 private:
  void recompute_sums();

  std::map<std::string, double> values_;
  bool frozen_ = false;
  double fan_degradation_ = 0;
  bool on_grid_ = false;  // SBU: below 61 the load moves to the grid until 62
  std::chrono::system_clock::time_point last_step_{};
  std::mt19937 rng_;
};

}  // namespace sb::sim
