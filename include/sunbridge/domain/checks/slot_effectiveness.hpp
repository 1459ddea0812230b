// SPDX-License-Identifier: Apache-2.0
// Does each night-charge slot do its job? For every night and slot (LCD 40-41 and 42-43), the
// SOC gained and the charge that went into the battery inside the window, from battery samples
// (recorded history, or a replay of recorded polls). The owner's real data shows slot 1
// (23:55-03:00) delivering nothing while slot 2 (04:30-06:55) charges: a setting is not assumed
// to do what its name says, it is measured. See docs/checks.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/event.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::domain::checks {

struct BatterySample {
  WallTime ts;
  std::optional<double> soc_pct;
  std::optional<double> voltage_v;
  std::optional<double> current_a;  // + = charging
};

// A local-time window; end before start crosses midnight (23:55 -> 03:00).
struct SlotWindow {
  std::string name;   // "slot 1 (40-41)"
  int start_min = 0;  // minutes after local midnight
  int end_min = 0;
};

struct SlotNight {
  std::string night;  // the evening's local date, "2025-05-19" (the night 19 -> 20 May)
  std::string slot;
  int samples = 0;          // samples inside the window
  double soc_gain_pct = 0;  // last SOC minus first SOC inside the window
  double charge_ah = 0;     // charging current integrated over time (gaps over 30 min are not)
  double charge_kwh = 0;    // the same with the battery voltage
  bool delivered = false;   // charge_ah of at least `min_charge_ah`
};

// Samples in time order, local time in the process's time zone. Nights without a sample in a
// window are left out (no data is not "no charge").
std::vector<SlotNight> slot_effectiveness(const std::vector<BatterySample>& samples,
                                          const std::vector<SlotWindow>& windows,
                                          double min_charge_ah = 1.0);

// A warning when `slot` delivered no charge on at least `min_nights` of the nights measured:
// "slot 1 (40-41) delivered no charge on 12 of the last 13 nights", with the evidence.
std::optional<Event> slot_warning(const std::vector<SlotNight>& nights, const std::string& slot,
                                  int min_nights, WallTime now);

}  // namespace sb::domain::checks
