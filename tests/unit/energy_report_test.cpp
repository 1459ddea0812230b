// SPDX-License-Identifier: Apache-2.0
// Reports in yen: a simulated year through the energy accounts and the database, and each
// report's figures recomputed here from the raw samples (docs/reports.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

#include "cli/render.hpp"
#include "sunbridge/adapters/energy_store.hpp"
#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/plot_json.hpp"
#include "sunbridge/app/control_api.hpp"
#include "sunbridge/app/energy_accounts.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/energy_report.hpp"
#include "testkit/process.hpp"

using namespace sb;
using namespace std::chrono_literals;

namespace {

// A household day in W by minute of the day and day of the year: PV by day (the surplus goes to
// the grid), a heat pump at night, and a battery that charges from the grid at night exactly what
// it gives the house in the evening.
struct Powers {
  double pv, load, grid, battery;
};
Powers household(int minute, int day_of_year) {
  const double h = minute / 60.0;
  const double season = 1.0 + 0.4 * std::cos(2 * M_PI * (day_of_year - 172) / 365.0);
  const double pv = h > 6 && h < 18 ? 2400 * std::sin(M_PI * (h - 6) / 12) / season : 0.0;
  const double load = (h >= 1 && h < 3 ? 2000.0 : 450.0) * season;
  double battery = 0;
  if (h >= 4 && h < 7) battery = 900 * season;     // slot charge: 2.7 kWh x season
  if (h >= 17 && h < 23) battery = -450 * season;  // the evening on the battery: the same
  const double grid = load + battery - pv;         // what is left comes from (or goes to) the grid
  return {pv, load, grid, battery};
}

// The guide's prices for a band in a month of 2025 (rate + renewable surcharge + subsidy), as
// written in the shipped tariff file, typed here independently.
double price(const std::string& band, int year, int month) {
  const double rate = band == "night" ? 14.95 : band == "peak" ? 43.88 : 31.32;
  const int ym = year * 100 + month;
  const double surcharge = ym <= 202504 ? 3.49 : 3.98;
  const std::map<int, double> subsidy = {{202501, -2.5}, {202502, -2.5}, {202503, -1.3},
                                         {202507, -2.0}, {202508, -2.4}, {202509, -2.0}};
  auto s = subsidy.find(ym);
  return rate + surcharge + (s == subsidy.end() ? 0.0 : s->second);
}

std::string band_at(int minute, int month) {
  const int h = minute / 60;
  if (h >= 23 || h < 7) return "night";
  const bool peak_month = month == 12 || month <= 2 || (month >= 7 && month <= 9);
  return peak_month && h >= 10 && h < 17 ? "peak" : "day";
}

struct Expected {
  double import_kwh = 0, load_kwh = 0, pv_kwh = 0, discharge_kwh = 0, yen = 0, yen_no_system = 0;
};

// Feeds a year of 10-minute samples of household() (2025, Japan time) through the energy accounts
// into `history`; returns what each local day should hold, recomputed from the same samples:
// trapezoid per interval, booked at the interval's start, priced at the band's price typed above.
std::map<std::string, Expected> simulate_year(adapters::HistoryStore& history,
                                              const app::TariffService& tariff) {
  Logger log(LogLevel::kError);
  domain::PointStore points{std::vector<DerivedPoint>{}};
  constexpr int kStepMin = 10;
  app::EnergyAccounts accounts(history.db(), tariff, points, log, 15min, WallTime{});
  std::map<std::string, Expected> by_day;
  const WallTime start = *from_local_civil({2025, 1, 1, 0, 0, 0});
  std::optional<Powers> prev;
  std::optional<CivilTime> prev_local;
  for (int step = 0; step <= 365 * 24 * 60 / kStepMin; ++step) {
    const WallTime t = start + std::chrono::minutes(step * kStepMin);
    const CivilTime local = to_local_civil(t);
    const int doy = step * kStepMin / (24 * 60);
    const Powers p = household(local.hour * 60 + local.minute, doy);
    points.apply({{Point{"pv.power", p.pv, "W", Quality::kOk, t, "", 0},
                   Point{"load.power", p.load, "W", Quality::kOk, t, "", 0},
                   Point{"grid.power", p.grid, "W", Quality::kOk, t, "", 0},
                   Point{"battery.power", p.battery, "W", Quality::kOk, t, "", 0}},
                  {},
                  {},
                  30min});
    accounts.on_poll(t, true);
    if (step % 6 == 0) accounts.save(t);
    if (prev) {
      const double hours = kStepMin / 60.0;
      auto pos = [&](double a, double b) {
        return domain::integrate_linear(a, b, hours).positive_wh / 1000;
      };
      char day[16];
      std::snprintf(day, sizeof day, "%04d-%02d-%02d", prev_local->year, prev_local->month,
                    prev_local->day);
      const std::string band =
          band_at(prev_local->hour * 60 + prev_local->minute, prev_local->month);
      const double each = price(band, prev_local->year, prev_local->month);
      Expected& e = by_day[day];
      const double bought = pos(prev->grid, p.grid);
      const double load = pos(prev->load, p.load);
      e.import_kwh += bought;
      e.load_kwh += load;
      e.pv_kwh += pos(prev->pv, p.pv);
      e.discharge_kwh +=
          domain::integrate_linear(prev->battery, p.battery, hours).negative_wh / 1000;
      e.yen += bought * each;
      e.yen_no_system += load * each;
    }
    prev = p;
    prev_local = local;
  }
  accounts.save(start + 366 * 24h);
  return by_day;
}

// The simulated year in a database, and the control API that answers reports and charts on it
// (for the examples in docs/reports.md).
struct SimulatedYear {
  bool zone = set_process_timezone("Asia/Tokyo").ok();
  testkit::TempDir dir;
  adapters::HistoryStore history{dir.file("h.db")};
  const app::TariffService tariff{adapters::TariffConfig{}};
  std::map<std::string, Expected> expected = simulate_year(history, tariff);
  adapters::Config config = adapters::default_config();
  const protocol::RegisterMap map = protocol::RegisterMap::embedded();
  ManualClock clock{*from_local_civil({2026, 1, 10, 12, 0, 0})};
  domain::PointStore points{map.derived()};
  EventLoop loop;
  adapters::HistoryReader reader{dir.file("h.db"), loop};
  app::ControlApi api{app::ControlContext{config, map, clock, points, history, reader,
                                          [] { return app::DaemonFacts{}; }, nullptr, &tariff}};
};

}  // namespace

