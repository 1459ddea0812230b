// SPDX-License-Identifier: Apache-2.0
// Forecast parsing and day classification (site-jp.md section 5) on recorded-shape fixtures
// (tests/fixtures/weather), and the HTTP fetch against a server on 127.0.0.1.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "sunbridge/adapters/curl_outbound.hpp"
#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/adapters/weather.hpp"
#include "sunbridge/core/local_time.hpp"
#include "testkit/http_server.hpp"

using namespace sb;
using namespace std::chrono_literals;
using domain::DayKind;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(SUNBRIDGE_SOURCE_DIR) + "/tests/fixtures/weather/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  REQUIRE(!s.str().empty());
  return s.str();
}

const domain::DayForecast& day(const domain::Forecast& f, int y, int m, int d) {
  auto date = domain::parse_date([&] {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return std::string(buf);
  }());
  const domain::DayForecast* found = f.day(*date);
  INFO("day " << y << "-" << m << "-" << d);
  REQUIRE(found != nullptr);
  return *found;
}

}  // namespace

TEST_CASE("JMA codes: leading digit, and 1xx with rain only sunny under 30 % rain", "[weather]") {
  using adapters::classify_jma_code;
  CHECK(classify_jma_code("100", std::nullopt) == DayKind::kSunny);
  CHECK(classify_jma_code("101", 80.0) == DayKind::kSunny);  // sunny then cloudy: no rain
  CHECK(classify_jma_code("102", 30.0) == DayKind::kSunny);  // sunny, rain at times
  CHECK(classify_jma_code("102", 40.0) == DayKind::kCloudy);
  CHECK(classify_jma_code("103", std::nullopt) == DayKind::kCloudy);  // unconfirmed: not sunny
  CHECK(classify_jma_code("200", 0.0) == DayKind::kCloudy);
  CHECK(classify_jma_code("202", 0.0) == DayKind::kCloudy);
  CHECK(classify_jma_code("300", 0.0) == DayKind::kRainy);
  CHECK(classify_jma_code("400", 0.0) == DayKind::kSnowy);
  CHECK(classify_jma_code("", 0.0) == DayKind::kUnknown);
  CHECK(classify_jma_code("1x0", 0.0) == DayKind::kUnknown);
  CHECK(classify_jma_code("500", 0.0) == DayKind::kUnknown);
}

TEST_CASE("JMA 11:00 issue: days matched by timeDefines, 7-day fills the rest", "[weather]") {
  REQUIRE(set_process_timezone("Asia/Tokyo"));
  auto f = adapters::parse_jma(fixture("jma-370000-1100.json"));
  REQUIRE(f);
  CHECK(f->provider == "jma");
  CHECK(format_local(f->issued_at) == "2026-07-12 11:00:00");
  REQUIRE(f->days.size() == 7);  // Jul 12-18
  CHECK(day(*f, 2026, 7, 12).kind == DayKind::kSunny);
  CHECK(day(*f, 2026, 7, 12).temp_max_c == 33);
  CHECK(day(*f, 2026, 7, 12).rain_probability_pct == 10);  // 12-18 slot only
  CHECK_FALSE(day(*f, 2026, 7, 12).temp_min_c);            // "" in both reports
  CHECK(day(*f, 2026, 7, 13).kind == DayKind::kRainy);
  CHECK(day(*f, 2026, 7, 13).rain_probability_pct == 80);  // max of 06-12 and 12-18
  CHECK(day(*f, 2026, 7, 13).temp_min_c == 26);            // the 3-day detail wins
  CHECK(day(*f, 2026, 7, 13).temp_max_c == 29);
  CHECK(day(*f, 2026, 7, 14).kind == DayKind::kSunny);
  CHECK(day(*f, 2026, 7, 14).temp_max_c == 35);  // from the 7-day report
  CHECK(day(*f, 2026, 7, 15).kind == DayKind::kSunny);
  CHECK(day(*f, 2026, 7, 17).kind == DayKind::kSunny);  // 110: sunny then cloudy
  CHECK(day(*f, 2026, 7, 18).kind == DayKind::kCloudy);
}

TEST_CASE("JMA 17:00 issue: the shifted index does not shift the days", "[weather]") {
  REQUIRE(set_process_timezone("Asia/Tokyo"));
  auto f = adapters::parse_jma(fixture("jma-370000-1700.json"));
  REQUIRE(f);
  REQUIRE(f->days.size() == 8);  // Jul 12 (detail) + Jul 13-19
  CHECK(day(*f, 2026, 7, 12).kind == DayKind::kSunny);
  CHECK_FALSE(day(*f, 2026, 7, 12).rain_probability_pct);  // only the 18:00 slot remains
  CHECK(day(*f, 2026, 7, 13).kind == DayKind::kRainy);
  CHECK(day(*f, 2026, 7, 13).rain_probability_pct == 80);
  CHECK(day(*f, 2026, 7, 13).temp_min_c == 26);
  CHECK(day(*f, 2026, 7, 14).temp_min_c == 25);
  CHECK(day(*f, 2026, 7, 19).kind == DayKind::kRainy);
}

