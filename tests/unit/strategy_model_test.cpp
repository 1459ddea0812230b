// SPDX-License-Identifier: Apache-2.0
// The household model behind the strategy benchmark: sunlight, weather, load, the inverter's
// behaviour step by step, and its energy balance.
#include <cmath>

#include <catch2/catch.hpp>

#include "shipped_data.hpp"
#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/strategy/calendar.hpp"
#include "sunbridge/domain/strategy/control_settings.hpp"
#include "sunbridge/domain/strategy/profile_strategy.hpp"
#include "sunbridge/domain/strategy/year_simulation.hpp"

using namespace sb;
using namespace sb::domain::strategy;

namespace {

StepInput at(int minute, double pv_kw, double load_kw) {
  StepInput s;
  s.minute_of_day = minute;
  s.step_min = 5;
  s.pv_kw = pv_kw;
  s.load_kw = load_kw;
  return s;
}

}  // namespace

TEST_CASE("clear-sky sunlight on a 30 degree south plane in Takamatsu", "[unit][strategy]") {
  const PvSite site;
  CHECK(clear_sky_plane_w_m2(site, 80, 0) == 0.0);  // midnight
  CHECK(clear_sky_plane_w_m2(site, 80, 23 * 60) == 0.0);
  // Solar noon near the March equinox is about 12:05 here (134 E, equation of time -8 min).
  const double noon = clear_sky_plane_w_m2(site, 80, 12 * 60 + 5);
  CHECK(noon > 900);
  CHECK(noon < 1100);
  CHECK(clear_sky_plane_w_m2(site, 80, 9 * 60) < noon);
  CHECK(daylight_hours(site, 172) == Approx(14.4).margin(0.2));  // June solstice
  CHECK(daylight_hours(site, 355) == Approx(9.9).margin(0.2));   // December solstice
}

TEST_CASE("the weather year keeps the site's sunshine and its forecasts have the stated skill",
          "[unit][strategy]") {
  const PvSite site;
  const Climate climate;
  // About 2,050 sunshine hours a year (the site facts).
  CHECK(expected_sunshine_hours(climate, site) == Approx(2050).epsilon(0.03));
  double share_sum = 0;
  for (int m = 1; m <= 12; ++m) {
    const auto p = month_frequencies(climate, site, m);
    CHECK(p[0] >= 0);
    CHECK(p[1] >= 0);
    CHECK(p[0] + p[1] + p[2] == Approx(1.0));
    share_sum += p[2];
  }
  CHECK(share_sum / 12 == Approx(95.3 / 365).epsilon(0.05));  // rain days a year
  const ForecastSkill skill;
  const auto a = generate_weather_year(2025, 7, climate, site, skill);
  const auto b = generate_weather_year(2025, 7, climate, site, skill);
  const auto c = generate_weather_year(2025, 8, climate, site, skill);
  REQUIRE(a.days.size() == 365);
  CHECK(a.days == b.days);
  CHECK(a.forecasts == b.forecasts);
  CHECK(a.days != c.days);
  CHECK(sunshine_hours(a, climate, site) == Approx(2050).epsilon(0.1));
  // Tomorrow's forecast is right about as often as the skill says (misses can be right by
  // chance): over ten years, within a few points.
  int right = 0, total = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto y = generate_weather_year(2025, seed, climate, site, skill);
    for (std::size_t d = 0; d + 1 < y.days.size(); ++d, ++total) {
      right += y.forecasts[d][0] == y.days[d + 1] ? 1 : 0;
    }
  }
  const double hit = static_cast<double>(right) / total;
  CHECK(hit > skill.hit_rate[0]);
  CHECK(hit < skill.hit_rate[0] + 0.1);
}

