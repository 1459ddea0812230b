// SPDX-License-Identifier: Apache-2.0
// Energy from power (docs/reports.md): the six flows a household's accounts need, integrated
// from polled power with the poll timestamps. Pure: the caller supplies the samples.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/clock.hpp"

namespace sb::domain {

// kWh, each one a positive amount: grid import and export, battery charge and discharge are
// separate counters (Home Assistant's energy dashboard wants them so).
struct EnergyFlows {
  double pv_kwh = 0, load_kwh = 0, grid_import_kwh = 0, grid_export_kwh = 0, battery_charge_kwh = 0,
         battery_discharge_kwh = 0;
  // What the grid would have supplied with the same PV and load but no battery: the load PV did
  // not cover at each moment (for the "PV without battery" comparison).
  double pv_only_import_kwh = 0;
  EnergyFlows& operator+=(const EnergyFlows& o);
  [[nodiscard]] bool empty() const;
};

// A day's energy in one tariff band (local day "2026-12-02").
struct DayBandEnergy {
  std::string day;
  std::string band;
  EnergyFlows flows;
};

// One poll's powers in W (grid > 0 importing, battery > 0 charging); nullopt when not current.
struct PowerSample {
  WallTime ts{};
  std::optional<double> pv_w, load_w, grid_w, battery_w;
};

// Integrates consecutive samples (trapezoid, each side of a sign change apart, so a flow that
// reverses within one interval is split exactly). An interval longer than `max_gap`, or one where
// either end lacks a value, adds nothing to that flow: a gap stays a gap, nothing is invented
// across an outage of the link.
class EnergyMeter {
 public:
  explicit EnergyMeter(std::chrono::milliseconds max_gap) : max_gap_(max_gap) {}
  // What this sample adds since the previous one.
  EnergyFlows add(const PowerSample& sample);

 private:
  std::chrono::milliseconds max_gap_;
  std::optional<PowerSample> last_;
};

// A day's integrated energy against the inverter's own daily counter for the same flow.
struct CounterMismatch {
  std::string flow;  // "PV", "load"
  double ours_kwh = 0, inverter_kwh = 0;
};
// Flows that differ by more than max(`min_kwh`, `ratio` x the inverter's figure). Only PV and
// load are compared: the inverter's grid counter is "load supplied from the grid", which leaves
// out what charged the battery from the grid.
std::vector<CounterMismatch> compare_with_inverter(const EnergyFlows& ours, double inverter_pv_kwh,
                                                   double inverter_load_kwh, double min_kwh = 0.5,
                                                   double ratio = 0.10);

// The positive and negative areas (Wh) of power moving linearly from p0_w to p1_w over `hours`.
struct SignedArea {
  double positive_wh = 0, negative_wh = 0;
};
SignedArea integrate_linear(double p0_w, double p1_w, double hours);

}  // namespace sb::domain
