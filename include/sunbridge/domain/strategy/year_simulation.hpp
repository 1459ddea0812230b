// SPDX-License-Identifier: Apache-2.0
// A year of the household model under one strategy: what it costs in yen, what it bought from
// the grid, how much sunlight it used, how hard it worked the battery and the inverter's memory.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "sunbridge/domain/strategy/inverter_model.hpp"
#include "sunbridge/domain/strategy/year_inputs.hpp"

namespace sb::domain::strategy {

// What a strategy knows when it decides, each evening at 22:00 (before slot 1 starts) for the
// coming night and day: the day served, the forecasts issued that evening, the battery now.
struct Decision {
  int served_day = 0;  // day index the night charge serves (0 at the start of the year)
  const YearInputs* inputs = nullptr;
  BatteryState battery;
  ControlSettings current;
  // Forecast for served_day + k (k = 0, 1, ...): nullptr at the first decision of the year.
  const std::vector<DayWeather>* forecast = nullptr;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  virtual ControlSettings choose(const Decision& decision) = 0;
};

inline constexpr int kDecisionMinute = 22 * 60;

struct YearResult {
  std::string strategy;
  double energy_yen = 0;
  double basic_yen = 0;
  std::map<std::string, double> grid_kwh_by_band;
  std::array<double, 12> grid_kwh_by_month{};
  double grid_kwh = 0;
  double load_kwh = 0;
  double pv_kwh = 0;             // what the array could have given
  double pv_used_kwh = 0;        // to the house or into the battery
  double battery_out_kwh = 0;    // the battery delivered to the house
  double battery_cycles = 0;     // battery_out / capacity
  int writes = 0;                // parameter writes (one per changed parameter)
  int change_days = 0;           // evenings with at least one write
  double worst_balance_kwh = 0;  // largest energy-balance error of any step
  [[nodiscard]] double cost_yen() const { return energy_yen + basic_yen; }
  [[nodiscard]] double self_consumption() const { return pv_kwh > 0 ? pv_used_kwh / pv_kwh : 0.0; }
};

// The parameters that differ between two settings (LCD ids, in write order).
std::vector<std::string> changed_parameters(const ControlSettings& a, const ControlSettings& b);

YearResult simulate_year(const YearInputs& in, const InverterModel& model, Strategy& strategy,
                         BatteryState initial = {});

// The same house with the PV on the inverter but no battery: the array serves the house while
// the sun shines, the rest is lost, everything else is bought.
YearResult simulate_without_battery(const YearInputs& in, const InverterModel& model);

}  // namespace sb::domain::strategy
