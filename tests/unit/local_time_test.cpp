// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "sunbridge/core/local_time.hpp"

using namespace sb;

TEST_CASE("site-local civil time in Asia/Tokyo", "[unit][time]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  auto t = parse_iso8601_utc("2026-06-30T15:00:00.000Z");
  REQUIRE(t);
  CHECK(to_local_civil(*t) == CivilTime{2026, 7, 1, 0, 0, 0});  // Jul 1 local midnight
  CHECK(from_local_civil({2026, 7, 1, 0, 0, 0}) == t);
  CHECK_FALSE(from_local_civil({2026, 2, 30, 0, 0, 0}).has_value());
  CHECK_FALSE(from_local_civil({2026, 1, 1, 24, 0, 0}).has_value());
  // Found by fuzz_forecast (a JMA reportDatetime in year 1013): the same overflow as below.
  CHECK_FALSE(from_local_civil({1013, 11, 18, 11, 0, 0}).has_value());
  CHECK_FALSE(from_local_civil({9999, 11, 18, 11, 0, 0}).has_value());
  CHECK(format_local(*t) == "2026-07-01 00:00:00");
}

TEST_CASE("civil seconds and the zone's offset agree with the C library", "[unit][time]") {
  using std::chrono::seconds;
  CHECK(civil_seconds({1970, 1, 1, 0, 0, 0}) == seconds(0));
  CHECK(civil_seconds({2026, 11, 22, 14, 1, 30}) ==
        seconds(parse_iso8601_utc("2026-11-22T14:01:30Z")->time_since_epoch() / seconds(1)));
  CHECK(civil_seconds({2028, 2, 29, 12, 0, 0}).has_value());  // a leap day
  CHECK_FALSE(civil_seconds({2026, 2, 29, 12, 0, 0}).has_value());
  CHECK_FALSE(civil_seconds({2026, 2, 30, 12, 0, 0}).has_value());
  CHECK_FALSE(civil_seconds({2026, 4, 31, 12, 0, 0}).has_value());
  CHECK_FALSE(civil_seconds({2026, 13, 1, 0, 0, 0}).has_value());
  CHECK_FALSE(civil_seconds({2026, 1, 0, 0, 0, 0}).has_value());
  CHECK_FALSE(civil_seconds({2026, 1, 257, 0, 0, 0}).has_value());  // not wrapped to the 1st
  CHECK_FALSE(civil_seconds({2026, 1, 1, 24, 0, 0}).has_value());
  CHECK_FALSE(civil_seconds({9999, 1, 1, 0, 0, 0}).has_value());

  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  const WallTime t = *parse_iso8601_utc("2026-06-30T15:00:00.000Z");
  CHECK(local_utc_offset(t) == std::chrono::hours(9));
  // Local seconds minus the offset is the instant, as mktime has it.
  CHECK(*civil_seconds({2026, 7, 1, 0, 0, 0}) - local_utc_offset(t) ==
        from_local_civil({2026, 7, 1, 0, 0, 0})->time_since_epoch());
  // A zone that changes: central Europe is UTC+1 in winter and UTC+2 in summer.
  REQUIRE(set_process_timezone("Europe/Berlin").ok());
  CHECK(local_utc_offset(*parse_iso8601_utc("2026-01-15T12:00:00Z")) == std::chrono::hours(1));
  CHECK(local_utc_offset(*parse_iso8601_utc("2026-07-15T12:00:00Z")) == std::chrono::hours(2));
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
}

TEST_CASE("unknown time zones are refused, not silently UTC", "[unit][time]") {
  CHECK_FALSE(set_process_timezone("Asia/Nowhere").ok());
  CHECK_FALSE(timezone_exists("../etc/passwd"));
  CHECK(timezone_exists("UTC"));
}

TEST_CASE("ISO-8601 UTC round trip with milliseconds", "[unit][time]") {
  auto t = parse_iso8601_utc("2026-11-22T01:02:03.456Z");
  REQUIRE(t);
  CHECK(format_iso8601_utc(*t) == "2026-11-22T01:02:03.456Z");
  CHECK(parse_iso8601_utc("2026-11-22T01:02:03Z") == *t - std::chrono::milliseconds(456));
  CHECK_FALSE(parse_iso8601_utc("2026-11-22 01:02:03").has_value());
  CHECK_FALSE(parse_iso8601_utc("2026-13-22T01:02:03Z").has_value());
  // Found by fuzz_remote: year 1013 overflowed system_clock's nanoseconds (undefined behaviour).
  CHECK_FALSE(parse_iso8601_utc("1013-11-18T11:05:00Z").has_value());
  CHECK_FALSE(parse_iso8601_utc("9999-11-18T11:05:00Z").has_value());
}

TEST_CASE("durations for --since", "[unit][time]") {
  CHECK(parse_duration("90s") == std::chrono::seconds(90));
  CHECK(parse_duration("15m") == std::chrono::seconds(900));
  CHECK(parse_duration("1h30m") == std::chrono::seconds(5400));
  CHECK(parse_duration("2d") == std::chrono::seconds(172800));
  CHECK_FALSE(parse_duration("1").has_value());
  CHECK_FALSE(parse_duration("h").has_value());
  CHECK(parse_duration("1w") == std::chrono::seconds(604800));
  CHECK_FALSE(parse_duration("1y").has_value());
  CHECK_FALSE(parse_duration("").has_value());
}

TEST_CASE("since and until: durations, dates and date-times in the site's zone", "[unit][time]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  const WallTime now = *parse_iso8601_utc("2026-12-02T03:00:00Z");  // 12:00 in Japan
  CHECK(parse_since("6h", now) == now - std::chrono::hours(6));
  CHECK(parse_since("1w", now) == now - std::chrono::hours(24 * 7));
  CHECK(parse_until("1w2d", now) == now + std::chrono::hours(24 * 9));
  CHECK(parse_since("2026-12-01", now) == parse_iso8601_utc("2026-11-30T15:00:00Z"));
  CHECK(parse_since("2026-12-01 06:00", now) == parse_iso8601_utc("2026-11-30T21:00:00Z"));
  CHECK(parse_since("2026-12-01T06:00:30", now) == parse_iso8601_utc("2026-11-30T21:00:30Z"));
  CHECK(parse_since("2026-12-01T06:00:00.000Z", now) == parse_iso8601_utc("2026-12-01T06:00:00Z"));
  for (const char* bad : {"", "yesterday", "7", "1y", "2026-13-01", "2026-12-01 25:00",
                          "2026-12-01x", "2026-12-1", "2026-12-01 06:00 extra"}) {
    INFO(bad);
    CHECK_FALSE(parse_since(bad, now));
  }
}

TEST_CASE("times of day: HH:MM read strictly and written back", "[unit][time]") {
  using std::chrono::minutes;
  CHECK(parse_time_of_day("06:30") == minutes(390));
  CHECK_FALSE(parse_time_of_day("24:00"));
  CHECK_FALSE(parse_time_of_day("6:30"));
  CHECK(format_time_of_day(minutes(390)) == "06:30");
  CHECK(format_time_of_day(minutes(0)) == "00:00");
  CHECK(format_time_of_day(minutes(23 * 60 + 59)) == "23:59");
  CHECK(format_time_of_day(minutes(24 * 60 + 5)) == "00:05");  // the next day wraps
  for (int m = 0; m < 24 * 60; m += 7)
    CHECK(parse_time_of_day(format_time_of_day(minutes(m))) == minutes(m));
}
