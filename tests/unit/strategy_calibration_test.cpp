// SPDX-License-Identifier: Apache-2.0
// Calibrating the household model on the owner's meter readings (tests/fixtures/field).
#include <catch2/catch.hpp>

#include "shipped_data.hpp"
#include "sunbridge/adapters/grid_daily_csv.hpp"
#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/strategy/calibration.hpp"
#include "sunbridge/domain/strategy/profile_strategy.hpp"

using namespace sb;
using namespace sb::domain::strategy;

namespace {

domain::Date ymd(int y, unsigned m, unsigned d) {
  return domain::Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

std::vector<DailyKwh> meter() {
  schema::Issues issues;
  auto days = adapters::parse_grid_daily_csv(
      test::read_source("tests/fixtures/field/grid_daily_kwh_2022-2025.csv"), issues);
  REQUIRE(issues.empty());
  REQUIRE(days);
  return *days;
}

}  // namespace

TEST_CASE("the daily meter file is read strictly, every bad line named at once",
          "[unit][strategy]") {
  schema::Issues issues;
  const auto days = adapters::parse_grid_daily_csv(
      "date,grid_import_kwh\r\n2024-01-01,12.5\r\n2024-01-02,x\n2024-02-30,3\n2024-01-01,4\n"
      "2024-01-05,1,2\n2024-01-06,-1\n",
      issues);
  CHECK_FALSE(days);
  REQUIRE(issues.size() == 5);
  CHECK(issues[0].path == "line 3");
  CHECK(issues[1].path == "line 4");
  CHECK(issues[1].message.find("not a date") != std::string::npos);
  CHECK(issues[2].message.find("in order") != std::string::npos);
  CHECK(issues[3].message.find("two columns") != std::string::npos);
  CHECK(issues[4].path == "line 7");
  issues.clear();
  CHECK_FALSE(adapters::parse_grid_daily_csv("day,kwh\n2024-01-01,1\n", issues));
  CHECK(issues.front().message.find("header") != std::string::npos);
  issues.clear();
  const auto good =
      adapters::parse_grid_daily_csv("date,grid_import_kwh\n2024-01-01,1.5\n\n", issues);
  REQUIRE(good);
  CHECK(good->size() == 1);
  CHECK(good->front().kwh == 1.5);
}

TEST_CASE("the model's monthly use is the owner's meter before the solar system",
          "[unit][strategy]") {
  const auto days = meter();
  CHECK(days.size() == 1064);
  const auto use = use_per_day_before(days, ymd(2024, 8, 25));
  const HouseholdModel shipped;
  for (std::size_t m = 0; m < 12; ++m) {
    REQUIRE(use[m]);
    CHECK(*use[m] == Approx(shipped.kwh_per_day[m]).margin(0.006));
  }
  const auto months = months_with_system(days, ymd(2024, 8, 25));
  // September 2024 to March 2025: August had the system for a week only, April 2025 has 22 days.
  REQUIRE(months.size() == 7);
  CHECK(months.front().year == 2024);
  CHECK(months.front().month == 9);
  CHECK(months.back().month == 3);
  CHECK(months.front().kwh == Approx(583.2).margin(0.05));
}

TEST_CASE("the calibration error: the model against the months the meter saw with the system",
          "[unit][strategy]") {
  REQUIRE(set_process_timezone("Asia/Tokyo"));
  CHECK(mean_absolute_percentage_error({100, 200}, {110, 180}) == Approx(10.0));
  const auto metered = months_with_system(meter(), ymd(2024, 8, 25));
  const auto library = app::load_profile_library("");
  const auto tariff = test::shipped_tariff();
  YearSetup setup;
  setup.seed = 1;
  const auto simulated =
      simulate_metered_system(setup, tariff, *library.find("type-b"), library, 3);
  const auto check = check_against_meter(metered, simulated);
  REQUIRE(check.months.size() == 7);
  // A scaled month: September has 30 days, all metered.
  CHECK(check.months.front().simulated_kwh == Approx(simulated[8]));
  // The figure docs/strategy.md reports (12.5 % over five years; the target is 10 %): the
  // guard catches a model change that makes it worse.
  CHECK(check.mape_pct > 5.0);
  CHECK(check.mape_pct < 15.0);
  // The winter months, where the meter's year is like the ones before, are within 12 %.
  for (const auto& m : check.months) {
    if (m.metered.month == 12 || m.metered.month <= 3) CHECK(std::abs(m.error_pct()) < 12.0);
  }
}
