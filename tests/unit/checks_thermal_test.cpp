// SPDX-License-Identifier: Apache-2.0
// The charging rules and their lease, the cabinet fan and fan health: pure state machines.
#include <catch2/catch.hpp>

#include "check_feed.hpp"
#include "sunbridge/domain/checks/charging.hpp"
#include "sunbridge/domain/checks/fan.hpp"
#include "sunbridge/domain/checks/fan_health.hpp"

using namespace sb;
using namespace sb::domain::checks;
using namespace std::chrono_literals;

namespace {

using Feed = sb::test::CheckFeed;
using sb::test::kinds;

ChargingCheck quick_check() {
  ChargingRule r;
  r.hold = 600s;
  return ChargingCheck(r, {"battery.temperature", "pack.1.temp.1", "pack.1.temp.2"});
}

}  // namespace

TEST_CASE("charging below freezing: critical once, a 0 A lease at once, ended when charging stops",
          "[unit][checks]") {
  Feed f;
  ChargingCheck c = quick_check();
  f.set("battery.temperature", 12.0);
  f.set("pack.1.temp.2", 11.0);
  f.set("battery.current", 30.0, "A");
  CHECK(c.update(f.points, f.now).empty());
  CHECK(c.status().state == "normal");
  CHECK_FALSE(c.lease_a());

  f.now += 10s;
  f.set("battery.temperature", 3.0);
  f.set("pack.1.temp.2", -1.5);  // the coldest cell counts
  f.set("battery.current", 30.0, "A");
  auto e = c.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"thermal.charging.cold", "thermal.charge_limited"});
  CHECK(e[0].severity == Severity::kCritical);
  CHECK(e[0].details.at("coldest_c") == "-1.5");
  CHECK(e[1].details.at("limit_a") == "0");
  CHECK(c.lease_a() == 0.0);
  CHECK(c.status().level == Level::kCritical);

  f.now += 10s;  // still charging: the same event, nothing new
  f.set("pack.1.temp.2", -1.0);
  f.set("battery.current", 35.0, "A");
  CHECK(c.update(f.points, f.now).empty());

  f.now += 10s;  // a failed current reading ends nothing
  f.stale("battery.current");
  f.set("pack.1.temp.2", -1.0);
  CHECK(c.update(f.points, f.now).empty());

  f.now += 10s;
  f.set("pack.1.temp.2", -1.0);
  f.set("battery.current", 0.5, "A");
  e = c.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"thermal.charging.cold.ended"});
  CHECK(e[0].details.at("max_current_a") == "35.0");
  CHECK(e[0].details.at("duration_s") == "30");
  CHECK(c.lease_a() == 0.0);  // the lease stays: still below freezing
}

TEST_CASE("the lease loosens at most once per hold time and ends after the hold in band",
          "[unit][checks]") {
  Feed f;
  ChargingCheck c = quick_check();
  f.set("battery.temperature", -2.0);
  f.set("battery.current", 0.0, "A");
  REQUIRE(kinds(c.update(f.points, f.now)) == std::vector<std::string>{"thermal.charge_limited"});
  CHECK(c.lease_a() == 0.0);

  f.now += 60s;  // 4 C: still the freeze zone (resume at 5 C)
  f.set("battery.temperature", 4.0);
  f.set("battery.current", 0.0, "A");
  CHECK(c.update(f.points, f.now).empty());
  CHECK(c.zone() == ChargeZone::kFreezing);

  f.now += 60s;  // 7 C: the cool zone wants 20 A, but the last change is only 2 min old
  f.set("battery.temperature", 7.0);
  f.set("battery.current", 0.0, "A");
  CHECK(c.update(f.points, f.now).empty());
  CHECK(c.lease_a() == 0.0);
  CHECK(c.zone() == ChargeZone::kCool);

  f.now += 540s;  // 10 min after the 0 A lease: one step up to 20 A
  f.set("battery.temperature", 7.0);
  f.set("battery.current", 0.0, "A");
  auto e = c.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"thermal.charge_limited"});
  CHECK(c.lease_a() == 20.0);

  f.now += 60s;  // back in band (above 10 + 1 C hysteresis)
  f.set("battery.temperature", 11.5);
  f.set("battery.current", 0.0, "A");
  CHECK(c.update(f.points, f.now).empty());
  CHECK(c.zone() == ChargeZone::kNormal);
  f.now += 590s;
  f.set("battery.temperature", 15.0);
  f.set("battery.current", 0.0, "A");
  CHECK(c.update(f.points, f.now).empty());  // in band for 590 s < 600 s
  CHECK(c.lease_a() == 20.0);
  f.now += 10s;
  f.set("battery.temperature", 15.0);
  f.set("battery.current", 0.0, "A");
  e = c.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"thermal.charge_limited.ended"});
  CHECK_FALSE(c.lease_a());
}

TEST_CASE("a hot pack asks for reduced current, a margin below the BMS's own limit",
          "[unit][checks]") {
  Feed f;
  ChargingCheck c = quick_check();
  f.set("battery.temperature", 30.0);
  f.set("pack.1.temp.1", 46.0);
  f.set("battery.current", 25.0, "A");
  f.set("inverter.bms.charge_current_limit", 18.0, "A");  // the BMS already asks for less
  auto e = c.update(f.points, f.now);
  REQUIRE(kinds(e) == std::vector<std::string>{"thermal.charge_limited"});
  CHECK(c.zone() == ChargeZone::kHot);
  CHECK(c.lease_a() == 13.0);  // 18 - 5 A margin, below our own 20 A
  CHECK(c.status().state == "hot: reduced current");
  CHECK(c.status().level == Level::kWarning);
}