TEST_CASE("the year's mean sunlight on the panels matches the site's 4.1 kWh/m2 a day",
          "[unit][strategy]") {
  YearSetup setup;
  const auto in = build_year_inputs(setup, test::shipped_tariff());
  double kwh = 0;
  for (float kw : in.pv_kw)
    kwh += kw * setup.step_min / 60.0;
  const double plane_kwh_m2_day =
      kwh / (setup.site.peak_kw() * setup.site.system_efficiency) / in.days();
  CHECK(plane_kwh_m2_day == Approx(4.1).epsilon(0.1));
  // Household use over the year: the fitted monthly levels plus the inverter's own.
  double load = 0;
  for (float kw : in.load_kw)
    load += kw * setup.step_min / 60.0;
  double expected = 0;
  for (int d = 0; d < in.days(); ++d) {
    expected += setup.household.kwh_per_day[static_cast<std::size_t>(month_of(2025, d) - 1)];
  }
  CHECK(load == Approx(expected).epsilon(0.02));
}

TEST_CASE("SBU: the house goes to the grid at 61 and back to the battery at 62",
          "[unit][strategy]") {
  const InverterModel m;
  ControlSettings c{50, 45, 180, 45};
  BatteryState s{19.05, false, 0};
  // 20:00, 1 kW of load: the battery serves it and reaches 19 %.
  auto f = step(m, c, s, at(20 * 60, 0, 1.0));
  CHECK(f.battery_to_load == Approx(1.05 * 5 / 60));
  CHECK(f.grid() == 0);
  CHECK(s.on_grid);
  // On the grid now: the battery keeps its charge, PV only charges it (assumption).
  f = step(m, c, s, at(12 * 60, 0.5, 1.0));
  CHECK(f.battery_to_load == 0);
  CHECK(f.grid_to_load == Approx(1.05 * 5 / 60));
  CHECK(f.pv_to_battery == Approx(0.5 * 5 / 60));
  // Back to the battery once the SOC reaches 62.
  s.soc_pct = 44.99;
  f = step(m, c, s, at(12 * 60, 2.7, 0.0));
  CHECK_FALSE(s.on_grid);
  f = step(m, c, s, at(19 * 60, 0, 1.0));
  CHECK(f.grid() == 0);
  CHECK(f.battery_to_load > 0);
}

TEST_CASE("slot charging: the grid charges at 07 capped by 28, and slot 1 can be made ineffective",
          "[unit][strategy]") {
  InverterModel m;
  ControlSettings c{60, 45, 180, 45};
  BatteryState s{30, true, 0};
  // 01:00 is in slot 1 (23:55-03:00): 60 A asked, 50 A allowed by 28, at 54 V.
  auto f = step(m, c, s, at(60, 0, 2.0));
  CHECK(f.grid_to_battery == Approx(50 * 54.0 / 1000 * 5 / 60));
  CHECK(f.grid_to_load == Approx(2.05 * 5 / 60));
  // 03:00 is outside slot 1 (41 = 03:00) and before slot 2.
  f = step(m, c, s, at(180, 0, 2.0));
  CHECK(f.grid_to_battery == 0);
  // 41 = 03:30 extends it.
  c.slot1_end_min = 210;
  f = step(m, c, s, at(180, 0, 2.0));
  CHECK(f.grid_to_battery > 0);
  // As in the field data: slot 1 delivers nothing, slot 2 still does.
  m.slot1_charges = false;
  f = step(m, c, s, at(60, 0, 2.0));
  CHECK(f.grid_to_battery == 0);
  f = step(m, c, s, at(5 * 60, 0, 2.0));
  CHECK(f.grid_to_battery > 0);
  // 07 below 28 limits the grid charge.
  c.max_charge_a = 25;
  f = step(m, c, s, at(5 * 60, 0, 2.0));
  CHECK(f.grid_to_battery == Approx(25 * 54.0 / 1000 * 5 / 60));
}

