// SPDX-License-Identifier: Apache-2.0
// Site-local civil time. The daemon serves one site, so the site time zone is made the process
// time zone once at start-up (before any thread starts) and the C library converts.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/result.hpp"

namespace sb {

struct CivilTime {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
  bool operator==(const CivilTime&) const = default;
};

// Checks that `zone` names a tz database entry (e.g. "Asia/Tokyo") and makes it the process
// time zone. Call before starting threads.
Status set_process_timezone(const std::string& zone);
// Whether the tz database has `zone` (without changing anything).
bool timezone_exists(const std::string& zone);

CivilTime to_local_civil(WallTime t);
// Nullopt when the fields do not name a real local time (Feb 30, 25:00, ...).
std::optional<WallTime> from_local_civil(const CivilTime& c);

// The process time zone's offset from UTC at `t` (Japan: +9 h), for a caller converting many
// times near `t` without a C library call each.
std::chrono::seconds local_utc_offset(WallTime t);
// Seconds from 1970-01-01 00:00:00 to `c` in its own calendar, no time zone applied (a site-local
// time minus the offset is then UTC). Nullopt when the fields name no real date or time (Feb 30).
std::optional<std::chrono::seconds> civil_seconds(const CivilTime& c);

// "2026-11-22T01:02:03.456Z"
std::string format_iso8601_utc(WallTime t);
// "2026-11-22 10:02:03" in the process time zone.
std::string format_local(WallTime t);
// Parses what format_iso8601_utc writes (milliseconds optional).
std::optional<WallTime> parse_iso8601_utc(std::string_view text);

// "06:30" -> minutes after midnight; exactly HH:MM, 00:00-23:59 (schedules, the inverter's slot
// times). Nothing for anything else.
std::optional<std::chrono::minutes> parse_time_of_day(std::string_view text);
// The inverse: minutes after midnight -> "06:30" (a whole number of days wraps around).
std::string format_time_of_day(std::chrono::minutes minute_of_day);

// "90s", "15m", "1h", "2d", "1w", "1h30m" -> seconds. Nullopt on anything else.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// The one reading of --since / --until for every command: a duration counted back from `now`
// (since) or forward (until), a date ("2026-12-01", local midnight), a local date and time
// ("2026-12-01 06:00" or "2026-12-01T06:00"), or an ISO UTC time ("...Z"). Local means the
// process time zone (the site's in the daemon).
std::optional<WallTime> parse_since(std::string_view text, WallTime now);
std::optional<WallTime> parse_until(std::string_view text, WallTime now);
// What the two accept, for error messages.
inline constexpr const char* kWhenForms =
    "a duration (90s, 15m, 6h, 2d, 1w), a date (2026-12-01) or a date and time (2026-12-01 06:00)";

}  // namespace sb
