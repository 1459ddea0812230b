// SPDX-License-Identifier: Apache-2.0
// Settings profiles as data: which values of the four profile parameters (LCD 07, 10, 41, 62)
// apply in which month and weather, and the fixed baseline that profiles never change.
// Files: profiles/*.json (schema "sunbridge.profile/1" and "sunbridge.baseline/1").
// Tables: docs/owner-guide.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sunbridge/core/point.hpp"
#include "sunbridge/core/schema.hpp"

namespace sb::domain {

// The rows of a profile: the normal row, or the row for a 3+ day sunny / rainy spell
// (profiles.md section 6).
enum class WeatherMode { kNormal, kSunny, kRainy };
const char* to_string(WeatherMode mode);
std::optional<WeatherMode> weather_mode_from(std::string_view text);

// LCD parameter id ("07") -> value in the LCD's unit: a number (A, min, %, V, Hz) or text
// ("03:00", "SBU").
using SettingValues = std::map<std::string, PointValue>;

// The parameters the profile engine owns (profiles.md, first paragraph), in write order.
const std::vector<std::string>& profile_parameters();

// "60", "45.2", "03:00", "SBU".
std::string format_setting(const PointValue& value);
// Whether two setting values are the same (numbers to within 1e-6).
bool same_setting(const PointValue& a, const PointValue& b);

struct ProfileRow {
  std::string season;       // "winter", "spring-autumn", "summer"
  std::vector<int> months;  // 1-12
  WeatherMode weather = WeatherMode::kNormal;
  SettingValues values;  // exactly the profile parameters
};

class Profile {
 public:
  // Parses and checks a profile document: schema, value ranges, and coverage (every month has
  // exactly one normal row; at most one row per month and weather). All problems go to `issues`.
  static std::optional<Profile> from_json(std::string_view text, schema::Issues& issues);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& description() const { return description_; }
  [[nodiscard]] const std::vector<ProfileRow>& rows() const { return rows_; }
  // The row for `month` and `weather`; nullptr when the profile has none (e.g. Type B has no
  // weather rows).
  [[nodiscard]] const ProfileRow* find(int month, WeatherMode weather) const;

 private:
  std::string name_;
  std::string description_;
  std::vector<ProfileRow> rows_;
};

struct Baseline {
  static std::optional<Baseline> from_json(std::string_view text, schema::Issues& issues);
  SettingValues values;
};

// The profiles a daemon can choose from: the shipped ones plus the user's own files.
class ProfileLibrary {
 public:
  // Adds or replaces (a user file may refine a shipped profile of the same name).
  void add(Profile profile);
  [[nodiscard]] const Profile* find(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  std::map<std::string, Profile, std::less<>> profiles_;
};

schema::Schema profile_schema();
schema::Schema baseline_schema();

}  // namespace sb::domain
