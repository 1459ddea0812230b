// SPDX-License-Identifier: Apache-2.0
// The profile selection as a pure function of time, forecast, overrides and memory
// (profiles.md sections 1-3 and 6).
#include <catch2/catch.hpp>

#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/selection.hpp"

using namespace sb;
using namespace std::chrono_literals;
using domain::DayKind;
using domain::WeatherMode;

namespace {

WallTime local(int y, int mo, int d, int h = 12, int mi = 0, int s = 0) {
  auto t = from_local_civil({y, mo, d, h, mi, s});
  REQUIRE(t);
  return *t;
}

domain::Date date(int y, int m, int d) {
  return domain::Date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                      std::chrono::day(static_cast<unsigned>(d))};
}

// Days from (y, m, d) with the given kinds (S sunny, C cloudy, R rainy, N snowy, ? unknown).
domain::Forecast forecast(WallTime fetched, int y, int m, int d, const std::string& kinds) {
  domain::Forecast f;
  f.provider = "test";
  f.issued_at = f.fetched_at = fetched;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    DayKind k = kinds[i] == 'S'   ? DayKind::kSunny
                : kinds[i] == 'C' ? DayKind::kCloudy
                : kinds[i] == 'R' ? DayKind::kRainy
                : kinds[i] == 'N' ? DayKind::kSnowy
                                  : DayKind::kUnknown;
    f.days.push_back({domain::Date{std::chrono::sys_days(date(y, m, d)) + std::chrono::days(i)}, k,
                      25.0, 15.0, std::nullopt});
  }
  return f;
}

struct Fixture {
  Fixture() { REQUIRE(set_process_timezone("Asia/Tokyo")); }
  domain::ProfileLibrary lib = app::load_profile_library("");
  domain::SelectionInput input(const char* profile, WallTime now) {
    domain::SelectionInput in;
    in.now = now;
    in.profile = lib.find(profile);
    in.library = &lib;
    return in;
  }
};

double v(const domain::Selection& s, const char* lcd) {
  return std::get<double>(s.values.at(lcd));
}

}  // namespace

TEST_CASE_METHOD(Fixture, "Type B changes exactly at local midnight of Dec 1, Apr 1, Jul 1, Oct 1",
                 "[selection]") {
  struct Boundary {
    int month;
    const char* before;
    const char* after;
    double p62_after;
  };
  for (const Boundary& b : {Boundary{12, "type-b/spring-autumn", "type-b/winter", 60},
                            Boundary{4, "type-b/winter", "type-b/spring-autumn", 45},
                            Boundary{7, "type-b/spring-autumn", "type-b/summer", 35},
                            Boundary{10, "type-b/summer", "type-b/spring-autumn", 45}}) {
    INFO("month " << b.month);
    const WallTime midnight = local(2026, b.month, 1, 0, 0, 0);
    CHECK(domain::select(input("type-b", midnight - 1s)).key() == b.before);
    const auto after = domain::select(input("type-b", midnight));
    CHECK(after.key() == b.after);
    CHECK(v(after, "62") == b.p62_after);
  }
}

TEST_CASE_METHOD(Fixture, "Type B ignores a sunny spell, Type A takes the sunny row",
                 "[selection]") {
  const WallTime now = local(2026, 7, 11, 15);
  const auto f = forecast(now, 2026, 7, 11, "SSSSC");
  auto in = input("type-b", now);
  in.forecast = &f;
  CHECK(domain::select(in).key() == "type-b/summer");
  in = input("type-a", now);
  in.forecast = &f;
  const auto s = domain::select(in);
  CHECK(s.key() == "type-a/summer/sunny");
  CHECK(v(s, "07") == 25);
  CHECK(std::get<std::string>(s.values.at("41")) == "02:30");
  // Served day is tomorrow (after 07:00): Jul 12, 13, 14 are sunny.
  CHECK(s.reason == "type-a/summer/sunny: 3 sunny days forecast from 2026-07-12");
  CHECK(s.source == "weather");
  CHECK(s.memory.mode == WeatherMode::kSunny);
  CHECK(s.memory.since == now);
}

TEST_CASE_METHOD(Fixture, "two sunny days are not a spell, a rainy or snowy spell is rainy",
                 "[selection]") {
  const WallTime now = local(2026, 1, 10, 20);
  auto f = forecast(now, 2026, 1, 11, "SSCSS");
  auto in = input("type-a", now);
  in.forecast = &f;
  CHECK(domain::select(in).key() == "type-a/winter/normal");
  f = forecast(now, 2026, 1, 11, "RNRC");
  const auto s = domain::select(in);
  CHECK(s.key() == "type-a/winter/rainy");
  CHECK(v(s, "07") == 70);
  CHECK(v(s, "10") == 75);
}

