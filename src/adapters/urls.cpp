// SPDX-License-Identifier: Apache-2.0
// Addresses, apart from the clients that use them (Paho, libcurl): the configuration checks
// them and fills in defaults, and the homeowner CLI reads the configuration without those
// libraries.
#include <cstdio>
#include <string>

#include "sunbridge/adapters/urls.hpp"
#include "sunbridge/adapters/weather.hpp"

namespace sb::adapters {

namespace {

std::string host_of(const std::string& url) {
  std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  if (!rest.empty() && rest[0] == '[') return rest.substr(1, rest.find(']') - 1);  // [::1]:1883
  return rest.substr(0, rest.find(':'));
}

}  // namespace

bool is_loopback_url(const std::string& url) {
  return is_loopback_host(host_of(url));
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string default_jma_url(const std::string& office) {
  return "https://www.jma.go.jp/bosai/forecast/data/forecast/" + office + ".json";
}

std::string default_open_meteo_url(double latitude, double longitude, const std::string& timezone) {
  std::string tz;
  for (char c : timezone)
    tz += c == '/' ? std::string("%2F") : std::string(1, c);
  char coords[80];
  std::snprintf(coords, sizeof coords, "latitude=%.4f&longitude=%.4f", latitude, longitude);
  return std::string("https://api.open-meteo.com/v1/forecast?") + coords +
         "&daily=weather_code,sunshine_duration,daylight_duration,shortwave_radiation_sum,"
         "precipitation_sum,precipitation_probability_max,temperature_2m_max,temperature_2m_min"
         "&timezone=" +
         tz + "&forecast_days=7";
}

}  // namespace sb::adapters
