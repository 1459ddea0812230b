// SPDX-License-Identifier: Apache-2.0
// Which polls become history samples. Samples are due on a schedule of their own, one interval
// apart, and a poll that comes within half a poll of the due time takes the sample. Comparing
// "now - last sample >= interval" instead beats against the poll clock: with a 10 s poll and a
// 10 s interval, a poll 9.98 s after the last sample is skipped and the gap becomes 20 s.
#pragma once

#include <chrono>
#include <optional>

#include "sunbridge/core/clock.hpp"

namespace sb {

class SampleClock {
 public:
  explicit SampleClock(std::chrono::milliseconds interval) : interval_(interval) {}

  // Whether a poll at `now`, in a stream of polls `poll_interval` apart, takes the sample.
  [[nodiscard]] bool due(WallTime now, std::chrono::milliseconds poll_interval) const;
  // The sample was taken at `now`: the next is one interval after the one due (after `now`
  // when samples were missed, e.g. while the link was down: no burst to catch up).
  void taken(WallTime now);

  void set_interval(std::chrono::milliseconds interval) { interval_ = interval; }

 private:
  std::chrono::milliseconds interval_;
  std::optional<WallTime> next_due_;
};

}  // namespace sb
