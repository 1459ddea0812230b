// SPDX-License-Identifier: Apache-2.0
// How long each history tier is kept, and which tier answers a query (docs/reports.md
// "History tiers").
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "sunbridge/core/clock.hpp"

namespace sb::adapters {

// raw: the samples as recorded; then the 1-minute, 15-minute and daily summaries.
enum class Resolution { kAuto, kRaw, kMinute, kQuarter, kDay };
[[nodiscard]] const char* to_string(Resolution r);  // "auto", "raw", "1m", "15m", "1d"
[[nodiscard]] std::optional<Resolution> parse_resolution(std::string_view text);

struct HistoryRetention {
  int raw_days = 7;
  int minute_days = 90;
  int quarter_days = 1095;  // three years; events are kept as long
  // The daily summaries are kept.
};

struct TierPolicy {
  HistoryRetention retention;
  std::chrono::seconds sample_interval{60};  // of the raw samples
};

// The finest tier that still holds the start of [since, until) and answers it in at most
// `max_rows` values for `points` points; the daily tier when none does (the reply then says
// what was left out, as it always does).
[[nodiscard]] Resolution choose_resolution(const TierPolicy& policy, WallTime since, WallTime until,
                                           WallTime now, std::size_t points, std::size_t max_rows);

}  // namespace sb::adapters
