// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/forecast.hpp"

#include <cstdio>

namespace sb::domain {

const char* to_string(DayKind kind) {
  switch (kind) {
    case DayKind::kUnknown:
      return "unknown";
    case DayKind::kSunny:
      return "sunny";
    case DayKind::kCloudy:
      return "cloudy";
    case DayKind::kRainy:
      return "rainy";
    case DayKind::kSnowy:
      return "snowy";
  }
  return "unknown";
}

std::optional<DayKind> day_kind_from(std::string_view text) {
  for (DayKind k :
       {DayKind::kUnknown, DayKind::kSunny, DayKind::kCloudy, DayKind::kRainy, DayKind::kSnowy}) {
    if (text == to_string(k)) return k;
  }
  return std::nullopt;
}

const DayForecast* Forecast::day(Date date) const {
  for (const DayForecast& d : days) {
    if (d.date == date) return &d;
  }
  return nullptr;
}

std::optional<Date> parse_date(std::string_view text) {
  // Exactly YYYY-MM-DD (providers may append a time: the caller cuts it off).
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  y = std::stoi(std::string(text.substr(0, 4)));
  m = std::stoi(std::string(text.substr(5, 2)));
  d = std::stoi(std::string(text.substr(8, 2)));
  Date date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
            std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string format_date(Date date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

Date to_date(const CivilTime& local) {
  return Date{std::chrono::year(local.year), std::chrono::month(static_cast<unsigned>(local.month)),
              std::chrono::day(static_cast<unsigned>(local.day))};
}

Date local_date(WallTime t) {
  return to_date(to_local_civil(t));
}

std::optional<WallTime> local_time_on(Date date, int hour) {
  return from_local_civil(CivilTime{
      static_cast<int>(date.year()), static_cast<int>(static_cast<unsigned>(date.month())),
      static_cast<int>(static_cast<unsigned>(date.day())), hour, 0, 0});
}

}  // namespace sb::domain
