// SPDX-License-Identifier: Apache-2.0
// Tariffs as data: bands by month and day type, surcharges, monthly adjustments, holidays
// (docs/reports.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "source_files.hpp"
#include "sunbridge/domain/tariff.hpp"

using namespace sb;
using domain::DayType;

namespace {

domain::Tariff tariff(const char* file) {
  schema::Issues issues;
  auto t = domain::Tariff::from_json(sb::test::read_source(std::string("profiles/tariffs/") + file),
                                     issues);
  INFO(schema::format_issues(issues, file));
  REQUIRE(t);
  return *t;
}

domain::HolidayCalendar holidays() {
  schema::Issues issues;
  auto c = domain::HolidayCalendar::from_json(
      sb::test::read_source("profiles/calendar/jp-holidays.json"), issues);
  INFO(schema::format_issues(issues, "jp-holidays.json"));
  REQUIRE(c);
  return *c;
}

domain::Date date(int y, int m, int d) {
  return domain::Date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                      std::chrono::day(static_cast<unsigned>(d))};
}

CivilTime at(int y, int mo, int d, int h, int mi = 0) {
  return CivilTime{y, mo, d, h, mi, 0};
}

}  // namespace

TEST_CASE("the guide's seasonal time-of-use plan: peak, day and night by month", "[unit][tariff]") {
  const auto t = tariff("shikoku-seasonal-tou.json");
  CHECK(t.basic_yen_per_month() == 1980);
  // January (a peak month): 09:59 day, 10:00 peak, 16:59 peak, 17:00 day, 23:00 night, 06:59 night.
  CHECK(t.band_at(at(2025, 1, 15, 9, 59), DayType::kWeekday).name == "day");
  CHECK(t.band_at(at(2025, 1, 15, 10, 0), DayType::kWeekday).name == "peak");
  CHECK(t.band_at(at(2025, 1, 15, 16, 59), DayType::kHoliday).name == "peak");
  CHECK(t.band_at(at(2025, 1, 15, 17, 0), DayType::kWeekday).name == "day");
  CHECK(t.band_at(at(2025, 1, 15, 23, 0), DayType::kWeekday).name == "night");
  CHECK(t.band_at(at(2025, 1, 15, 6, 59), DayType::kWeekday).name == "night");
  CHECK(t.band_at(at(2025, 1, 15, 7, 0), DayType::kWeekday).name == "day");
  // April has no peak.
  CHECK(t.band_at(at(2025, 4, 15, 12, 0), DayType::kWeekday).name == "day");
  // The price: band + renewable-energy surcharge of the fiscal year + the month's subsidy.
  CHECK(t.price_at(at(2024, 8, 1, 12), DayType::kWeekday) == Approx(43.88 + 3.49 - 4.0));
  CHECK(t.price_at(at(2025, 5, 1, 2), DayType::kWeekday) == Approx(14.95 + 3.98));
}

TEST_CASE("a month's bill: energy by band, basic charge, surcharges, adjustments, unknowns named",
          "[unit][tariff]") {
  const auto t = tariff("shikoku-seasonal-tou.json");
  const auto b = t.bill(2024, 1, {{"night", 500}, {"day", 300}, {"peak", 100}});
  CHECK(b.energy_yen.at("night") == Approx(500 * 14.95));
  CHECK(b.energy_yen.at("day") == Approx(300 * 31.32));
  CHECK(b.energy_yen.at("peak") == Approx(100 * 43.88));
  CHECK(b.basic_yen == 1980);
  CHECK(b.surcharge_yen == Approx(900 * 1.40));
  CHECK(b.adjustment_yen == Approx(900 * -3.5));
  CHECK(b.total_yen() ==
        Approx(500 * 14.95 + 300 * 31.32 + 100 * 43.88 + 1980 + 900 * 1.40 - 900 * 3.5));
  REQUIRE(b.unknown.size() == 1);
  CHECK(b.unknown[0] == "fuel-cost adjustment");  // not known to the shipped file: said so
  // Beyond the last fiscal year in the file the surcharge is unknown too, never silently 0.
  const auto later = t.bill(2026, 6, {{"night", 100}});
  CHECK(later.unknown.size() == 3);
  const auto unknown_band = t.bill(2024, 1, {{"offpeak", 10}}).unknown;
  CHECK(std::find(unknown_band.begin(), unknown_band.end(), "band offpeak") != unknown_band.end());

  const auto derived = tariff("bill-derived.json");
  CHECK(derived.bill(2025, 8, {{"day", 100}, {"night", 100}}).total_yen() ==
        Approx(1650 + 100 * 42.76 + 100 * 26.00));
  CHECK(derived.bill(2025, 11, {{"day", 100}}).total_yen() == Approx(1650 + 100 * 37.34));
}

TEST_CASE("tariff files are schema-checked: gaps, bad times and unknown keys, all at once",
          "[unit][tariff]") {
  schema::Issues issues;
  auto t = domain::Tariff::from_json(R"({
    "schema": "sunbridge.tariff/1", "name": "broken", "basic_yen_per_month": 1000,
    "bands": [{"name": "day", "yen_per_kwh": 30, "months": [1,2,3,4,5,6,7,8,9,10,11,12],
               "from": "07:00", "to": "23:00"},
              {"name": "night", "yen_per_kwh": 15, "months": [1,2,3,4,5,6,7,8,9,10,11],
               "days": "weekday", "from": "23:00", "to": "07:00"}]})",
                                     issues);
  CHECK_FALSE(t);
  const std::string text = schema::format_issues(issues, "broken.json");
  INFO(text);
  CHECK(text.find("no band covers 23:00 on holidays in month 1") != std::string::npos);
  CHECK(text.find("no band covers 00:00 on weekdays in month 12") != std::string::npos);
  issues.clear();
  CHECK_FALSE(domain::Tariff::from_json(R"({
    "schema": "sunbridge.tariff/1", "name": "x", "basic_yen_per_month": 1000, "colour": "red",
    "bands": [{"name": "all", "yen_per_kwh": 30, "months": [1], "from": "25:00", "to": "24:00"}],
    "adjustments": [{"name": "fuel", "yen_per_kwh": {"2025-13": 1.0}}]})",
                                        issues));
  const std::string all = schema::format_issues(issues, "x.json");
  INFO(all);
  CHECK(all.find("colour") != std::string::npos);
  CHECK(all.find("'25:00' is not a time of day") != std::string::npos);
  CHECK(all.find("'2025-13' is not a month") != std::string::npos);
}

TEST_CASE("Japanese public holidays as data, weekends are holidays for tariffs", "[unit][tariff]") {
  const auto c = holidays();
  CHECK(c.size() == 108);
  CHECK(c.covers(date(2026, 12, 2)));
  CHECK_FALSE(c.covers(date(2028, 1, 1)));
  CHECK(c.day_type(date(2026, 12, 2)) == DayType::kWeekday);   // a Wednesday
  CHECK(c.day_type(date(2026, 12, 5)) == DayType::kHoliday);   // a Saturday
  CHECK(c.day_type(date(2026, 9, 22)) == DayType::kHoliday);   // citizens' holiday
  CHECK(c.day_type(date(2025, 11, 24)) == DayType::kHoliday);  // substitute for the 23rd
  CHECK(c.day_type(date(2024, 7, 15)) == DayType::kHoliday);   // Marine Day
  CHECK(c.day_type(date(2024, 7, 16)) == DayType::kWeekday);
}