TEST_CASE("JMA: a changed shape is Malformed with a reason, never a guess", "[weather]") {
  CHECK(adapters::parse_jma("not json").error().kind == ErrorKind::kMalformed);
  CHECK(adapters::parse_jma("[]").error().detail.find("2 reports") != std::string::npos);
  auto doc = nlohmann::json::parse(fixture("jma-370000-1100.json"));
  doc[0]["timeSeries"][0]["areas"][0]["area"]["code"] = "999999";
  doc[0]["timeSeries"][0]["areas"][1]["area"]["code"] = "999998";
  CHECK(adapters::parse_jma(doc.dump()).error().detail.find("area 370010") != std::string::npos);
  doc = nlohmann::json::parse(fixture("jma-370000-1100.json"));
  doc[0]["timeSeries"][0]["areas"][0]["weatherCodes"].erase(0);
  CHECK(adapters::parse_jma(doc.dump()).error().detail.find("do not match timeDefines") !=
        std::string::npos);
  doc = nlohmann::json::parse(fixture("jma-370000-1100.json"));
  doc[1]["timeSeries"][0]["timeDefines"][2] = 42;
  CHECK_FALSE(adapters::parse_jma(doc.dump()));
}

TEST_CASE("Open-Meteo: classified by energy, nulls are unknown, snow kept apart", "[weather]") {
  auto f = adapters::parse_open_meteo(fixture("open-meteo-takamatsu.json"));
  REQUIRE(f);
  REQUIRE(f->days.size() == 7);
  CHECK(f->days[0].kind == DayKind::kCloudy);  // 50 % of daylight
  CHECK(f->days[1].kind == DayKind::kRainy);   // 12.4 mm
  CHECK(f->days[2].kind == DayKind::kSnowy);   // 6 mm, code 73
  CHECK(f->days[2].temp_min_c == -3.0);
  CHECK(f->days[3].kind == DayKind::kSunny);    // 83 % of daylight
  CHECK(f->days[5].kind == DayKind::kRainy);    // 75 % probability
  CHECK(f->days[6].kind == DayKind::kUnknown);  // all null
  CHECK_FALSE(f->days[6].temp_max_c);
}

TEST_CASE("Open-Meteo: arrays of the wrong length or dates out of order are Malformed",
          "[weather]") {
  auto doc = nlohmann::json::parse(fixture("open-meteo-takamatsu.json"));
  doc["daily"]["precipitation_sum"].erase(0);
  CHECK(adapters::parse_open_meteo(doc.dump()).error().detail.find("precipitation_sum") !=
        std::string::npos);
  doc = nlohmann::json::parse(fixture("open-meteo-takamatsu.json"));
  doc["daily"]["time"][3] = "2026-01-01";
  CHECK(adapters::parse_open_meteo(doc.dump()).error().detail.find("ascending") !=
        std::string::npos);
  CHECK_FALSE(adapters::parse_open_meteo(R"({"daily": {"time": []}})"));
}

TEST_CASE("a forecast survives the JSON round trip of the cache", "[weather]") {
  auto f = adapters::parse_open_meteo(fixture("open-meteo-takamatsu.json"));
  REQUIRE(f);
  f->fetched_at = f->issued_at = WallTime(std::chrono::milliseconds(1'780'000'000'000));
  auto back = adapters::forecast_from_json(adapters::forecast_to_json(*f));
  REQUIRE(back);
  CHECK(back->days == f->days);
  CHECK(back->fetched_at == f->fetched_at);
}

TEST_CASE("providers fetch over HTTP from 127.0.0.1, errors are values", "[weather][http]") {
  testkit::HttpServer server;
  server.respond(200, fixture("open-meteo-takamatsu.json"));
  adapters::WeatherSource source;
  source.provider = "open-meteo";
  source.url = server.url("/v1/forecast?latitude=34.34");
  source.http.timeout = 2s;
  auto curl = adapters::make_curl_outbound();
  auto provider = adapters::make_weather_provider(source, *curl);
  const WallTime now = WallTime(std::chrono::seconds(1'780'000'000));
  auto f = provider->fetch(now);
  REQUIRE(f);
  CHECK(f->fetched_at == now);
  CHECK(f->days.size() == 7);
  CHECK(server.request_lines().at(0) == "GET /v1/forecast?latitude=34.34 HTTP/1.1");

  server.respond(503, "busy");
  auto e = provider->fetch(now);
  REQUIRE_FALSE(e);
  CHECK(e.error().detail.find("HTTP 503") != std::string::npos);

  server.respond(200, "<html>changed</html>");
  CHECK(provider->fetch(now).error().kind == ErrorKind::kMalformed);

  server.respond(200, "{}", 3000ms);
  CHECK(provider->fetch(now).error().kind == ErrorKind::kTimeout);

  source.url = "http://127.0.0.1:1/";  // nothing listens on port 1
  CHECK(adapters::make_weather_provider(source, *curl)->fetch(now).error().kind ==
        ErrorKind::kDisconnected);
}

TEST_CASE("the file provider reads the same JSON from disk", "[weather]") {
  auto outbound = adapters::make_curl_outbound();  // never used by the file provider
  adapters::WeatherSource source;
  source.provider = "file";
  source.format = "jma";
  source.path = std::string(SUNBRIDGE_SOURCE_DIR) + "/tests/fixtures/weather/jma-370000-1100.json";
  auto f = adapters::make_weather_provider(source, *outbound)->fetch(WallTime{});
  REQUIRE(f);
  CHECK(f->provider == "file");
  CHECK(f->days.size() == 7);
  source.path = "/nonexistent/forecast.json";
  CHECK_FALSE(adapters::make_weather_provider(source, *outbound)->fetch(WallTime{}));
  source.provider = "none";
  CHECK(adapters::make_weather_provider(source, *outbound) == nullptr);
}