TEST_CASE_METHOD(Fixture, "heat or severe cold on the served day is high demand: the rainy row",
                 "[selection]") {
  const WallTime now = local(2026, 8, 1, 10);
  auto f = forecast(now, 2026, 8, 2, "SCS");
  f.days[0].temp_max_c = 36;
  auto in = input("type-a", now);
  in.forecast = &f;
  auto s = domain::select(in);
  CHECK(s.key() == "type-a/summer/rainy");
  CHECK(s.reason.find("high demand: max 36 C") != std::string::npos);
  f.days[0].temp_max_c = 30;
  f.days[0].temp_min_c = -3;
  in.policy.cold_c = -2;
  CHECK(domain::select(in).key() == "type-a/summer/rainy");
}

TEST_CASE_METHOD(Fixture, "no forecast, a stale one or one not covering the served day: normal",
                 "[selection]") {
  const WallTime now = local(2026, 7, 11, 15);
  auto in = input("type-a", now);
  in.memory = {WeatherMode::kSunny, now - 48h};
  auto s = domain::select(in);
  CHECK(s.key() == "type-a/summer/normal");
  CHECK(s.reason.find("no forecast") != std::string::npos);
  CHECK(s.memory.mode == WeatherMode::kNormal);

  const auto old = forecast(now - 40h, 2026, 7, 10, "SSSSS");
  in.forecast = &old;
  s = domain::select(in);
  CHECK(s.key() == "type-a/summer/normal");
  CHECK(s.reason.find("too old") != std::string::npos);

  const auto past = forecast(now, 2026, 7, 1, "SSSSS");
  in.forecast = &past;
  CHECK(domain::select(in).reason.find("does not cover 2026-07-12") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "hysteresis: a spell holds while 2 days remain and for the minimum hold",
                 "[selection]") {
  const WallTime entered = local(2026, 7, 11, 15);
  auto in = input("type-a", entered + 6h);
  in.memory = {WeatherMode::kSunny, entered};
  // Only 2 sunny days left: stays sunny (exit threshold 2).
  auto f = forecast(in.now, 2026, 7, 12, "SSCC");
  in.forecast = &f;
  auto s = domain::select(in);
  CHECK(s.key() == "type-a/summer/sunny");
  // Rain is now forecast, but the minimum hold (24 h) has not passed.
  f = forecast(in.now, 2026, 7, 12, "RRRR");
  s = domain::select(in);
  CHECK(s.key() == "type-a/summer/sunny");
  CHECK(s.reason.find("minimum hold") != std::string::npos);
  // After the hold: rainy.
  in.now = entered + 25h;
  f = forecast(in.now, 2026, 7, 12, "RRRR");
  s = domain::select(in);
  CHECK(s.key() == "type-a/summer/rainy");
  CHECK(s.memory == domain::WeatherMemory{WeatherMode::kRainy, in.now});
  // One sunny day left after the hold: back to normal.
  in.memory = {WeatherMode::kSunny, entered};
  f = forecast(in.now, 2026, 7, 13, "SCCC");
  CHECK(domain::select(in).key() == "type-a/summer/normal");
}

TEST_CASE_METHOD(Fixture, "overrides: hold, away and pin, each ending back on the schedule",
                 "[selection]") {
  const WallTime now = local(2026, 12, 20, 12);
  auto in = input("type-b", now);
  in.overrides.hold = domain::Overrides::Hold{now + 2h};
  auto s = domain::select(in);
  CHECK(s.hold);
  CHECK(s.source == "override");
  in.now = now + 2h;
  CHECK_FALSE(domain::select(in).hold);

  // Away 3+ days: Type A's sunny row, under any mode (the guide's rule).
  in = input("type-a", now);
  in.overrides.away = domain::Overrides::Away{date(2026, 12, 21), date(2026, 12, 24)};
  s = domain::select(in);
  CHECK(s.key() == "type-a/winter/sunny");
  CHECK(s.reason.find("away 2026-12-21 to 2026-12-24") != std::string::npos);
  in.now = local(2026, 12, 24, 8);  // served day Dec 25: back home
  CHECK(domain::select(in).key() == "type-a/winter/normal");
  in = input("type-b", now);
  in.overrides.away = domain::Overrides::Away{date(2026, 12, 21), date(2026, 12, 24)};
  s = domain::select(in);
  CHECK(s.key() == "type-a/winter/sunny");
  CHECK(v(s, "07") == 50);
  CHECK(v(s, "62") == 50);
  CHECK(s.source == "override");
  CHECK(domain::away_profile(in, 12) == lib.find("type-a"));
  // Without a profile that has sunny rows, an absence changes nothing.
  domain::ProfileLibrary only_b;
  in.library = &only_b;
  CHECK(domain::away_profile(in, 12) == nullptr);
  CHECK(domain::select(in).key() == "type-b/winter");
  in.library = &lib;
  in.overrides.away = domain::Overrides::Away{date(2026, 12, 21), date(2026, 12, 22)};
  in.profile = lib.find("type-a");
  CHECK(domain::select(in).key() == "type-a/winter/normal");  // 2 days: not a long absence

  in = input("type-b", now);
  in.overrides.pin = domain::Overrides::Pin{"panels-9", WeatherMode::kNormal, now + 24h};
  s = domain::select(in);
  CHECK(s.key() == "panels-9/winter");
  CHECK(v(s, "07") == 55);
  in.now = now + 24h;
  CHECK(domain::select(in).key() == "type-b/winter");
}

TEST_CASE_METHOD(Fixture, "plan over a year under a neutral forecast: the four season changes only",
                 "[selection]") {
  const WallTime now = local(2026, 11, 22, 9);
  auto in = input("type-b", now);
  const auto plan = domain::plan(in, 24h * 365);
  REQUIRE(plan.size() == 5);
  CHECK(plan[0].key == "type-b/spring-autumn");
  const char* keys[] = {"type-b/winter", "type-b/spring-autumn", "type-b/summer",
                        "type-b/spring-autumn"};
  const WallTime at[] = {local(2026, 12, 1, 0), local(2027, 4, 1, 0), local(2027, 7, 1, 0),
                         local(2027, 10, 1, 0)};
  for (int i = 0; i < 4; ++i) {
    CHECK(plan[i + 1].key == keys[i]);
    CHECK(plan[i + 1].at == at[i]);
    CHECK(plan[i + 1].changed == std::vector<std::string>{"07", "10", "62"});
  }
  // Type A under an all-cloudy forecast: the same four changes.
  const auto f = forecast(now, 2026, 11, 22, "CCCCCCC");
  in = input("type-a", now);
  in.forecast = &f;
  CHECK(domain::plan(in, 24h * 365).size() == 5);
}

TEST_CASE_METHOD(Fixture, "plan shows a sunny spell starting and ending", "[selection]") {
  const WallTime now = local(2026, 7, 10, 9);
  const auto f = forecast(now, 2026, 7, 10, "CSSSCCC");
  auto in = input("type-a", now);
  in.forecast = &f;
  in.policy.min_hold = 0h;
  const auto plan = domain::plan(in, 24h * 7);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].key == "type-a/summer/sunny");  // served day Jul 11 starts 3 sunny days
  // Jul 12 07:00 serves Jul 13, the last sunny day: below the exit streak of 2.
  CHECK(plan[1].key == "type-a/summer/normal");
  CHECK(plan[1].at == local(2026, 7, 12, 7));
  CHECK(plan[1].changed == std::vector<std::string>{"07", "10", "41", "62"});
}

