// SPDX-License-Identifier: Apache-2.0
// Which values of the profile parameters should be active now, and why: a pure function of the
// local date and time, the configured profile, the classified forecast, the overrides and the
// remembered weather mode (for hysteresis). Tables and rules: docs/owner-guide.md.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/forecast.hpp"
#include "sunbridge/domain/profile.hpp"

namespace sb::domain {

struct WeatherPolicy {
  int streak_days = 3;              // a sunny / rainy spell: this many consecutive days forecast
  int exit_streak_days = 2;         // an active spell holds while this many days are still forecast
  std::chrono::hours min_hold{24};  // no weather-mode change sooner after the last one
  double heat_c = 35.0;             // served day's max >= this: high demand
  double cold_c = -2.0;             // served day's min <= this: high demand
  std::chrono::hours forecast_max_age{36};  // older forecasts are no forecast at all
  int away_min_days = 3;                    // shorter absences change nothing
  // The guide's rule for a long absence: Type A's sunny ("energy saving") row, whatever the
  // mode. A profile with sunny rows of its own uses them.
  std::string away_profile = "type-a";

  // Whether a forecast fetched at `fetched_at` still counts at `now` (older: no forecast at all).
  [[nodiscard]] bool forecast_current(WallTime fetched_at, WallTime now) const {
    return now - fetched_at <= forecast_max_age;
  }
};

struct Overrides {
  struct Hold {
    WallTime until{};  // keep the inverter's current values until then
  };
  struct Away {
    Date from, to;  // inclusive local dates
  };
  struct Pin {
    std::string profile;
    WeatherMode weather = WeatherMode::kNormal;
    WallTime until{};
  };
  std::optional<Hold> hold;
  std::optional<Away> away;
  std::optional<Pin> pin;
  // Drops the overrides that have ended by `now` (served day past the away end).
  void expire(WallTime now, Date served_day);
  [[nodiscard]] bool empty() const { return !hold && !away && !pin; }
};

// The weather mode in force and since when (persisted: hysteresis must survive a restart).
struct WeatherMemory {
  WeatherMode mode = WeatherMode::kNormal;
  std::optional<WallTime> since;
  bool operator==(const WeatherMemory&) const = default;
};

struct SelectionInput {
  WallTime now{};
  const Profile* profile = nullptr;         // the configured mode (required)
  const ProfileLibrary* library = nullptr;  // resolves a pinned profile
  const Forecast* forecast = nullptr;       // nullptr: no forecast
  Overrides overrides;
  WeatherMemory memory;
  WeatherPolicy policy;
};

struct Selection {
  bool hold = false;  // keep the inverter as it is (a hold override)
  std::optional<WallTime> hold_until;
  std::string profile;
  std::string season;
  WeatherMode weather = WeatherMode::kNormal;
  bool weather_rows = false;  // whether the profile has weather rows (part of the key)
  SettingValues values;
  std::string source;  // "schedule", "weather", "override"
  std::string reason;  // one line a homeowner can read
  WeatherMemory memory;
  // "type-b/winter", "type-a/summer/sunny" (points.md profile.active).
  [[nodiscard]] std::string key() const;
};

// The day the next night charge serves: the date of the next 07:00 (day tariff) in local time.
Date served_day(const CivilTime& local);

Selection select(const SelectionInput& in);

// The profile whose sunny row an absence uses this month: the configured one when it has sunny
// rows, else the policy's away profile; nullptr when neither has one (an absence changes
// nothing).
const Profile* away_profile(const SelectionInput& in, int month);

struct PlannedChange {
  WallTime at{};
  std::string key;
  SettingValues values;
  std::vector<std::string> changed;  // LCD ids whose value differs from the previous entry
  std::string reason;
  bool hold = false;
  std::string source;  // as Selection::source: "override" marks a hold, an absence or a pin
};

// What select() would choose hour by hour from `in.now` for `horizon`, with the forecast as it
// is now (beyond its last day: no forecast). The first entry is the current selection; later
// entries only where the values (or a hold) change. Stops after `max_entries` entries (the next
// change alone needs 2, not a year of hourly evaluations).
std::vector<PlannedChange> plan(const SelectionInput& in, std::chrono::hours horizon,
                                std::size_t max_entries = static_cast<std::size_t>(-1));

}  // namespace sb::domain
