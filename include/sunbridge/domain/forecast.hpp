// SPDX-License-Identifier: Apache-2.0
// A classified daily weather forecast, whatever provider it came from. Providers classify each
// day by the rules of docs/weather.md.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::domain {

using Date = std::chrono::year_month_day;

enum class DayKind { kUnknown, kSunny, kCloudy, kRainy, kSnowy };
const char* to_string(DayKind kind);
std::optional<DayKind> day_kind_from(std::string_view text);

struct DayForecast {
  Date date;
  DayKind kind = DayKind::kUnknown;
  std::optional<double> temp_max_c;
  std::optional<double> temp_min_c;
  std::optional<double> rain_probability_pct;
  bool operator==(const DayForecast&) const = default;
};

struct Forecast {
  std::string provider;  // "jma", "open-meteo", "file"
  WallTime issued_at{};  // as the provider states it
  WallTime fetched_at{};
  std::vector<DayForecast> days;  // ascending dates, no duplicates
  [[nodiscard]] const DayForecast* day(Date date) const;
};

// "2026-07-12" <-> Date. Nullopt on anything that is not a real date.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(Date date);

// The date of a local civil time; the local date of an instant (the process time zone, the
// site's in the daemon); the instant a local date reaches `hour` o'clock (nullopt for a time the
// zone skips).
Date to_date(const CivilTime& local);
Date local_date(WallTime t);
std::optional<WallTime> local_time_on(Date date, int hour = 0);

}  // namespace sb::domain
