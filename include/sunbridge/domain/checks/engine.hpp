// SPDX-License-Identifier: Apache-2.0
// The checks the daemon runs after every poll, built from configuration: supply voltage events,
// the statutory band, grid outages, frequency, battery and inverter temperatures, the LiFePO4
// charging rules (with their charge-current lease), the cabinet fan and its health, and the
// early warnings of the owner's guide. Pure: point values and the time in; events, states, the
// fan's state and the charge lease out. See docs/checks.md.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "sunbridge/domain/checks/band_check.hpp"
#include "sunbridge/domain/checks/battery_warnings.hpp"
#include "sunbridge/domain/checks/charging.hpp"
#include "sunbridge/domain/checks/daily_patterns.hpp"
#include "sunbridge/domain/checks/fan.hpp"
#include "sunbridge/domain/checks/fan_health.hpp"
#include "sunbridge/domain/checks/outage.hpp"
#include "sunbridge/domain/checks/slot_watch.hpp"
#include "sunbridge/domain/checks/statutory_band.hpp"
#include "sunbridge/domain/checks/voltage_events.hpp"

namespace sb::domain::checks {

struct ChecksConfig {
  bool enabled = true;
  VoltageRule voltage;
  BandLimits band;
  double frequency_hz = 60.0;
  double frequency_band_hz = 0.2;  // normal operation within +/- this
  double frequency_hysteresis_hz = 0.05;
  std::chrono::seconds frequency_min_duration{10};
  // Battery cells (the packs' sensors when a BMS is read, else the inverter's battery sensor).
  double battery_warning_c = 25.0;
  double battery_critical_c = 40.0;
  // The inverter's heatsinks and transformer (its operating range ends at 55 C ambient).
  double inverter_warning_c = 55.0;
  double inverter_critical_c = 70.0;
  double temperature_hysteresis_c = 1.0;
  std::chrono::seconds temperature_min_duration{60};
  std::vector<int> packs = {1, 2, 3, 4};  // BMS addresses whose cell sensors are judged
  ChargingRule charging;
  FanRule fan;
  FanHealthRule fan_health;
  SwingRule swing;
  OcvRule ocv;
  DailyRule daily;
  SlotWatchRule slots;
};

// The battery's temperature sensors: the inverter's and every pack cell sensor, and with
// `with_boards` each pack's MOSFET and ambient sensors too.
std::vector<std::string> battery_temperature_points(const std::vector<int>& packs,
                                                    bool with_boards);

class CheckEngine {
 public:
  explicit CheckEngine(const ChecksConfig& config);
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] std::vector<CheckStatus> statuses() const;
  [[nodiscard]] const SlotWatch& slot_watch() const { return slots_; }

  // The LCD 07 ceiling the charging rules call for now, if any.
  [[nodiscard]] std::optional<double> charge_lease_a() const;
  // The fan's new state when this update changed it (configured fans only).
  [[nodiscard]] std::optional<bool> fan_change() const { return fan_change_; }
  [[nodiscard]] const std::optional<FanControl>& fan() const { return fan_; }
  // Closed 10-minute intervals since the last call, for storage.
  std::vector<PqInterval> take_pq_intervals() { return band_.take_closed(); }

  // What the checks learned (fan health, daily patterns, slot nights), to persist.
  [[nodiscard]] nlohmann::json memory_json() const;
  void restore_memory(const nlohmann::json& j);

 private:
  bool enabled_;
  VoltageEvents voltage_;
  StatutoryBand band_;
  OutageCheck outage_;
  std::vector<BandCheck> bands_;
  ChargingCheck charging_;
  std::optional<FanControl> fan_;
  std::optional<bool> fan_change_;
  FanHealth fan_health_;
  VoltageSwing swing_;
  SocVoltageCheck ocv_;
  DailyPatterns daily_;
  SlotWatch slots_;
};

}  // namespace sb::domain::checks
