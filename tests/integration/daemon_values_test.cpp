// SPDX-License-Identifier: Apache-2.0
// For every inverter point, the value the daemon reports equals the value the simulator holds.
// The simulator encodes registers with its own table (src/sim/register_image.cpp), not the
// daemon's JSON map, so an address, scale or sign mistake in either shows up here.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <thread>

#include "harness.hpp"
#include "points_md.hpp"

using namespace sb::it;

TEST_CASE("every inverter value the daemon reports equals the simulator's", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir, {"--clock-offset-s", "120"});
  // Values chosen to catch the classic mistakes.
  sim.set("battery.current", 12.5);  // charging: negative on the wire
  sim.set("grid.l1.voltage", 101.3);
  sim.set("grid.l2.voltage", 99.1);  // L2 differs from L1
  sim.set("grid.l1.current", 11.8);
  sim.set("grid.l2.current", 3.4);
  sim.set("grid.l1.power", 1200);          // importing
  sim.set("grid.l2.power", -350);          // exporting
  sim.set("inverter.temp.ambient", -5.2);  // below zero
  sim.set("battery.temperature", -3.4);
  sim.set("energy.pv.total", 7000.5);  // raw 70005 > 65535: both words matter
  sim.set("energy.grid.total", 12345.6);
  sim.set("load.l2.power", 1733);
  sim.control({{"cmd", "faults"}, {"codes", {12, 0, 58, 0}}});
  sim.control({{"cmd", "state"}, {"value", 2}});
  sim.control({{"cmd", "charge-state"}, {"value", 4}});

  Daemon d(dir, sim.link());
  json s = d.wait_for([](const json& st) {
    return fresh(st, "battery.current") && fresh(st, "setting.p62") &&
           fresh(st, "inverter.clock_skew");
  });
  INFO(d.log());
  REQUIRE(link_state(s) == "online");

  // Every numeric value the simulator holds, exactly (all are multiples of their register scale).
  json dump = sim.dump();
  CHECK(check_equals_simulator(s, dump) >= 55);

  CHECK(number(s, "battery.current") == 12.5);
  CHECK(number(s, "grid.l2.voltage") == 99.1);
  CHECK(number(s, "inverter.temp.ambient") == -5.2);
  CHECK(number(s, "energy.pv.total") == 7000.5);
  // Derived: signs per points.md (+ charging, + import).
  CHECK(number(s, "battery.power") ==
        Approx(dump["values"]["battery.voltage"].get<double>() * 12.5).margin(1e-6));
  CHECK(number(s, "grid.power") == 850.0);
  CHECK(number(s, "load.power") == dump["values"]["load.l1.power"].get<double>() + 1733.0);
  // Text and code values.
  CHECK(point(s, "inverter.state")["value"] == "line");
  CHECK(point(s, "inverter.charge_state")["value"] == "float");
  const json& faults = point(s, "inverter.faults")["value"];
  REQUIRE(faults.size() == 2);
  CHECK(faults[0]["code"] == 12);
  CHECK(faults[0]["name"] == "bLineLoss");
  CHECK(faults[1]["code"] == 58);
  CHECK(point(s, "inverter.serial")["value"] == dump["serial"]);
  CHECK(std::fabs(number(s, "inverter.clock_skew") - 120.0) <= 2.0);
  // Settings as the LCD shows them: 12 V-normalised voltage, slot time, enum, SOC.
  CHECK(number(s, "setting.p09") == 57.6);
  CHECK(number(s, "setting.p07") == 50.0);
  CHECK(point(s, "setting.p41")["value"] == "03:00");
  CHECK(point(s, "setting.p01")["value"] == "SBU");
  CHECK(number(s, "setting.p62") == 45.0);
  // points.md names are all there, each with value, unit, quality and timestamp.
  for (const char* name : sb::test::kInverterPointsMd) {
    INFO(name);
    const json& p = point(s, name);
    CHECK(p["quality"] == "ok");
    CHECK(p.contains("unit"));
    CHECK(p["ts"].is_string());
  }
  for (const char* name : {"inverter.clock_skew", "setting.p07", "setting.p10", "setting.p41",
                           "setting.p62", "link.inverter.state"}) {
    INFO(name);
    CHECK(point(s, name)["quality"] == "ok");
  }
}

TEST_CASE("changed values reach the daemon within a poll or two", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  sim.set("battery.soc", 83);
  sim.set("battery.current", -31.7);  // discharging
  json s = d.wait_for(
      [](const json& st) {
        return maybe_number(st, "battery.soc") == 83.0 &&
               maybe_number(st, "battery.current") == -31.7;
      },
      5s);
  CHECK(number(s, "battery.soc") == 83.0);
  CHECK(number(s, "battery.current") == -31.7);
  // On the wire that is +317 (SRNE: > 0 discharging).
  CHECK(sim.control({{"cmd", "get-reg"}, {"address", "0x0102"}})["words"][0] == 317);
}

TEST_CASE("the simulator's calibrated household runs under the daemon", "[integration][strategy]") {
  // --physics year: the strategy benchmark's model (sunlight, weather days, load, inverter) at
  // four household hours a second, so a whole day passes under the daemon's polls.
  sb::testkit::TempDir dir;
  Sim sim(dir, {"--physics", "year", "--speed", "14400", "--step-ms", "50"});
  sim.control({{"cmd", "freeze"}, {"on", false}});
  Daemon d(dir, sim.link());
  bool saw_sun = false, saw_night = false, saw_discharge = false;
  std::set<double> socs;
  const auto until = std::chrono::steady_clock::now() + 12s;
  while (std::chrono::steady_clock::now() < until &&
         !(saw_sun && saw_night && saw_discharge && socs.size() >= 5)) {
    const json s = d.status();
    if (fresh(s, "pv.power") && fresh(s, "battery.soc") && fresh(s, "battery.current")) {
      const double pv_w = number(s, "pv.power");
      saw_sun = saw_sun || pv_w > 100;
      saw_night = saw_night || pv_w == 0;
      saw_discharge = saw_discharge || number(s, "battery.current") < -5;
      socs.insert(number(s, "battery.soc"));
    }
    std::this_thread::sleep_for(100ms);
  }
  INFO(d.log());
  CHECK(saw_sun);
  CHECK(saw_night);
  CHECK(saw_discharge);
  CHECK(socs.size() >= 5);  // the state of charge moves under the model
  // The counters the energy book uses count in the household's time (hours of it passed).
  const json dump = sim.dump();
  CHECK(dump["values"]["energy.load.total"].get<double>() > 14093.5 + 2);
}
