// SPDX-License-Identifier: Apache-2.0
// Weather forecasts for the profile engine: parsers for the JMA and Open-Meteo JSON documents
// (pure functions on text that classify each day), and providers that fetch them over HTTPS or
// read the same JSON from a file. Classification rules: docs/weather.md.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sunbridge/core/result.hpp"
#include "sunbridge/domain/forecast.hpp"

namespace sb::adapters {

struct JmaOptions {
  std::string area_code = "370010";       // 3-day detail: Kagawa east (Takamatsu)
  std::string week_area_code = "370000";  // 7-day: the prefecture
  std::string station_code = "72086";     // temperatures: Takamatsu
  double max_rain_probability_for_sunny_pct = 30;
};

// A JMA weather code ("101") -> day kind; `daytime_pop_pct` decides the "1xx with rain" codes.
domain::DayKind classify_jma_code(std::string_view code, std::optional<double> daytime_pop_pct,
                                  const JmaOptions& options = {});
// The office forecast document (forecast/370000.json). Malformed when its shape is not the
// documented one (it is not an official API and can change).
Result<domain::Forecast> parse_jma(std::string_view text, const JmaOptions& options = {});

struct OpenMeteoOptions {
  double sunny_sunshine_fraction = 0.6;  // of daylight
  double rainy_precipitation_mm = 5.0;
  double rainy_probability_pct = 70.0;
};
Result<domain::Forecast> parse_open_meteo(std::string_view text,
                                          const OpenMeteoOptions& options = {});

// HTTPS GET with libcurl (in sb_adapters_curl: sunbridge-fetch's, not the daemon's): certificate
// checks on, a total timeout and a size cap.
struct HttpOptions {
  std::chrono::seconds timeout{20};
  std::size_t max_bytes = 2 * 1024 * 1024;
  std::string user_agent = "sunbridge";
};
Result<std::string> http_get(const std::string& url, const HttpOptions& options = {});

class WeatherProvider {
 public:
  virtual ~WeatherProvider() = default;
  // Fetches and parses; fetched_at is set to `now`.
  virtual Result<domain::Forecast> fetch(WallTime now) = 0;
  [[nodiscard]] virtual std::string describe() const = 0;
};

struct WeatherSource {
  std::string provider = "none";      // jma | open-meteo | file | none
  std::string url;                    // jma / open-meteo (defaults from site-jp.md section 5)
  std::string path;                   // file
  std::string format = "open-meteo";  // file: jma | open-meteo
  JmaOptions jma;
  OpenMeteoOptions open_meteo;
  HttpOptions http;
};
class Outbound;
// Whether `source` is fetched over the network (jma, open-meteo), so through an Outbound.
bool fetched_over_network(const WeatherSource& source);
// Nullptr for provider "none". The HTTP providers fetch through `outbound`, which must outlive
// the provider.
std::unique_ptr<WeatherProvider> make_weather_provider(const WeatherSource& source,
                                                       Outbound& outbound);

std::string default_jma_url(const std::string& office = "370000");
std::string default_open_meteo_url(double latitude, double longitude, const std::string& timezone);

}  // namespace sb::adapters
