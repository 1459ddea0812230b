// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/history_tiers.hpp"

#include <algorithm>

namespace sb::adapters {

const char* to_string(Resolution r) {
  switch (r) {
    case Resolution::kAuto:
      return "auto";
    case Resolution::kRaw:
      return "raw";
    case Resolution::kMinute:
      return "1m";
    case Resolution::kQuarter:
      return "15m";
    case Resolution::kDay:
      return "1d";
  }
  return "?";
}

std::optional<Resolution> parse_resolution(std::string_view text) {
  for (Resolution r : {Resolution::kAuto, Resolution::kRaw, Resolution::kMinute,
                       Resolution::kQuarter, Resolution::kDay}) {
    if (text == to_string(r)) return r;
  }
  return std::nullopt;
}

Resolution choose_resolution(const TierPolicy& policy, WallTime since, WallTime until, WallTime now,
                             std::size_t points, std::size_t max_rows) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  const auto days = [](int d) { return std::chrono::hours(24) * d; };
  const double span_s =
      static_cast<double>(duration_cast<seconds>(std::max(until, since) - since).count());
  const double n = static_cast<double>(std::max<std::size_t>(points, 1));
  struct Candidate {
    Resolution resolution;
    int kept_days;
    double width_s;
  };
  const Candidate candidates[] = {
      {Resolution::kRaw, policy.retention.raw_days,
       static_cast<double>(std::max<std::int64_t>(policy.sample_interval.count(), 1))},
      {Resolution::kMinute, policy.retention.minute_days, 60.0},
      {Resolution::kQuarter, policy.retention.quarter_days, 900.0},
  };
  for (const Candidate& c : candidates) {
    if (since < now - days(c.kept_days)) continue;  // its start is no longer in this tier
    if ((span_s / c.width_s + 1) * n <= static_cast<double>(max_rows)) return c.resolution;
  }
  return Resolution::kDay;
}

}  // namespace sb::adapters