TEST_CASE_METHOD(Fixture, "plan stops at max_entries: the next change only", "[selection]") {
  auto in = input("type-b", local(2026, 11, 22, 9));
  const auto next = domain::plan(in, 24h * 366, 2);
  REQUIRE(next.size() == 2);
  CHECK(next[1].key == "type-b/winter");
  CHECK(next[1].at == local(2026, 12, 1, 0));
}

TEST_CASE_METHOD(Fixture,
                 "plan shows an absence under Type B: its start and its end, as an override",
                 "[selection]") {
  auto in = input("type-b", local(2026, 12, 20, 12));
  in.overrides.away = domain::Overrides::Away{date(2026, 12, 22), date(2026, 12, 25)};
  const auto p = domain::plan(in, 24h * 10);
  REQUIRE(p.size() == 3);
  CHECK(p[0].key == "type-b/winter");
  CHECK(p[1].key == "type-a/winter/sunny");
  CHECK(p[1].source == "override");
  CHECK(p[1].at == local(2026, 12, 21, 7));  // the night before the first day away
  CHECK(p[1].reason.find("away 2026-12-22 to 2026-12-25") != std::string::npos);
  CHECK(p[2].key == "type-b/winter");
  CHECK(p[2].at == local(2026, 12, 25, 7));  // the last night away is served, then home
  CHECK(p[2].source == "schedule");
}
