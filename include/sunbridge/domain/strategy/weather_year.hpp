// SPDX-License-Identifier: Apache-2.0
// A seeded year of sunny / normal / rainy days with the site's monthly frequencies, and the
// forecasts of it a strategy could have read each evening (docs/strategy.md "Weather").
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "sunbridge/domain/strategy/solar.hpp"

namespace sb::domain::strategy {

enum class DayWeather { kSunny, kNormal, kRainy };
inline constexpr int kDayWeatherCount = 3;
const char* to_string(DayWeather w);

struct MonthClimate {
  double sunshine_h = 0;  // hours of bright sunshine in the month
  double rain_days = 0;   // days with 1 mm of rain or more
};

struct Climate {
  // Takamatsu: monthly sunshine scaled to the ~2,050 h a year of the site facts; rain days as
  // in the long-term normals (rounded). Configuration: another site brings its own.
  std::array<MonthClimate, 12> months{{{140, 5.5},
                                       {145, 6.7},
                                       {176, 9.3},
                                       {194, 9.0},
                                       {209, 9.1},
                                       {160, 11.4},
                                       {192, 9.6},
                                       {219, 6.8},
                                       {162, 9.4},
                                       {166, 7.0},
                                       {145, 6.1},
                                       {142, 5.4}}};
  // Bright sunshine on a day of each kind, as a share of the daylight hours.
  std::array<double, kDayWeatherCount> sunshine_share{0.85, 0.45, 0.08};
  // Sunlight on the panels as a share of clear sky: a + b * sunshine share (the
  // Angstrom-Prescott relation, taken relative to a clear sky).
  double angstrom_a = 0.2;
  double angstrom_b = 0.8;
  // The chance that a day simply repeats the day before (spells); the rest is drawn from the
  // month's frequencies, so the frequencies hold whatever this is.
  double persistence = 0.45;
  [[nodiscard]] double plane_factor(DayWeather w) const {
    return angstrom_a + angstrom_b * sunshine_share[static_cast<int>(w)];
  }
};

// How often a forecast is right, by lead: [0] = tomorrow, [1] = the day after, ... A miss is a
// draw from the month's frequencies (so it can be right by chance).
struct ForecastSkill {
  std::vector<double> hit_rate{0.85, 0.75, 0.68, 0.62, 0.57, 0.53, 0.5};
};

struct WeatherYear {
  int year = 2025;
  std::vector<DayWeather> days;  // day of year - 1
  // forecasts[d][k]: issued on the evening of day d for day d + 1 + k.
  std::vector<std::vector<DayWeather>> forecasts;
};

// Probability of each kind in `month` (1-12), so that the expected sunshine matches the climate.
std::array<double, kDayWeatherCount> month_frequencies(const Climate& climate, const PvSite& site,
                                                       int month);
// The sunshine hours a year of these frequencies has on average.
double expected_sunshine_hours(const Climate& climate, const PvSite& site);
// Sunshine hours of one generated year.
double sunshine_hours(const WeatherYear& year, const Climate& climate, const PvSite& site);

WeatherYear generate_weather_year(int year, std::uint64_t seed, const Climate& climate,
                                  const PvSite& site, const ForecastSkill& skill);

}  // namespace sb::domain::strategy
