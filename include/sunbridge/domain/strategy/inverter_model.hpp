// SPDX-License-Identifier: Apache-2.0
// What the inverter and the battery do with sunlight and household load, one step at a time,
// under the fixed baseline and the four profile parameters (LCD 07, 10, 41, 62). Every kWh is
// accounted for in each step (energy_balance_error). The behaviour, and each assumption where
// the documents are silent, is in docs/strategy.md "The inverter"; the assumptions are
// parameters here.
#pragma once

#include <cstddef>
#include <optional>

namespace sb::domain::strategy {

// The four parameters a strategy chooses.
struct ControlSettings {
  double max_charge_a = 50;         // 07: PV + AC charge current
  int absorption_min = 45;          // 10: time at the maximum voltage
  int slot1_end_min = 180;          // 41: slot 1 charge end, minutes after midnight (03:00)
  double back_to_battery_soc = 45;  // 62
  bool operator==(const ControlSettings&) const = default;
};

struct InverterModel {
  double battery_kwh = 20.48;          // 4 x FLCD16-10048
  double charge_voltage_v = 54.0;      // amps to kW while charging (16 LFP cells in bulk)
  double charge_efficiency = 0.95;     // into the cells, from PV or the grid
  double discharge_efficiency = 0.95;  // cells to the house, through the inverter
  double idle_kw = 0.05;               // the inverter's own use, always on
  double ac_charge_limit_a = 50;       // 28
  int slot1_start_min = 23 * 60 + 55;  // 40
  int slot2_start_min = 4 * 60 + 30;   // 42
  int slot2_end_min = 6 * 60 + 55;     // 43
  double switch_to_grid_soc = 19;      // 61
  double discharge_stop_soc = 15;      // 59
  double absorption_start_soc = 90;    // 60: above it the charger holds its maximum voltage
  // Field observation: slot 1 delivered no charge in the owner's data. false reproduces that.
  bool slot1_charges = true;
  // In SBU, while the output is on the grid (below 61 until 62), whether PV still serves the
  // house or only charges the battery. Assumed: only the battery.
  bool pv_serves_load_on_grid = false;
};

struct BatteryState {
  double soc_pct = 50;
  bool on_grid = false;            // SBU has switched the output to the grid (61), until 62
  double absorption_used_min = 0;  // in the current charge session
};

// Where the energy of one step went, kWh. pv = pv_to_load + pv_to_battery + pv_lost;
// load = pv_to_load + battery_to_load + grid_to_load.
struct StepFlows {
  double pv = 0, load = 0;
  double pv_to_load = 0, pv_to_battery = 0, pv_lost = 0;
  double grid_to_load = 0, grid_to_battery = 0;
  double battery_to_load = 0;
  double stored = 0;  // change of the energy in the cells
  double losses = 0;  // charge and discharge losses
  [[nodiscard]] double grid() const { return grid_to_load + grid_to_battery; }
};

struct StepInput {
  int minute_of_day = 0;  // local, at the start of the step
  double step_min = 5;
  double pv_kw = 0;    // AC power the array could give
  double load_kw = 0;  // household (the inverter's own use is added)
};

// Whether a charge session starts at this minute (slot starts, and 07:00 for the day's PV):
// the absorption time is counted per session.
bool charge_session_starts(const InverterModel& m, int minute_of_day, double step_min);

// One step: updates `state` and says where the energy went.
StepFlows step(const InverterModel& m, const ControlSettings& c, BatteryState& state,
               const StepInput& in);

// A run of steps with its sunlight, load and prices (one value per step), the first step
// starting at `first_minute` local time.
struct StepSeries {
  const float* pv_kw = nullptr;
  const float* load_kw = nullptr;
  const float* price_yen_per_kwh = nullptr;
  int step_min = 5;
  int first_minute = 0;
};

// The grid energy cost of the steps [from, to) of `series` under `c` (state updated).
double run_cost_yen(const InverterModel& m, const ControlSettings& c, BatteryState& state,
                    const StepSeries& series, std::size_t from, std::size_t to);

// (grid + pv) - (load + pv lost + stored + losses), kWh: zero to rounding.
double energy_balance_error(const StepFlows& f);

}  // namespace sb::domain::strategy
