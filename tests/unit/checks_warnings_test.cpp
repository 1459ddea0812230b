// SPDX-License-Identifier: Apache-2.0
// The statutory band, the power-quality report and the early warnings: pure state machines.
#include <catch2/catch.hpp>

#include "check_feed.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/checks/battery_warnings.hpp"
#include "sunbridge/domain/checks/daily_patterns.hpp"
#include "sunbridge/domain/checks/pq_report.hpp"
#include "sunbridge/domain/checks/slot_watch.hpp"

using namespace sb;
using namespace sb::domain::checks;
using namespace std::chrono_literals;

namespace {

using Feed = sb::test::CheckFeed;
using sb::test::kinds;

WallTime jst(int y, int mo, int d, int h, int mi) {
  REQUIRE(set_process_timezone("Asia/Tokyo").ok());
  return *from_local_civil({y, mo, d, h, mi, 0});
}

}  // namespace

TEST_CASE("statutory band: 10-minute means, flagged intervals apart, one event per spell",
          "[unit][checks]") {
  Feed f(jst(2026, 5, 10, 12, 0));
  StatutoryBand band({});
  auto minute = [&](double l1, double l2, bool disturbed = false) {
    f.set("grid.l1.voltage", l1, "V");
    f.set("grid.l2.voltage", l2, "V");
    auto e = band.update(f.points, f.now, disturbed);
    f.now += 60s;
    return e;
  };
  for (int i = 0; i < 10; ++i)  // 12:00-12:10: 101 V
    CHECK(minute(101.0, 100.0).empty());
  std::vector<Event> e;
  for (int i = 0; i < 10; ++i) {  // 12:10-12:20: mean 108 V on L1 (beyond 107 V)
    auto more = minute(i < 5 ? 107.5 : 108.5, 100.0);
    e.insert(e.end(), more.begin(), more.end());
  }
  auto closed = band.take_closed();
  REQUIRE(closed.size() == 3);  // the first interval: L1, L1-L2, L2
  CHECK(closed[0].leg == "L1");
  CHECK(closed[0].mean_v == Approx(101.0));
  CHECK(closed[0].within);
  CHECK(closed[1].leg == "L1-L2");
  CHECK(closed[1].mean_v == Approx(201.0));
  CHECK(closed[2].leg == "L2");
  for (int i = 0; i < 10; ++i) {  // 12:20-12:30: a dip inside: flagged, not judged
    auto more = minute(i == 3 ? 80.0 : 101.0, 100.0, i == 3);
    e.insert(e.end(), more.begin(), more.end());
  }
  REQUIRE(kinds(e) == std::vector<std::string>{"pq.band"});
  CHECK(e[0].details.at("legs") == "L1 108.0 V");
  closed = band.take_closed();
  REQUIRE(closed.size() == 3);
  CHECK_FALSE(closed[0].within);
  CHECK(closed[0].mean_v == Approx(108.0));
  for (int i = 0; i < 10; ++i)  // 12:30-12:40: normal again
    e = minute(101.0, 100.0);
  closed = band.take_closed();
  REQUIRE(closed.size() == 3);
  CHECK(closed[0].flagged);
  CHECK(e.empty());  // a flagged interval gives no verdict
  e = minute(101.0, 100.0);
  REQUIRE(kinds(e) == std::vector<std::string>{"pq.band.ended"});
  CHECK(e[0].details.at("duration_min") == "20");
  closed = band.take_closed();

  std::vector<PqInterval> all = {
      {f.now, "L1", 101, 100, 102, 10, false, true},
      {f.now, "L1", 108, 107, 109, 10, false, false},
      {f.now, "L1", 95, 80, 101, 10, true, false},
      {f.now, "L2", 100, 99, 101, 10, false, true},
  };
  std::vector<Event> events = {
      {f.now, "pq.dip", Severity::kWarning, "", {}},
      {f.now, "pq.dip.ended", Severity::kInfo, "", {}},
      {f.now, "pq.band", Severity::kWarning, "", {}},
      {f.now, "grid.outage.ended", Severity::kInfo, "", {{"class", "short"}, {"duration_s", "40"}}},
      {f.now, "grid.outage.ended", Severity::kInfo, "", {{"class", "long"}, {"duration_s", "600"}}},
  };
  const PqReport r = pq_report(all, events);
  REQUIRE(r.legs.size() == 3);
  CHECK(r.legs[0].judged() == 2);
  CHECK(*r.legs[0].within_pct() == Approx(50.0));
  CHECK(*r.legs[0].min_v == 80);
  CHECK(*r.legs[0].max_v == 109);
  CHECK(*r.legs[1].within_pct() == Approx(100.0));
  CHECK_FALSE(r.legs[2].within_pct());
  CHECK(r.events.at("dip") == 1);
  CHECK(r.events.at("band") == 1);
  CHECK(r.outages_short == 1);
  CHECK(r.outages_long == 1);
  CHECK(r.outage_s == Approx(640));
}