TEST_CASE("a simulated year: day, week and month reports match a recomputation from the samples",
          "[unit][energy][reports]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  testkit::TempDir dir;
  adapters::HistoryStore history(dir.file("h.db"));
  const app::TariffService tariff(adapters::TariffConfig{});
  const auto by_day = simulate_year(history, tariff);

  auto report = [&](const std::string& from, const std::string& to, int days) {
    auto rows = adapters::EnergyStore(history.db()).query(from, to);
    REQUIRE(rows);
    return domain::make_energy_report(*rows, tariff.tariff(), from, to, days, "night", 20.48);
  };
  auto expected = [&](const std::string& from, const std::string& to) {
    Expected sum;
    for (const auto& [day, e] : by_day) {
      if (day < from || day > to) continue;
      sum.import_kwh += e.import_kwh;
      sum.load_kwh += e.load_kwh;
      sum.pv_kwh += e.pv_kwh;
      sum.discharge_kwh += e.discharge_kwh;
      sum.yen += e.yen;
      sum.yen_no_system += e.yen_no_system;
    }
    return sum;
  };
  struct Case {
    const char* from;
    const char* to;
    int days;
  };
  for (const Case& c : {Case{"2025-01-15", "2025-01-15", 1}, Case{"2025-07-14", "2025-07-20", 7},
                        Case{"2025-04-01", "2025-04-30", 30}, Case{"2025-08-01", "2025-08-31", 31},
                        Case{"2025-01-01", "2025-12-31", 365}}) {
    INFO(c.from << " to " << c.to);
    const auto r = report(c.from, c.to, c.days);
    const auto e = expected(c.from, c.to);
    CHECK(r.days_with_data == c.days);
    CHECK(r.total.flows.grid_import_kwh == Approx(e.import_kwh).epsilon(1e-9));
    CHECK(r.total.flows.load_kwh == Approx(e.load_kwh).epsilon(1e-9));
    CHECK(r.total.flows.pv_kwh == Approx(e.pv_kwh).epsilon(1e-9));
    CHECK(r.total.yen == Approx(e.yen).epsilon(1e-9));
    CHECK(r.total.yen_no_system == Approx(e.yen_no_system).epsilon(1e-9));
    CHECK(*r.battery_cycles == Approx(e.discharge_kwh / 20.48).epsilon(1e-9));
    CHECK(*r.self_sufficiency_pct ==
          Approx(std::clamp(100 * (e.load_kwh - e.import_kwh) / e.load_kwh, 0.0, 100.0)));
    // The battery moves purchases to the night: the system saves against both references.
    CHECK(r.saving_vs_no_system() > 0);
    CHECK(r.saving_vs_pv_only() > 0);
  }
  // Three bands in a peak month, two outside.
  CHECK(report("2025-08-01", "2025-08-31", 31).bands.count("peak") == 1);
  CHECK(report("2025-04-01", "2025-04-30", 30).bands.count("peak") == 0);
}

