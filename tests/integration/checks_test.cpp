// SPDX-License-Identifier: Apache-2.0
// The checks in the running daemon, fed by the simulator over a pty.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace sb;
using namespace sb::it;

namespace {

json events_of(Daemon& d, const std::string& kind) {
  json out = json::array();
  const json reply = d.call({{"cmd", "events"}, {"since_s", 3600}});  // kept: see below
  for (const auto& e : reply["events"]) {  // a range-for over a temporary's member would dangle
    if (e["kind"] == kind) out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("a dip on L1: one event, shown by sunbridge checks, ended when L1 is back",
          "[integration][checks]") {
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for(
      [](const json& s) { return fresh(s, "grid.l1.voltage") && fresh(s, "grid.l2.voltage"); });
  auto r = cli({"--socket", d.socket(), "checks"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("pq.voltage") != std::string::npos);
  CHECK(r.out.find("thermal.inverter") != std::string::npos);

  sim.set("grid.l1.voltage", 85.0);  // 84 % of 101 V
  REQUIRE(testkit::wait_until([&] { return events_of(d, "pq.dip").size() == 1; }, 10s));
  const json s = d.status();
  CHECK(point(s, "check.pq.voltage.state")["value"] == "warning");
  r = cli({"--socket", d.socket(), "checks", "--json"});
  REQUIRE(r.status == 0);
  bool dip_shown = false;
  for (const auto& c : json::parse(r.out))
    dip_shown |= c["name"] == "pq.voltage" && c["state"] == "dip";
  CHECK(dip_shown);

  sim.set("grid.l1.voltage", 101.0);
  REQUIRE(testkit::wait_until([&] { return events_of(d, "pq.dip.ended").size() == 1; }, 10s));
  CHECK(events_of(d, "pq.dip").size() == 1);  // one standing condition, one event
  const json ended = events_of(d, "pq.dip.ended")[0];
  CHECK(ended["details"]["leg"] == "L1");
  CHECK(ended["details"]["extreme_percent"] == "84.2");
  CHECK(point(d.status(), "check.pq.voltage.state")["value"] == "ok");
}

TEST_CASE("a grid outage from the simulator: one event, then a short outage ended",
          "[integration][checks]") {
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for(
      [](const json& s) { return fresh(s, "grid.l1.voltage") && fresh(s, "battery.power"); });
  sim.set("battery.current", -20.0);  // the battery carries the house
  sim.set("grid.l1.voltage", 0.0);
  sim.set("grid.l2.voltage", 0.0);
  REQUIRE(testkit::wait_until([&] { return events_of(d, "grid.outage").size() == 1; }, 10s));
  CHECK(point(d.status(), "check.grid.outage.state")["value"] == "critical");
  sim.set("grid.l1.voltage", 101.0);
  sim.set("grid.l2.voltage", 100.8);
  REQUIRE(testkit::wait_until([&] { return events_of(d, "grid.outage.ended").size() == 1; }, 10s));
  const json ended = events_of(d, "grid.outage.ended")[0];
  CHECK(ended["details"]["class"] == "short");
  CHECK(std::stod(ended["details"]["battery_wh"].get<std::string>()) > 0.0);
  CHECK(events_of(d, "grid.outage").size() == 1);
}