TEST_CASE("nothing fresh: no judgement and the lease stands", "[unit][checks]") {
  Feed f;
  ChargingCheck c = quick_check();
  f.set("battery.temperature", -3.0);
  (void)c.update(f.points, f.now);
  REQUIRE(c.lease_a() == 0.0);
  f.now += 3600s;  // everything stale
  CHECK(c.update(f.points, f.now).empty());
  CHECK(c.lease_a() == 0.0);
}

TEST_CASE("the cabinet fan: hysteresis, minimum on and off times, running when blind",
          "[unit][checks]") {
  Feed f;
  FanRule r;
  r.enabled = true;
  r.min_on = 120s;
  r.min_off = 60s;
  r.unknown_after = 300s;
  FanControl fan(r, {"battery.temperature", "inverter.temp.ambient"});
  auto temps = [&](double battery_c, double ambient_c) {
    f.set("battery.temperature", battery_c);
    f.set("inverter.temp.ambient", ambient_c);
  };
  temps(28.0, 25.0);
  CHECK_FALSE(fan.update(f.points, f.now));
  CHECK_FALSE(fan.on());
  f.now += 10s;
  temps(36.0, 25.0);
  CHECK(fan.update(f.points, f.now) == true);
  CHECK(fan.reason() == "battery.temperature 36.0 C");
  f.now += 10s;  // between the limits: stays on
  temps(32.0, 25.0);
  CHECK_FALSE(fan.update(f.points, f.now));
  CHECK(fan.on());
  f.now += 10s;  // below off_c, but on for only 20 s of its 120
  temps(29.0, 25.0);
  CHECK_FALSE(fan.update(f.points, f.now));
  CHECK(fan.on());
  f.now += 100s;
  temps(29.0, 25.0);
  CHECK(fan.update(f.points, f.now) == false);
  f.now += 30s;  // hot again after 30 s off: min_off holds it
  temps(40.0, 25.0);
  CHECK_FALSE(fan.update(f.points, f.now));
  f.now += 30s;
  temps(40.0, 25.0);
  CHECK(fan.update(f.points, f.now) == true);
  f.now += 130s;
  temps(20.0, 20.0);
  CHECK(fan.update(f.points, f.now) == false);

  // No reading: the state stands for unknown_after, then the fan runs to be safe.
  f.now += 290s;
  CHECK_FALSE(fan.update(f.points, f.now));
  f.now += 20s;
  CHECK(fan.update(f.points, f.now) == true);
  CHECK(fan.reason() == "no temperature reading: running to be safe");
}

TEST_CASE("fan health: learns the rise per load band and warns on a sustained excess",
          "[unit][checks]") {
  Feed f;
  FanHealthRule r;
  r.sample_every = 0s;
  r.min_samples = 10;
  r.sustain = 60s;
  FanHealth h(r);
  auto feed = [&](double load_w, double heatsink_c) {
    f.set("load.power", load_w, "W");
    f.set("inverter.temp.ambient", 25.0);
    f.set("inverter.temp.dcac", heatsink_c);
    return h.update(f.points, f.now);
  };
  for (int i = 0; i < 11; ++i) {  // 10 samples learned, judged from the 11th
    f.now += 10s;
    CHECK(feed(1400, 42.0 + (i % 3) * 0.5).empty());  // rises 17.0-18.0 C
  }
  CHECK(h.status().state == "normal");
  REQUIRE(h.expected(1400));
  CHECK(h.expected(1400)->median_c == Approx(17.5));
  CHECK_FALSE(h.expected(3000));  // another load band: not learned yet

  f.now += 10s;  // hot at a load never learned: no verdict
  CHECK(feed(3000, 60.0).empty());
  f.now += 10s;  // a short excess at the learned load: not sustained yet
  CHECK(feed(1400, 49.0).empty());
  f.now += 10s;
  CHECK(feed(1400, 42.5).empty());
  for (int i = 0; i < 6; ++i) {
    f.now += 10s;
    CHECK(feed(1400, 49.0).empty());
  }
  f.now += 10s;
  auto e = feed(1400, 49.5);
  REQUIRE(kinds(e) == std::vector<std::string>{"cooling.fan_degraded"});
  CHECK(e[0].details.at("usual_c") == "17.5");
  CHECK(h.status().level == Level::kWarning);
  const auto learned = h.samples().size();
  f.now += 10s;
  CHECK(feed(1400, 50.0).empty());
  CHECK(h.samples().size() == learned);  // a degraded fan is not learned as normal
  f.now += 10s;
  e = feed(1400, 42.5);
  REQUIRE(kinds(e) == std::vector<std::string>{"cooling.fan_degraded.cleared"});

  FanHealth restored(r);  // what was learned survives a restart
  restored.restore({h.samples().begin(), h.samples().end()});
  REQUIRE(restored.expected(1400));
  CHECK(restored.expected(1400)->samples == h.expected(1400)->samples);
}