TEST_CASE("a battery voltage swinging at a steady current is one warning", "[unit][checks]") {
  Feed f(jst(2026, 5, 10, 12, 0));
  VoltageSwing swing({});
  std::vector<Event> e;
  for (int i = 0; i < 10; ++i) {  // steady: 52.4 V +/- 0.1
    f.set("battery.voltage", 52.4 + (i % 2) * 0.1, "V");
    f.set("battery.current", -10.0 + (i % 2), "A");
    auto more = swing.update(f.points, f.now);
    e.insert(e.end(), more.begin(), more.end());
    f.now += 30s;
  }
  CHECK(e.empty());
  CHECK(swing.status().state == "normal");
  for (int i = 0; i < 6; ++i) {  // 1.6 V swings at -10 A
    f.set("battery.voltage", i % 2 ? 53.4 : 51.8, "V");
    f.set("battery.current", -10.0, "A");
    auto more = swing.update(f.points, f.now);
    e.insert(e.end(), more.begin(), more.end());
    f.now += 30s;
  }
  REQUIRE(kinds(e) == std::vector<std::string>{"battery.voltage_swing"});
  CHECK(e[0].details.at("swing_v") == "1.60");
  e.clear();
  for (int i = 0; i < 12; ++i) {  // steady again: cleared once the window has no swing
    f.set("battery.voltage", 52.4, "V");
    f.set("battery.current", -10.0, "A");
    auto more = swing.update(f.points, f.now);
    e.insert(e.end(), more.begin(), more.end());
    f.now += 30s;
  }
  CHECK(kinds(e) == std::vector<std::string>{"battery.voltage_swing.cleared"});

  // A voltage that moves with a changing current is the battery's resistance, not a fault.
  VoltageSwing loaded({});
  e.clear();
  for (int i = 0; i < 10; ++i) {
    f.set("battery.voltage", i % 2 ? 53.4 : 51.8, "V");
    f.set("battery.current", i % 2 ? 80.0 : -80.0, "A");
    auto more = loaded.update(f.points, f.now);
    e.insert(e.end(), more.begin(), more.end());
    f.now += 30s;
  }
  CHECK(e.empty());
}

TEST_CASE("SOC against the resting voltage: only where the LFP curve can tell", "[unit][checks]") {
  // The flat middle of the curve: 52.8 V (3.30 V per cell) allows a wide range.
  const SocRange mid = soc_range_at_rest(52.8, 0.24);
  CHECK(mid.low_pct == Approx(45.0));                  // 3.285 V per cell
  CHECK(mid.high_pct == Approx(67.5));                 // 3.315 V per cell
  const SocRange low = soc_range_at_rest(51.2, 0.24);  // 3.20 V per cell: about 10 %
  CHECK(low.high_pct < 20);

  Feed f(jst(2026, 5, 10, 2, 0));
  OcvRule r;
  r.rest = 600s;
  SocVoltageCheck check(r);
  auto feed = [&](double v, double a, double soc) {
    f.set("battery.voltage", v, "V");
    f.set("battery.current", a, "A");
    f.set("battery.soc", soc, "%");
    auto e = check.update(f.points, f.now);
    f.now += 60s;
    return e;
  };
  CHECK(feed(51.2, -40, 60).empty());  // under load: not an open-circuit voltage
  std::vector<Event> e;
  for (int i = 0; i < 12; ++i) {
    auto more = feed(51.2, 0.5, 60);  // at rest, 10 % by voltage, 60 % by the BMS
    e.insert(e.end(), more.begin(), more.end());
  }
  REQUIRE(kinds(e) == std::vector<std::string>{"battery.soc_vs_voltage"});
  CHECK(e[0].details.at("soc_pct") == "60.0");
  e = feed(52.8, 0.5, 55);  // inside 40-70 %: agrees again
  CHECK(kinds(e) == std::vector<std::string>{"battery.soc_vs_voltage.cleared"});
}

