// SPDX-License-Identifier: Apache-2.0
// Energy from power: the integration, the gaps, the booking by day and band, and lifetime
// counters that never go backwards (docs/reports.md).
#include <catch2/catch.hpp>

#include "sunbridge/adapters/energy_store.hpp"
#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/app/energy_accounts.hpp"
#include "sunbridge/core/local_time.hpp"
#include "testkit/process.hpp"

using namespace sb;
using namespace std::chrono_literals;

namespace {

domain::PowerSample sample(WallTime ts, double pv, double load, double grid, double battery) {
  return {ts, pv, load, grid, battery};
}

WallTime jst(int y, int mo, int d, int h, int mi = 0, int s = 0) {
  auto t = from_local_civil({y, mo, d, h, mi, s});
  REQUIRE(t);
  return *t;
}

Point power(const char* name, double w, WallTime ts) {
  return Point{name, w, "W", Quality::kOk, ts, "", 0};
}

void feed(domain::PointStore& points, WallTime ts, double pv, double load, double grid,
          double battery) {
  points.apply({{power("pv.power", pv, ts), power("load.power", load, ts),
                 power("grid.power", grid, ts), power("battery.power", battery, ts)},
                {},
                {},
                60s});
}

}  // namespace

TEST_CASE("a linear flow's area, split exactly where it changes sign", "[unit][energy]") {
  auto a = domain::integrate_linear(1000, 3000, 0.5);
  CHECK(a.positive_wh == Approx(1000));
  CHECK(a.negative_wh == 0);
  a = domain::integrate_linear(-400, -400, 2);
  CHECK(a.negative_wh == Approx(800));
  // From +1000 W to -3000 W in one hour: 0 W at 15 minutes.
  a = domain::integrate_linear(1000, -3000, 1);
  CHECK(a.positive_wh == Approx(1000 * 0.25 / 2));
  CHECK(a.negative_wh == Approx(3000 * 0.75 / 2));
}

TEST_CASE("the meter integrates polls, and leaves gaps as gaps", "[unit][energy]") {
  domain::EnergyMeter meter(30s);
  const WallTime t0{std::chrono::hours(24 * 20000)};
  CHECK(meter.add(sample(t0, 2000, 500, -100, 1400)).empty());  // nothing before the first
  auto f = meter.add(sample(t0 + 10s, 2000, 500, 300, 1400));
  CHECK(f.pv_kwh == Approx(2000.0 * 10 / 3600 / 1000));
  CHECK(f.load_kwh == Approx(500.0 * 10 / 3600 / 1000));
  CHECK(f.grid_export_kwh == Approx(100.0 * 2.5 / 2 / 3600 / 1000));  // -100 W to 0 in 2.5 s
  CHECK(f.grid_import_kwh == Approx(300.0 * 7.5 / 2 / 3600 / 1000));
  CHECK(f.battery_charge_kwh == Approx(1400.0 * 10 / 3600 / 1000));
  CHECK(f.battery_discharge_kwh == 0);
  // The link was down for a minute: nothing is invented across it.
  CHECK(meter.add(sample(t0 + 70s, 2000, 500, 300, -900)).empty());
  // A missing value breaks only its own flow.
  domain::PowerSample partial{t0 + 80s, 2000, std::nullopt, 300, -900};
  f = meter.add(partial);
  CHECK(f.pv_kwh > 0);
  CHECK(f.load_kwh == 0);
  CHECK(f.battery_discharge_kwh == Approx(900.0 * 10 / 3600 / 1000));
}

TEST_CASE("energy accounts: booked by day and band, lifetime saved before it is shown",
          "[unit][energy]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  testkit::TempDir dir;
  adapters::HistoryStore history(dir.file("h.db"));
  Logger log(LogLevel::kError);
  domain::PointStore points{std::vector<DerivedPoint>{}};
  const app::TariffService tariff(adapters::TariffConfig{});
  // 22:59:50 to 23:00:10: the day band, then night.
  const WallTime t0 = jst(2026, 12, 2, 22, 59, 50);
  {
    app::EnergyAccounts accounts(history.db(), tariff, points, log, 30s, t0);
    CHECK(points.get("energy.grid.import.lifetime", t0)->value == PointValue{0.0});
    for (int i = 0; i <= 2; ++i) {
      const WallTime t = t0 + i * 10s;
      feed(points, t, 0, 3600, 3600, 0);  // 3.6 kW bought: 10 Wh per 10 s
      accounts.on_poll(t, true);
    }
    // Not shown before it is saved: a crash can lose it, never take a counter backwards.
    CHECK(std::get<double>(points.get("energy.grid.import.lifetime", t0)->value) == 0.0);
    accounts.save(t0 + 20s);
    CHECK(std::get<double>(points.get("energy.grid.import.lifetime", t0)->value) == Approx(0.020));
    // While the clock is not trusted the lifetime counts, the day book does not.
    feed(points, t0 + 30s, 0, 3600, 3600, 0);
    accounts.on_poll(t0 + 30s, false);
    accounts.save(t0 + 30s);
    CHECK(std::get<double>(points.get("energy.grid.import.lifetime", t0)->value) == Approx(0.030));
  }
  auto rows = adapters::EnergyStore(history.db()).query("2026-12-02", "2026-12-02");
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[0].band == "day");
  CHECK((*rows)[0].flows.grid_import_kwh == Approx(0.010));
  CHECK((*rows)[1].band == "night");
  CHECK((*rows)[1].flows.grid_import_kwh == Approx(0.010));
  CHECK((*rows)[1].flows.load_kwh == Approx(0.010));

  // A restart continues from what was saved.
  domain::PointStore again{std::vector<DerivedPoint>{}};
  app::EnergyAccounts restarted(history.db(), tariff, again, log, 30s, t0 + 1h);
  CHECK(std::get<double>(again.get("energy.grid.import.lifetime", t0)->value) == Approx(0.030));

  // Damaged counters are not replaced by 0: unavailable, and nothing is saved over them.
  REQUIRE(adapters::SettingsStore(history.db())
              .put("energy.lifetime", nlohmann::json{{"energy.pv.lifetime", "lots"}}, t0)
              .ok());
  domain::PointStore damaged{std::vector<DerivedPoint>{}};
  app::EnergyAccounts broken(history.db(), tariff, damaged, log, 30s, t0 + 2h);
  const auto p = damaged.get("energy.grid.import.lifetime", t0 + 2h);
  CHECK(p->quality == Quality::kInvalid);
  CHECK(p->note.find("damaged") != std::string::npos);
  feed(damaged, t0 + 2h, 0, 3600, 3600, 0);
  broken.on_poll(t0 + 2h, true);
  feed(damaged, t0 + 2h + 10s, 0, 3600, 3600, 0);
  broken.on_poll(t0 + 2h + 10s, true);
  broken.save(t0 + 2h + 10s);
  CHECK(adapters::SettingsStore(history.db()).get("energy.lifetime").value()->dump() ==
        R"({"energy.pv.lifetime":"lots"})");
}

