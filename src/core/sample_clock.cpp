// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/sample_clock.hpp"

#include <algorithm>

namespace sb {

bool SampleClock::due(WallTime now, std::chrono::milliseconds poll_interval) const {
  if (!next_due_) return true;
  // Half a poll (at most half an interval) early counts: the poll nearest the due time takes it.
  const auto slack = std::min(poll_interval, interval_) / 2;
  return now + slack >= *next_due_;
}

void SampleClock::taken(WallTime now) {
  WallTime next = (next_due_ ? *next_due_ : now) + interval_;
  if (next <= now) next = now + interval_;
  next_due_ = next;
}

}  // namespace sb