TEST_CASE("morning SOC and daytime charge against the last 14 days", "[unit][checks]") {
  DailyRule rule;
  DailyPatterns daily(rule);
  Feed f(jst(2026, 5, 1, 6, 0));
  auto day = [&](int d, double morning_soc, int full_hour) {
    std::vector<Event> out;
    for (int h = 6; h <= 18; ++h) {
      f.now = jst(2026, 5, d, h, 0);
      f.set("battery.soc", h == 7 ? morning_soc : h >= full_hour ? 100.0 : 80.0, "%");
      f.set("energy.pv.today", h, "kWh");
      auto e = daily.update(f.points, f.now);
      out.insert(out.end(), e.begin(), e.end());
    }
    return out;
  };
  for (int d = 1; d <= 7; ++d)
    CHECK(day(d, 60.0 + d % 3, 12).empty());  // usual: 60-62 % at 07:00, full at 12:00
  auto e = day(8, 45.0, 15);                  // 16 points low; full at 15:00 (late by 3 h)
  REQUIRE(kinds(e) == std::vector<std::string>{"battery.morning_soc_low", "battery.charge_late"});
  CHECK(e[0].details.at("median_pct") == "61.0");
  CHECK(e[1].details.at("usual") == "12:00");
  CHECK(day(9, 60.0, 12).empty());

  DailyPatterns restored(rule);  // the memory survives a restart
  restored.restore(daily.to_json());
  CHECK(restored.to_json() == daily.to_json());
}

TEST_CASE("a month's PV 20 % below the same month last year is a warning", "[unit][checks]") {
  DailyPatterns daily({});
  Feed f(jst(2025, 4, 1, 12, 0));
  std::vector<Event> e;
  // April 2025 to May 2026, one reading at noon and one at 23:00 each day.
  for (WallTime t = jst(2025, 4, 1, 12, 0); t < jst(2026, 6, 1, 13, 0); t += 24h) {
    const CivilTime c = to_local_civil(t);
    const double kwh = (c.year == 2026 && c.month == 5) ? 7.0 : 10.0;  // May 2026: 30 % down
    for (int hour : {12, 23}) {
      f.now = *from_local_civil({c.year, c.month, c.day, hour, 0, 0});
      f.set("energy.pv.today", kwh, "kWh");
      auto more = daily.update(f.points, f.now);
      e.insert(e.end(), more.begin(), more.end());
    }
  }
  REQUIRE(kinds(e) == std::vector<std::string>{"pv.monthly_low"});
  CHECK(e[0].details.at("month") == "2026-05");
  CHECK(e[0].details.at("change_pct") == "-30.0");
  CHECK(e[0].details.at("last_year_kwh") == "310.0");
}

TEST_CASE("slot watch: measures each night's slots every morning with the inverter's times",
          "[unit][checks]") {
  SlotWatchRule rule;
  rule.min_nights = 2;
  SlotWatch watch(rule);
  Feed f(jst(2026, 5, 10, 20, 0));
  std::vector<Event> e;
  double soc = 50;
  for (WallTime t = jst(2026, 5, 10, 20, 0); t < jst(2026, 5, 13, 8, 0); t += 60s) {
    f.now = t;
    const CivilTime c = to_local_civil(t);
    const int minute = c.hour * 60 + c.minute;
    // Slot 2 (04:30-06:55) charges at 40 A; slot 1 (23:55-03:00) does nothing.
    const bool charging = minute >= 270 && minute < 415;
    const double amps = charging ? 40.0 : -5.0;
    soc += amps / 60.0 / 400.0 * 100.0;
    f.set("battery.soc", soc, "%");
    f.set("battery.current", amps, "A");
    f.set("battery.voltage", 52.0, "V");
    f.text("setting.p40", "23:55");
    f.text("setting.p41", "03:00");
    f.text("setting.p42", "04:30");
    f.text("setting.p43", "06:55");
    auto more = watch.update(f.points, f.now);
    e.insert(e.end(), more.begin(), more.end());
  }
  // Mornings of 11, 12 and 13 May: the second finds slot 1 empty on 2 nights.
  REQUIRE(kinds(e) == std::vector<std::string>{"check.slot_ineffective"});
  CHECK(e[0].details.at("slot") == "slot 1 (40-41)");
  CHECK(e[0].details.at("nights_without_charge") == "2");
  CHECK(watch.status().state ==
        "slot 1 (40-41): charged on 0 of 3 nights; slot 2 (42-43): charged on 3 of 3 nights");
  CHECK(watch.status().level == Level::kWarning);
  SlotWatch restored(rule);
  restored.restore(watch.to_json());
  CHECK(restored.nights().size() == watch.nights().size());
}
