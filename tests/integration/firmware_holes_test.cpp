// SPDX-License-Identifier: Apache-2.0
// Firmware differences: holes learned from exception 02, rows gated by protocol version, and
// set-point voltages stored in real volts.
#include <catch2/catch.hpp>

#include <thread>

#include "harness.hpp"

using namespace sb::it;

TEST_CASE("a single-MPPT firmware: the daemon learns what it lacks and keeps the rest",
          "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir, {"--single-mppt"});  // refuses 0x010F-0x020B like the scanned unit
  Daemon d(dir, sim.link());
  // Each exception 02 narrows the plan by one bisection per cycle; wait until a whole second
  // passes without any.
  auto exceptions = [&] { return d.status()["daemon"]["link"]["stats"]["exceptions"].get<int>(); };
  int last = -1;
  bool settled = sb::testkit::wait_until(
      [&] {
        int now = exceptions();
        bool same = now == last && now > 0;
        last = now;
        if (!same) std::this_thread::sleep_for(1s);  // compare counts a second apart
        return same;
      },
      30s);
  REQUIRE(settled);
  std::this_thread::sleep_for(1s);
  CHECK(exceptions() == last);
  json s = d.status();
  for (const char* lacking : {"pv2.voltage", "pv2.current", "pv2.power", "inverter.bms.voltage",
                              "inverter.bms.discharge_current_limit", "inverter.faults"}) {
    INFO(lacking << " " << point(s, lacking).dump());
    CHECK(point(s, lacking)["quality"] == "invalid");
    CHECK(point(s, lacking)["note"].get<std::string>().find("not implemented") !=
          std::string::npos);
  }
  CHECK(number(s, "battery.soc") == 56.0);
  CHECK(number(s, "pv1.power") == 656.0);
  CHECK(number(s, "inverter.charge_power") == 0.0);  // 0x010E, just below the hole
  CHECK(fresh(s, "inverter.clock"));                 // 0x020C, just above it
  CHECK(link_state(s) == "online");
  CHECK(d.log().find("firmware lacks") != std::string::npos);
}

TEST_CASE("an older protocol version: newer rows are not read", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir, {"--protocol", "192"});
  Daemon d(dir, sim.link());
  json s = d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  CHECK(point(s, "battery.temperature")["quality"] == "invalid");
  CHECK(point(s, "battery.temperature")["note"].get<std::string>().find("V1.94") !=
        std::string::npos);
  CHECK(point(s, "battery.soh")["quality"] == "invalid");
  CHECK(s["daemon"]["link"]["stats"]["exceptions"] == 0);  // never provoked an 02
}

TEST_CASE("firmware that stores real volts, with voltage_scale real", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir, {"--real-volts"});
  CHECK(sim.control({{"cmd", "get-reg"}, {"address", "0xE008"}})["words"][0] == 576);
  Daemon d(dir, sim.link(), {{"inverter", {{"voltage_scale", "real"}}}});
  json s = d.wait_for([](const json& st) { return fresh(st, "setting.p09"); });
  CHECK(number(s, "setting.p09") == 57.6);
  CHECK(number(s, "setting.p04") == 45.2);
}

TEST_CASE("a 24 V bank scales normalised voltages by 2", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir, {"--battery-voltage", "24"});
  Daemon d(dir, sim.link());
  json s = d.wait_for([](const json& st) { return fresh(st, "setting.p09"); });
  CHECK(number(s, "setting.p09") == 28.8);
  CHECK(number(s, "battery.rated_voltage") == 24.0);
}
