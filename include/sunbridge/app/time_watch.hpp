// SPDX-License-Identifier: Apache-2.0
// Watches whether the system clock can be trusted (core/time_sync.hpp) and says so once per
// change: the point site.clock_synced, and an event that says why. While it cannot be trusted,
// nothing acts on the wall clock: no inverter clock write, no season or weather settings change,
// no remote command (their expiry is judged on the clock).
#pragma once

#include <functional>
#include <optional>

#include "sunbridge/core/event.hpp"
#include "sunbridge/core/time_sync.hpp"
#include "sunbridge/domain/point_store.hpp"

namespace sb::app {

class TimeWatch {
 public:
  TimeWatch(const TimeSyncSource& source, const Clock& clock, domain::PointStore& points);

  // Reads the source; returns the event for a change (the first reading counts as one only when
  // the clock is not synchronised: a synchronised start is the normal case).
  std::optional<Event> check();
  // True while the last reading said synchronised.
  [[nodiscard]] bool trusted() const { return state_ && state_->synced; }
  [[nodiscard]] const std::optional<TimeSyncState>& state() const { return state_; }
  // Why nothing time-dependent may happen now ("" when trusted).
  [[nodiscard]] std::string refusal() const;

 private:
  const TimeSyncSource& source_;
  const Clock& clock_;
  domain::PointStore& points_;
  std::optional<TimeSyncState> state_;
};

}  // namespace sb::app
