// SPDX-License-Identifier: Apache-2.0
// What every check shares: a level, what it saw, since when, and the readings it is fed. Checks
// are pure state machines: fed point values (with quality and timestamp) and the time, they
// return events. An invalid or stale value never starts or ends anything: a failed poll is not a
// dip, and not the end of one either. See docs/checks.md.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/event.hpp"
#include "sunbridge/domain/point_store.hpp"

namespace sb::domain::checks {

enum class Level { kOk, kWarning, kCritical };
const char* to_string(Level level);

// One check's state, for `sunbridge checks` and the check.NAME.state points.
struct CheckStatus {
  std::string name;  // "pq.voltage", "thermal.pack"
  Level level = Level::kOk;
  std::string state;  // "normal", "dip", "swell", "warning", ... (the check's own words)
  std::optional<double> value;
  std::string unit;
  std::string threshold;  // in words: "dip < 90.9 V, swell > 111.1 V"
  std::optional<WallTime> since;
  bool known = false;  // false until a valid value was seen
};

// A check's status before it has seen a value: its name, unit, limits in words and first state.
CheckStatus initial_status(std::string name, std::string unit, std::string threshold,
                           std::string state = "unknown");

// Formats "42.3" with `decimals` digits (event messages and thresholds).
std::string fixed(double v, int decimals);

}  // namespace sb::domain::checks
