// SPDX-License-Identifier: Apache-2.0
// The per-pack message of seed 000's SCADA interface (timestamp, battery_id, soc, power_output,
// temperature, health_score) computed from pack points. health_score is defined here and in
// docs/mqtt.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/point.hpp"

namespace sb::domain {

struct PackSummary {
  int pack = 0;
  std::string battery_id;     // the pack's serial, or "pack-N" while unknown
  bool serial_known = false;  // battery_id is the serial the pack reported
  double soc_pct = 0;
  double power_output_w = 0;            // > 0 discharging (the pack delivers power), < 0 charging
  std::optional<double> temperature_c;  // the warmest cell sensor
  double health_score = 0;              // 0-100
  std::vector<double> cells_mv;
};

// 0-100: the BMS's state of health, minus 0.5 per mV of cell spread above 20 mV (at most 30),
// minus 20 while any alarm is active. One decimal.
double health_score(double soh_pct, std::optional<double> cell_spread_mv, std::size_t alarms);

// Pack N from a snapshot keyed by point name; only ok-quality values count. Nullopt when SOC,
// SOH, voltage or current is not currently known (a pack message is never built from stale data).
std::optional<PackSummary> summarize_pack(const std::map<std::string, Point>& points, int pack);

}  // namespace sb::domain
