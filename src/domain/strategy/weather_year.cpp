// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/strategy/weather_year.hpp"

#include <algorithm>

#include "sunbridge/domain/strategy/calendar.hpp"
#include "sunbridge/domain/strategy/random.hpp"

namespace sb::domain::strategy {

namespace {

constexpr int kDaysPerMonthNominal[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
// Middle day of each month (day of year), for its daylight.
constexpr int kMidMonthDay[12] = {16, 46, 75, 106, 136, 167, 197, 228, 259, 289, 320, 350};

DayWeather draw(const std::array<double, kDayWeatherCount>& p, SeededRandom& rng) {
  const double u = rng.uniform();
  if (u < p[0]) return DayWeather::kSunny;
  if (u < p[0] + p[1]) return DayWeather::kNormal;
  return DayWeather::kRainy;
}

}  // namespace

const char* to_string(DayWeather w) {
  switch (w) {
    case DayWeather::kSunny:
      return "sunny";
    case DayWeather::kNormal:
      return "normal";
    case DayWeather::kRainy:
      return "rainy";
  }
  return "?";
}

std::array<double, kDayWeatherCount> month_frequencies(const Climate& climate, const PvSite& site,
                                                       int month) {
  const int m = std::clamp(month, 1, 12) - 1;
  const double days = kDaysPerMonthNominal[m];
  const double share_needed =
      climate.months[m].sunshine_h / (days * daylight_hours(site, kMidMonthDay[m]));
  const double rainy = std::clamp(climate.months[m].rain_days / days, 0.0, 1.0);
  const auto& s = climate.sunshine_share;
  // share_needed = ps * s0 + (1 - ps - pr) * s1 + pr * s2, solved for ps.
  double sunny = (share_needed - s[1] + rainy * (s[1] - s[2])) / (s[0] - s[1]);
  sunny = std::clamp(sunny, 0.0, 1.0 - rainy);
  return {sunny, 1.0 - sunny - rainy, rainy};
}

double expected_sunshine_hours(const Climate& climate, const PvSite& site) {
  double hours = 0;
  for (int m = 1; m <= 12; ++m) {
    const auto p = month_frequencies(climate, site, m);
    double share = 0;
    for (int k = 0; k < kDayWeatherCount; ++k)
      share += p[k] * climate.sunshine_share[k];
    hours += share * kDaysPerMonthNominal[m - 1] * daylight_hours(site, kMidMonthDay[m - 1]);
  }
  return hours;
}

double sunshine_hours(const WeatherYear& year, const Climate& climate, const PvSite& site) {
  double hours = 0;
  for (std::size_t d = 0; d < year.days.size(); ++d) {
    hours += climate.sunshine_share[static_cast<int>(year.days[d])] *
             daylight_hours(site, static_cast<int>(d) + 1);
  }
  return hours;
}

WeatherYear generate_weather_year(int year, std::uint64_t seed, const Climate& climate,
                                  const PvSite& site, const ForecastSkill& skill) {
  WeatherYear out;
  out.year = year;
  const int n = days_in_year(year);
  std::array<std::array<double, kDayWeatherCount>, 12> freq{};
  for (int m = 1; m <= 12; ++m)
    freq[m - 1] = month_frequencies(climate, site, m);
  SeededRandom days_rng(seed);
  out.days.reserve(static_cast<std::size_t>(n));
  for (int d = 0; d < n; ++d) {
    const auto& p = freq[month_of(year, d) - 1];
    if (d > 0 && days_rng.uniform() < climate.persistence) {
      out.days.push_back(out.days.back());
    } else {
      out.days.push_back(draw(p, days_rng));
    }
  }
  // Forecasts from their own stream: changing the skill never changes the weather itself.
  SeededRandom forecast_rng(seed ^ 0x5EEDF0CA57ULL);
  out.forecasts.resize(static_cast<std::size_t>(n));
  for (int d = 0; d < n; ++d) {
    for (std::size_t k = 0; k < skill.hit_rate.size(); ++k) {
      const int target = d + 1 + static_cast<int>(k);
      // Beyond the year's end the weather is not known: the forecast is climatology.
      const int month = month_of(year, std::min(target, n - 1));
      const bool hit = forecast_rng.uniform() < skill.hit_rate[k];
      const DayWeather guess = draw(freq[month - 1], forecast_rng);
      out.forecasts[static_cast<std::size_t>(d)].push_back(
          hit && target < n ? out.days[static_cast<std::size_t>(target)] : guess);
    }
  }
  return out;
}

}  // namespace sb::domain::strategy
