// SPDX-License-Identifier: Apache-2.0
// Cross-checks between two sources of the same truth: the bank's SOC and voltage as the packs
// report them against the inverter's battery.soc and battery.voltage (bms.md section 6). A gap
// that lasts becomes an event; its end is an event too. Short gaps (a poll landing mid-step)
// are ignored.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/event.hpp"
#include "sunbridge/domain/point_store.hpp"

namespace sb::domain {

struct CrossCheckPolicy {
  double soc_gap_pct = 10.0;
  double voltage_gap_v = 1.0;
  std::chrono::seconds sustain{600};
};

class CrossCheck {
 public:
  explicit CrossCheck(CrossCheckPolicy policy) : policy_(policy) {}
  // Call after each update; returns the events that start or end now. Missing data changes
  // nothing (a gap is not "cleared" by an outage).
  std::vector<Event> evaluate(const PointStore& store, WallTime now);

 private:
  struct Watch {
    std::optional<WallTime> since;
    bool raised = false;
  };
  void check(Watch& w, const char* kind, const char* what, const char* unit, double a, double b,
             double limit, WallTime now, std::vector<Event>& out);

  CrossCheckPolicy policy_;
  Watch soc_;
  Watch voltage_;
};

}  // namespace sb::domain
