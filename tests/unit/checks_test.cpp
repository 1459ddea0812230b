// SPDX-License-Identifier: Apache-2.0
// The checks as pure state machines: point values and a clock in, events out.
#include <catch2/catch.hpp>

#include "check_feed.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/checks/engine.hpp"

using namespace sb;
using namespace sb::domain::checks;
using namespace std::chrono_literals;

using Feed = sb::test::CheckFeed;
using sb::test::kinds;

TEST_CASE("a dip on L1 only: one event, ended when every leg is back, duration as a range",
          "[unit][checks]") {
  Feed f;
  VoltageEvents pq({});
  f.legs(101.2, 100.8);
  CHECK(pq.update(f.points, f.now).empty());
  const WallTime last_normal = f.now;
  f.now += 10s;
  f.legs(85.0, 100.8);  // 84 % of 101 V
  auto e = pq.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"pq.dip"});
  CHECK(e[0].severity == Severity::kWarning);
  CHECK(e[0].details.at("leg") == "L1");
  CHECK(e[0].details.at("measurement") == "polled RMS");
  CHECK(pq.status().state == "dip");
  f.now += 10s;
  f.legs(80.0, 100.8);  // deeper: the same event, a new extreme
  CHECK(pq.update(f.points, f.now).empty());
  f.now += 10s;
  f.legs(101.0, 100.8);
  e = pq.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"pq.dip.ended"});
  CHECK(e[0].details.at("duration_min_s") == "10.0");  // first to last abnormal poll
  CHECK(e[0].details.at("duration_max_s") ==
        std::to_string((f.now - last_normal) / 1s) + ".0");  // last normal to first normal
  CHECK(e[0].details.at("extreme_percent") == "79.2");
  CHECK(pq.status().state == "normal");
}

TEST_CASE("a voltage flapping around the dip limit is one event (hysteresis)", "[unit][checks]") {
  Feed f;
  VoltageEvents pq({});
  std::vector<std::string> all;
  for (int i = 0; i < 20; ++i) {
    f.now += 10s;
    f.legs(i % 2 == 0 ? 90.5 : 91.8, 101.0);  // 89.6 % and 90.9 %: in and out of < 90 %
    auto e = pq.update(f.points, f.now);
    for (auto& k : kinds(e))
      all.push_back(k);
  }
  CHECK(all == std::vector<std::string>{"pq.dip"});  // 90.9 % is not 2 % back inside
  f.now += 10s;
  f.legs(93.0, 101.0);  // 92.1 %: out
  CHECK(kinds(pq.update(f.points, f.now)) == std::vector<std::string>{"pq.dip.ended"});
}

TEST_CASE("a failed poll neither starts nor ends a voltage event", "[unit][checks]") {
  Feed f;
  VoltageEvents pq({});
  f.legs(101.0, 101.0);
  (void)pq.update(f.points, f.now);
  f.now += 10s;
  f.stale("grid.l1.voltage");
  f.stale("grid.l2.voltage");
  CHECK(pq.update(f.points, f.now).empty());  // no values: no dip, no interruption
  f.now += 10s;
  f.legs(3.0, 2.0);  // an interruption on both legs
  auto e = pq.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"pq.interruption"});
  CHECK(e[0].severity == Severity::kCritical);
  f.now += 10s;
  f.stale("grid.l1.voltage");
  f.set("grid.l2.voltage", 101.0);  // L2 back, L1 unknown: not over
  CHECK(pq.update(f.points, f.now).empty());
  f.now += 10s;
  f.legs(101.0, 101.0);
  CHECK(kinds(pq.update(f.points, f.now)) == std::vector<std::string>{"pq.interruption.ended"});
}

TEST_CASE("a swell on both legs and leg to leg is one event", "[unit][checks]") {
  Feed f;
  VoltageEvents pq({});
  f.legs(112.5, 112.0);
  auto e = pq.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"pq.swell"});
  f.now += 10s;
  f.legs(101.0, 101.0);
  CHECK(kinds(pq.update(f.points, f.now)) == std::vector<std::string>{"pq.swell.ended"});
}

