// SPDX-License-Identifier: Apache-2.0
// What one read of a group of values produced: fresh values, values that failed to refresh
// (they go stale) and values the device cannot give (invalid). Devices produce it; the domain's
// point store applies it. Neither side needs the other's headers.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sunbridge/core/point.hpp"

namespace sb {

struct PointIssue {
  std::string name;
  std::string reason;
  std::string unit;  // so a value never read still shows its unit
};

struct PointUpdate {
  std::vector<Point> fresh;         // quality ok, ts = when read
  std::vector<PointIssue> stale;    // read failed this time: keep last value, mark stale
  std::vector<PointIssue> invalid;  // unsupported / undecodable: no value
  // A fresh value older than this is reported stale (0 = never ages), e.g. 3 poll intervals.
  std::chrono::milliseconds max_age{0};
  // Optional, from a producer that writes the same points every cycle (the inverter link): one
  // key per fresh point, in the same order, where a key always names the same point with the
  // same unit for the life of the process (the register row it was decoded from). A consumer
  // that has seen a key then needs no name compare. Either empty or as long as `fresh`;
  // anything else is ignored.
  std::vector<const void*> fresh_keys{};
  [[nodiscard]] bool keyed() const { return fresh_keys.size() == fresh.size(); }
};

}  // namespace sb
