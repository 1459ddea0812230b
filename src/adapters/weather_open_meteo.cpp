// SPDX-License-Identifier: Apache-2.0
// Open-Meteo daily forecast: arrays parallel to daily.time, null = missing. The daily weather
// code is the day's *worst* weather, so days are classified by energy (site-jp.md section 5).
#include <nlohmann/json.hpp>

#include "sunbridge/adapters/weather.hpp"

namespace sb::adapters {

using domain::DayKind;
using nlohmann::json;

namespace {

Result<domain::Forecast> malformed(const std::string& why) {
  return Error::malformed("Open-Meteo forecast: " + why);
}

std::optional<double> at(const json* arr, std::size_t i) {
  if (arr == nullptr || !(*arr)[i].is_number()) return std::nullopt;
  return (*arr)[i].get<double>();
}

bool snow_code(std::optional<double> code) {
  if (!code) return false;
  const int c = static_cast<int>(*code);
  return (c >= 71 && c <= 77) || c == 85 || c == 86;  // WMO snow fall, grains, showers
}

}  // namespace

Result<domain::Forecast> parse_open_meteo(std::string_view text, const OpenMeteoOptions& o) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return malformed("not JSON");
  if (!doc.is_object() || !doc.contains("daily") || !doc["daily"].is_object()) {
    return malformed("no daily object");
  }
  const json& daily = doc["daily"];
  if (!daily.contains("time") || !daily["time"].is_array()) return malformed("no daily.time");
  const json& time = daily["time"];
  const std::size_t n = time.size();
  if (n == 0) return malformed("no days");
  // Optional arrays: absent, or exactly as long as daily.time.
  std::string problem;
  auto column = [&](const char* key) -> const json* {
    if (!daily.contains(key)) return nullptr;
    const json& v = daily[key];
    if (!v.is_array() || v.size() != n) {
      problem = std::string("daily.") + key + " is not an array as long as daily.time";
      return nullptr;
    }
    return &v;
  };
  const json* code = column("weather_code");
  const json* sunshine = column("sunshine_duration");
  const json* daylight = column("daylight_duration");
  const json* precip = column("precipitation_sum");
  const json* pop = column("precipitation_probability_max");
  const json* tmax = column("temperature_2m_max");
  const json* tmin = column("temperature_2m_min");
  if (!problem.empty()) return malformed(problem);

  domain::Forecast f;
  f.provider = "open-meteo";
  for (std::size_t i = 0; i < n; ++i) {
    if (!time[i].is_string())
      return malformed("daily.time[" + std::to_string(i) + "] is not a date");
    auto date = domain::parse_date(time[i].get<std::string>());
    if (!date) return malformed("daily.time[" + std::to_string(i) + "] is not a date");
    if (!f.days.empty() &&
        std::chrono::sys_days(*date) <= std::chrono::sys_days(f.days.back().date)) {
      return malformed("daily.time is not ascending");
    }
    domain::DayForecast d;
    d.date = *date;
    d.temp_max_c = at(tmax, i);
    d.temp_min_c = at(tmin, i);
    d.rain_probability_pct = at(pop, i);
    const auto mm = at(precip, i);
    const auto sun_s = at(sunshine, i);
    const auto day_s = at(daylight, i);
    if ((mm && *mm >= o.rainy_precipitation_mm) ||
        (d.rain_probability_pct && *d.rain_probability_pct >= o.rainy_probability_pct)) {
      d.kind = snow_code(at(code, i)) ? DayKind::kSnowy : DayKind::kRainy;
    } else if (sun_s && day_s && *day_s > 0) {
      d.kind = *sun_s >= o.sunny_sunshine_fraction * *day_s ? DayKind::kSunny : DayKind::kCloudy;
    } else {
      d.kind = DayKind::kUnknown;  // not enough to tell: never guessed
    }
    f.days.push_back(d);
  }
  return f;
}

}  // namespace sb::adapters
