// SPDX-License-Identifier: Apache-2.0
// The checks the daemon runs after every poll, built from configuration: supply voltage events,
// grid outages, frequency, battery and inverter temperatures. Pure: point values and the time in,
// events and states out. See docs/checks.md.
#pragma once

#include <memory>

#include "sunbridge/domain/checks/band_check.hpp"
#include "sunbridge/domain/checks/outage.hpp"
#include "sunbridge/domain/checks/voltage_events.hpp"

namespace sb::domain::checks {

struct ChecksConfig {
  bool enabled = true;
  VoltageRule voltage;
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
};

class CheckEngine {
 public:
  explicit CheckEngine(const ChecksConfig& config);
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] std::vector<CheckStatus> statuses() const;

 private:
  bool enabled_;
  VoltageEvents voltage_;
  OutageCheck outage_;
  std::vector<BandCheck> bands_;
};

}  // namespace sb::domain::checks
