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
};

}  // namespace sb
