// SPDX-License-Identifier: Apache-2.0
// Charge-slot effectiveness in the running daemon: keeps a minute-by-minute record of the
// battery over the last night and every morning (07:00 local, after both slots have ended)
// measures what each slot delivered, using the slot times the inverter holds now (LCD 40-43).
// The last 14 nights are kept across restarts; a slot that delivered nothing on `min_nights`
// of them is one warning, cleared when it delivers again. See docs/checks.md.
#pragma once

#include <deque>

#include <nlohmann/json.hpp>

#include "sunbridge/domain/checks/check.hpp"
#include "sunbridge/domain/checks/slot_effectiveness.hpp"
#include "sunbridge/domain/point_store.hpp"

namespace sb::domain::checks {

struct SlotWatchRule {
  int evaluate_min = 7 * 60;
  int min_nights = 3;
  int keep_nights = 14;
  std::chrono::seconds sample_every{60};
};

class SlotWatch {
 public:
  explicit SlotWatch(SlotWatchRule rule);
  std::vector<Event> update(const PointStore& points, WallTime now);
  [[nodiscard]] const CheckStatus& status() const { return status_; }
  [[nodiscard]] const std::vector<SlotNight>& nights() const { return nights_; }
  // Whether slot 1 charges, as measured: false when it delivered nothing on its last
  // `min_nights` measured nights, true when it delivered on any of them, nullopt with fewer.
  [[nodiscard]] std::optional<bool> slot1_delivers() const;

  [[nodiscard]] nlohmann::json to_json() const;
  void restore(const nlohmann::json& j);

 private:
  std::vector<Event> evaluate(const std::vector<SlotWindow>& windows, WallTime now);

  SlotWatchRule rule_;
  CheckStatus status_;
  std::deque<BatterySample> samples_;
  std::vector<SlotNight> nights_;
  std::string evaluated_day_;
  std::map<std::string, bool> warned_;  // slot -> a warning is open
};

}  // namespace sb::domain::checks