// Not run by default: prints the examples in docs/reports.md
// (sunbridge-unit-tests "[.report-example]").
TEST_CASE("print example reports of the simulated year", "[.report-example]") {
  SimulatedYear year;
  REQUIRE(year.zone);
  app::ControlApi& api = year.api;
  for (const auto& [period, date] :
       std::vector<std::pair<const char*, const char*>>{{"day", "2025-08-15"},
                                                        {"week", "2025-08-15"},
                                                        {"month", "2025-08-15"},
                                                        {"year", "2025-08-15"}}) {
    const auto r = api.report({{"period", period}, {"date", date}});
    std::printf("$ sunbridge report %s %s\n%s\n", period, date,
                cli::render_report(r, false).c_str());
  }
  const auto r = api.report({{"period", "month"}, {"date", "2025-08-15"}});
  std::printf("$ sunbridge report month 2025-08-15 --csv\n%s\n",
              cli::render_report(r, true).c_str());
}

// Writes the chart descriptions of the simulated year's 2025-08-15 (day, week, month) as JSON
// into $SUNBRIDGE_EXAMPLE_DIR, for sunbridge-plot to draw the examples in docs/reports.md.
TEST_CASE("write example charts of the simulated year", "[.plot-example]") {
  const char* out_dir = std::getenv("SUNBRIDGE_EXAMPLE_DIR");
  REQUIRE(out_dir != nullptr);
  SimulatedYear year;
  REQUIRE(year.zone);
  app::ControlApi& api = year.api;
  auto write = [&](const std::string& name, const nlohmann::json& chart) {
    std::ofstream(std::string(out_dir) + "/" + name + ".json") << chart.dump();
  };
  for (const char* kind : {"week", "month"}) {
    api.plot({{"kind", kind}, {"date", "2025-08-15"}}, [&](nlohmann::json reply) {
      REQUIRE(reply["ok"] == true);
      write(kind, reply["chart"]);
    });
  }
  // The day from the same household model, every 5 minutes, SOC from the battery's energy
  // (20.48 kWh) starting at 35 %.
  std::vector<domain::DayPlotSample> samples;
  double soc = 35;
  const int doy = 226;  // 15 August
  for (int minute = 0; minute <= 24 * 60; minute += 5) {
    const Powers p = household(minute, doy);
    samples.push_back({minute / 60.0, soc, p.pv, p.load, p.grid, p.battery});
    soc += p.battery * (5.0 / 60.0) / 20480.0 * 100.0;
  }
  const auto bands = domain::band_spans([&](int minute) {
    return year.tariff.band_at(CivilTime{2025, 8, 15, minute / 60, minute % 60, 0}).name;
  });
  write("day", adapters::plot_spec_to_json(
                   domain::day_plot("2025-08-15", samples, bands, 0.25, {"night", "day", "peak"})));
}

TEST_CASE("a day older than the raw samples is charted from the 1-minute means",
          "[unit][plot][tiers]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  testkit::TempDir dir;
  adapters::HistoryStore history(dir.file("h.db"));
  const app::TariffService tariff(adapters::TariffConfig{});
  // 2026-01-01, polled every 10 s, summarised but with no raw samples left (as after 7 days).
  const WallTime midnight = *from_local_civil({2026, 1, 1, 0, 0, 0});
  for (int s = 0; s <= 24 * 3600; s += 10) {
    const WallTime t = midnight + std::chrono::seconds(s);
    const double soc = s < 12 * 3600 ? 40.0 + (s % 60) / 10 : 80.0;  // a minute's mean: 42.5
    history.rollup({{"battery.soc", soc, "%", Quality::kOk, t, "", 0},
                    {"pv.power", 1000.0, "W", Quality::kOk, t, "", 0}},
                   t);
  }
  REQUIRE(history.flush().ok());
  adapters::Config config = adapters::default_config();
  const protocol::RegisterMap map = protocol::RegisterMap::embedded();
  ManualClock clock{*from_local_civil({2026, 1, 10, 12, 0, 0})};  // raw keeps 7 days
  domain::PointStore points{map.derived()};
  EventLoop loop;
  adapters::HistoryReader reader{dir.file("h.db"), loop};
  app::ControlApi api{app::ControlContext{config, map, clock, points, history, reader,
                                          [] { return app::DaemonFacts{}; }, nullptr, &tariff}};
  std::optional<nlohmann::json> got;
  api.plot({{"kind", "day"}, {"date", "2026-01-01"}}, [&](nlohmann::json r) { got = r; });
  for (int i = 0; i < 200 && !got; ++i)
    loop.run_once(20ms);
  REQUIRE(got);
  INFO(got->dump());
  REQUIRE((*got)["ok"] == true);
  const auto& soc_y = (*got)["chart"]["panels"][1]["lines"][0]["y"];
  REQUIRE(soc_y.size() == 24 * 60);  // one mean a minute, no gaps
  CHECK(soc_y[0].get<double>() == Approx(42.5));
  CHECK(soc_y[24 * 60 - 1].get<double>() == Approx(80.0));
}
