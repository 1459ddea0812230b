// SPDX-License-Identifier: Apache-2.0
// The guide's weekly evaluation: seasonal targets, action lines and the daily review.
#include <catch2/catch.hpp>

#include "sunbridge/adapters/energy_store.hpp"
#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/app/kpi_review.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/kpi.hpp"
#include "testkit/process.hpp"

using namespace sb;
using namespace std::chrono_literals;

TEST_CASE("the guide's KPI targets by season and its action lines", "[unit][kpi]") {
  CHECK(domain::guide_targets(1).season == "winter");
  CHECK(domain::guide_targets(12).grid_dependency_max_pct == 30);
  CHECK(domain::guide_targets(5).night_charge_min_pct == 50);
  CHECK(domain::guide_targets(8).grid_dependency_max_pct == 10);
  auto day = [](const char* d, std::optional<double> grid, std::optional<double> night) {
    return domain::DayKpis{d, 1, grid, night};
  };
  // Two days over target, then one under: no streak.
  CHECK(domain::review_kpis(
            {day("2026-01-10", 40, 70), day("2026-01-11", 35, 70), day("2026-01-12", 25, 70)})
            .empty());
  // Three in a row over the winter 30 %: the guide's response is a temporary Type A.
  auto f = domain::review_kpis(
      {day("2026-01-10", 40, 70), day("2026-01-11", 35, 70), day("2026-01-12", 31, 70)});
  REQUIRE(f.size() == 1);
  CHECK(f[0].kind == "kpi.grid_dependency");
  CHECK(f[0].message ==
        "daytime grid dependency over the winter target of 30 % 3 days in a row (40 %, 35 %, "
        "31 %)");
  CHECK(f[0].suggestion.find("Type A") != std::string::npos);
  CHECK(f[0].day == "2026-01-12");
  // Night charge: inside 60-80 by 15 points is fine; 44 is 16 below.
  CHECK(domain::review_kpis({day("2026-01-12", 10, 45)}).empty());
  f = domain::review_kpis({day("2026-01-12", 10, 44)});
  REQUIRE(f.size() == 1);
  CHECK(f[0].kind == "kpi.night_charge");
  CHECK(f[0].message ==
        "the battery gained 44 % of charge overnight, more than 15 points below "
        "the winter band of 60-80 %");
  CHECK(f[0].suggestion == "raise 07 (charge current) or 10 (absorption time)");
  f = domain::review_kpis({day("2026-01-12", 10, 96)});
  REQUIRE(f.size() == 1);
  CHECK(f[0].suggestion.rfind("lower 07", 0) == 0);
  // Unknown figures never make a finding.
  CHECK(domain::review_kpis({day("a", std::nullopt, std::nullopt), day("b", 90, std::nullopt),
                             day("c", 90, std::nullopt)})
            .empty());
}

TEST_CASE("the daily review: figures from the energy book and the SOC, once a morning",
          "[unit][kpi]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  testkit::TempDir dir;
  adapters::HistoryStore history(dir.file("h.db"));
  const app::TariffService tariff(adapters::TariffConfig{});
  // Three winter days with 12 of 30 kWh bought by day (40 %); the last night: SOC from 20 % at
  // 01:00 up to 50 % at 07:00 (30 points gained: more than 15 below 60-80).
  std::map<std::pair<std::string, std::string>, domain::EnergyFlows> book;
  for (const char* d : {"2026-01-09", "2026-01-10", "2026-01-11"}) {
    domain::EnergyFlows day;
    day.grid_import_kwh = 12;
    day.load_kwh = 30;
    domain::EnergyFlows night;
    night.grid_import_kwh = 20;
    night.load_kwh = 10;
    book[{d, "day"}] = day;
    book[{d, "night"}] = night;
  }
  REQUIRE(adapters::EnergyStore(history.db()).add(book).ok());
  auto at = [](int d, int h) { return *from_local_civil({2026, 1, d, h, 0, 0}); };
  for (auto [t, soc] : std::vector<std::pair<WallTime, double>>{
           {at(11, 23), 35}, {at(12, 1), 20}, {at(12, 4), 30}, {at(12, 7), 50}}) {
    history.record({Point{"battery.soc", soc, "%", Quality::kOk, t, ""}}, t);
  }
  REQUIRE(history.flush().ok());
  std::vector<Event> events;
  app::KpiReview review(history, tariff, [&](const Event& e) { events.push_back(e); });
  const auto k = review.day_kpis("2026-01-11");
  CHECK(*k.grid_dependency_pct == Approx(40));
  CHECK(*k.night_charge_pct == Approx(30));
  review.run(at(12, 7), true);  // before 07:10: the night's last samples may still come
  CHECK(events.empty());
  review.run(at(12, 7) + 15min, false);  // an untrusted clock: nothing
  CHECK(events.empty());
  review.run(at(12, 7) + 15min, true);
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == "kpi.grid_dependency");
  CHECK(events[1].kind == "kpi.night_charge");
  CHECK(events[1].message.find("the guide's response: raise 07") != std::string::npos);
  review.run(at(12, 12), true);  // once a morning
  CHECK(events.size() == 2);
  // Remembered across a restart.
  app::KpiReview again(history, tariff, [&](const Event& e) { events.push_back(e); });
  again.run(at(12, 13), true);
  CHECK(events.size() == 2);
}