TEST_CASE("absorption lasts LCD 10 minutes per charge session, then the charger floats",
          "[unit][strategy]") {
  const InverterModel m;
  const ControlSettings c{60, 15, 180, 45};
  BatteryState s{91, false, 0};
  double charged = 0;
  for (int minute = 5 * 60; minute < 6 * 60; minute += 5) {
    charged += step(m, c, s, at(minute, 0, 0.5)).grid_to_battery;
  }
  // Three 5-minute steps of tapering charge, then nothing.
  CHECK(s.absorption_used_min == Approx(15));
  CHECK(charged > 0);
  CHECK(charged < 3 * 2.7 * 5 / 60);
  CHECK(s.soc_pct < 100);
  // A new session (07:00: the day's PV) starts a new absorption.
  const auto f = step(m, c, s, at(7 * 60, 3.0, 0.5));
  CHECK(f.pv_to_battery > 0);
}

TEST_CASE("every kWh of a simulated year is accounted for, in every step", "[unit][strategy]") {
  REQUIRE(set_process_timezone("Asia/Tokyo"));
  YearSetup setup;
  setup.seed = 3;
  const auto in = build_year_inputs(setup, test::shipped_tariff());
  for (const bool slot1 : {true, false}) {
    InverterModel m;
    m.slot1_charges = slot1;
    FixedStrategy fixed("fixed", ControlSettings{60, 60, 180, 60});
    const auto r = simulate_year(in, m, fixed);
    CHECK(r.worst_balance_kwh < 1e-9);
    // Year totals: what came in (grid and sun) went to the house, was lost, or is in the cells.
    CHECK(r.grid_kwh + r.pv_used_kwh > r.load_kwh);
    CHECK(r.writes == 0);
    double by_band = 0;
    for (const auto& [band, kwh] : r.grid_kwh_by_band)
      by_band += kwh;
    CHECK(by_band == Approx(r.grid_kwh));
    double by_month = 0;
    for (double kwh : r.grid_kwh_by_month)
      by_month += kwh;
    CHECK(by_month == Approx(r.grid_kwh));
  }
  const auto none = simulate_without_battery(in, InverterModel{});
  CHECK(none.worst_balance_kwh < 1e-9);
  CHECK(none.battery_cycles == 0);
}

TEST_CASE("the profile strategies choose the shipped tables through the daemon's selection",
          "[unit][strategy]") {
  REQUIRE(set_process_timezone("Asia/Tokyo"));
  const auto library = app::load_profile_library("");
  YearSetup setup;
  const auto in = build_year_inputs(setup, test::shipped_tariff());
  ProfileStrategy type_b("Type B", *library.find("type-b"), library, {}, false);
  const InverterModel m;
  const auto r = simulate_year(in, m, type_b);
  // Winter -> spring/autumn (Apr 1) -> summer (Jul 1) -> spring/autumn (Oct 1) -> winter
  // (Dec 1): 07, 10 and 62 change each time, 41 never.
  CHECK(r.writes == 12);
  CHECK(r.change_days == 4);
  Decision january;
  january.inputs = &in;
  january.served_day = 10;
  january.forecast = &in.weather.forecasts[9];
  CHECK(describe(type_b.choose(january)) == "07 60 A, 10 60 min, 41 03:00, 62 60 %");
  // Type A reads the evening's forecast: a forecast sunny spell picks the sunny row.
  ProfileStrategy type_a("Type A", *library.find("type-a"), library);
  const std::vector<DayWeather> sunny(7, DayWeather::kSunny);
  january.forecast = &sunny;
  CHECK(describe(type_a.choose(january)) == "07 50 A, 10 45 min, 41 02:30, 62 50 %");
}

TEST_CASE("the four parameters convert to the settings writer's values and back",
          "[unit][strategy]") {
  const ControlSettings c{55, 40, 150, 50};
  const auto values = to_setting_values(c);
  CHECK(domain::format_setting(values.at("41")) == "02:30");
  CHECK(control_settings_from(values) == c);
  auto broken = values;
  broken["41"] = PointValue{std::string("25:00")};
  CHECK_FALSE(control_settings_from(broken));
  broken.erase("07");
  CHECK_FALSE(control_settings_from(broken));
}