TEST_CASE("a whole day counted is compared with the inverter's daily counters", "[unit][energy]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  testkit::TempDir dir;
  adapters::HistoryStore history(dir.file("h.db"));
  Logger log(LogLevel::kError);
  const app::TariffService tariff(adapters::TariffConfig{});
  CHECK(domain::compare_with_inverter({24.0, 12.0}, 24.2, 12.4).empty());  // within 0.5 kWh
  const auto far = domain::compare_with_inverter({24.0, 12.0}, 24.0, 6.0);
  REQUIRE(far.size() == 1);
  CHECK(far[0].flow == "load");

  auto run_day = [&](WallTime from, WallTime to) {
    std::vector<Event> events;
    domain::PointStore points{std::vector<DerivedPoint>{}};
    app::EnergyAccounts accounts(history.db(), tariff, points, log, 30s, from,
                                 [&](const Event& e) { events.push_back(e); });
    for (WallTime t = from; t <= to; t += 10s) {
      feed(points, t, 1000, 500, 0, 500);
      points.apply({{Point{"energy.pv.today", 24.0, "kWh", Quality::kOk, t, "", 1},
                     Point{"energy.load.today", 6.0, "kWh", Quality::kOk, t, "", 1}},
                    {},
                    {},
                    60s});
      accounts.on_poll(t, true);
    }
    return events;
  };
  // Counted from midnight to the next: PV agrees (24 kWh), load does not (12 against 6).
  auto events = run_day(jst(2026, 12, 1, 0, 0, 0), jst(2026, 12, 2, 0, 0, 10));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == "energy.mismatch");
  CHECK(events[0].message.rfind("load energy on 2026-12-01: the gateway counted 12.00 kWh, the "
                                "inverter 6.00 kWh",
                                0) == 0);
  // A day the gateway joined at 00:30 is not complete: nothing is compared.
  CHECK(run_day(jst(2026, 12, 1, 0, 30, 0), jst(2026, 12, 2, 0, 0, 10)).empty());
}

TEST_CASE("whole measured days are kept for the load forecast, partial ones are not",
          "[unit][energy]") {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  testkit::TempDir dir;
  adapters::HistoryStore history(dir.file("h.db"));
  Logger log(LogLevel::kError);
  const app::TariffService tariff(adapters::TariffConfig{});
  // Polls every 10 s from `from` to `to`, with a silence (no live poll) over [gap_from, gap_to).
  auto run = [&](WallTime from, WallTime to, WallTime gap_from, WallTime gap_to) {
    domain::PointStore points{std::vector<DerivedPoint>{}};
    app::EnergyAccounts accounts(history.db(), tariff, points, log, 30s, from);
    for (WallTime t = from; t <= to; t += 10s) {
      if (t >= gap_from && t < gap_to) continue;
      feed(points, t, 0, 1250, 1250, 0);  // 1.25 kW all day: 30 kWh
      accounts.on_poll(t, true);
    }
  };
  const WallTime never = jst(2000, 1, 1, 0);
  CHECK(app::read_measured_days(history.db()).empty());
  run(jst(2026, 12, 1, 0, 0, 0), jst(2026, 12, 2, 0, 0, 10), never, never);
  auto days = app::read_measured_days(history.db());
  REQUIRE(days.size() == 1);
  CHECK(domain::format_date(days[0].day) == "2026-12-01");
  CHECK(days[0].load_kwh == Approx(30.0).margin(0.01));
  // Joined at 00:30: not whole. Silent from 23:00 until the next day's first poll: not whole
  // either (the end of the day went uncounted).
  run(jst(2026, 12, 2, 0, 30, 0), jst(2026, 12, 3, 0, 0, 10), never, never);
  run(jst(2026, 12, 3, 0, 0, 0), jst(2026, 12, 4, 0, 0, 10), jst(2026, 12, 3, 23, 0),
      jst(2026, 12, 4, 0, 0, 5));
  CHECK(app::read_measured_days(history.db()).size() == 1);
}