TEST_CASE("temperature bands: minimum duration, hysteresis, escalation, one clearing",
          "[unit][checks]") {
  Feed f;
  BandRule r;
  r.name = "thermal.battery";
  r.label = "battery temperature";
  r.points = {"pack.1.temp.1", "pack.2.temp.1"};
  r.unit = "C";
  r.warning_above = 25;
  r.critical_above = 40;
  r.hysteresis = 1;
  r.min_duration = 60s;
  BandCheck c(r);
  f.set("pack.1.temp.1", 24.0, "C");
  f.set("pack.2.temp.1", 26.0, "C");  // the warmest sensor counts
  CHECK(c.update(f.points, f.now).empty());
  const WallTime first_seen = f.now;
  f.now += 30s;
  f.set("pack.2.temp.1", 26.5, "C");
  CHECK(c.update(f.points, f.now).empty());  // not for a minute yet
  f.now += 30s;
  f.set("pack.2.temp.1", 26.2, "C");
  auto e = c.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"thermal.battery.warning"});
  CHECK(e[0].details.at("point") == "pack.2.temp.1");
  CHECK(e[0].details.at("start") == format_iso8601_utc(first_seen));
  f.now += 10s;
  f.set("pack.2.temp.1", 24.5, "C");  // inside the band, but not by the hysteresis
  f.set("pack.1.temp.1", 24.0, "C");
  CHECK(c.update(f.points, f.now).empty());
  CHECK(c.status().level == Level::kWarning);
  f.now += 10s;
  f.set("pack.2.temp.1", 41.0, "C");
  f.set("pack.1.temp.1", 24.0, "C");
  CHECK(c.update(f.points, f.now).empty());  // critical needs its minute too
  f.now += 60s;
  f.set("pack.2.temp.1", 42.0, "C");
  f.set("pack.1.temp.1", 24.0, "C");
  e = c.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"thermal.battery.critical"});
  CHECK(e[0].severity == Severity::kCritical);
  f.now += 10s;
  f.set("pack.2.temp.1", 23.0, "C");
  f.set("pack.1.temp.1", 23.0, "C");
  e = c.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"thermal.battery.cleared"});
  CHECK(e[0].details.at("extreme") == "42.0");
  CHECK(e[0].details.at("level") == "critical");
  CHECK(c.status().state == "normal");
}

TEST_CASE("the engine runs every check from configuration and reports their states",
          "[unit][checks]") {
  Feed f;
  ChecksConfig config;
  config.frequency_min_duration = 0s;
  CheckEngine engine(config);
  f.legs(101.0, 101.0);
  f.set("grid.frequency", 60.5, "Hz");
  f.set("inverter.temp.dcac", 41.0, "C");
  auto e = engine.update(f.points, f.now);
  CHECK(kinds(e) == std::vector<std::string>{"pq.frequency.warning"});
  std::vector<std::string> names;
  for (const auto& s : engine.statuses())
    names.push_back(s.name);
  CHECK(names == std::vector<std::string>{"pq.voltage", "pq.band", "grid.outage", "pq.frequency",
                                          "thermal.battery", "thermal.inverter", "thermal.charging",
                                          "cooling.fan_health", "battery.voltage_swing",
                                          "battery.soc_vs_voltage", "battery.morning_soc",
                                          "battery.daytime_full", "pv.monthly", "charge.slots"});
  ChecksConfig off;
  off.enabled = false;
  CHECK(CheckEngine(off).update(f.points, f.now).empty());
}

TEST_CASE("a grid outage: start, end, short or long, and the battery's energy", "[unit][checks]") {
  Feed f;
  OutageCheck outage({});
  f.legs(101.0, 101.0);
  f.set("battery.power", 500, "W");  // charging
  CHECK(outage.update(f.points, f.now).empty());
  f.now += 10s;
  f.legs(0.0, 0.4);
  f.set("battery.power", -1800, "W");
  auto e = outage.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"grid.outage"});
  CHECK(e[0].severity == Severity::kCritical);
  for (int i = 0; i < 36; ++i) {  // 6 minutes at 1.8 kW
    f.now += 10s;
    f.legs(0.0, 0.0);
    f.set("battery.power", -1800, "W");
    CHECK(outage.update(f.points, f.now).empty());
  }
  f.now += 10s;
  f.stale("grid.l1.voltage");  // a failed poll does not end it
  CHECK(outage.update(f.points, f.now).empty());
  f.legs(100.5, 100.9);
  f.set("battery.power", -1800, "W");
  e = outage.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"grid.outage.ended"});
  CHECK(e[0].details.at("class") == "long");
  CHECK(e[0].details.at("duration_s") == "370");
  // 370 s at 1.8 kW (the failed poll adds nothing; its interval is counted at the next one)
  CHECK(std::stod(e[0].details.at("battery_kwh")) == Approx(0.185).margin(0.0005));
}
