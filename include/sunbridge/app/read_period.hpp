// SPDX-License-Identifier: Apache-2.0
// The period a read command asks for (history, events, pq, audit): "since" and "until" in any
// form parse_since takes, read in the daemon's (the site's) time zone.
#pragma once

#include <chrono>

#include <nlohmann/json.hpp>

#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/result.hpp"

namespace sb::app {

struct ReadPeriod {
  WallTime since;
  WallTime until;  // exclusive; `now` when not asked
};

// since: "since" (text) or "since_s" (seconds back), else `fallback` back from now; no further
// back than `max_back`. until: "until" (text), else now. A duration in "until" counts back from
// now like one in "since" (these commands read the past: --since 2d --until 1d is yesterday's
// day); a date is its local midnight. Errors say which word is wrong and what is accepted.
Result<ReadPeriod> read_period(const nlohmann::json& request, WallTime now,
                               std::chrono::seconds fallback, std::chrono::seconds max_back);

}  // namespace sb::app
