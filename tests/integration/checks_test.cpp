// SPDX-License-Identifier: Apache-2.0
// The checks in the running daemon, fed by the simulator over a pty.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <thread>

#include "harness.hpp"
#include "mqtt_support.hpp"
#include "sunbridge/domain/profile.hpp"

using namespace sb;
using namespace sb::it;

namespace {

// Checks that start at once, so a scenario takes seconds.
json quick_checks(json extra = json::object()) {
  json checks = {{"frequency_min_duration_s", 0}, {"temperature_min_duration_s", 0}};
  checks.merge_patch(extra);
  return {{"checks", checks}};
}

std::size_t count_of(Daemon& d, const std::string& kind) {
  return events_of(d, kind).size();
}

int reg(Sim& sim, int address) {
  return sim.control({{"cmd", "get-reg"}, {"address", address}})["words"][0].get<int>();
}

// Settings written by the daemon, and a charge lease that ends 2 s after the temperatures are
// back in band.
json derating_config(const testkit::TempDir& dir, const Sim& sim) {
  json config = fast_config(dir, sim.link());
  config.merge_patch(quick_checks({{"charging", {{"hold_s", 2}}}}));
  config["settings"]["apply"] = true;
  return config;
}

json audit_rows(Daemon& d) {
  const json reply = d.call({{"cmd", "audit"}, {"since", "2000-01-01"}});
  return reply["audit"];
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

TEST_CASE("a swell on both legs, an interruption on one, a frequency excursion: exact events",
          "[integration][checks]") {
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link(), quick_checks());
  d.wait_for(
      [](const json& s) { return fresh(s, "grid.l1.voltage") && fresh(s, "grid.frequency"); });

  sim.set("grid.l1.voltage", 113.0);  // 112 % of 101 V
  sim.set("grid.l2.voltage", 112.5);
  REQUIRE(testkit::wait_until([&] { return count_of(d, "pq.swell") == 1; }, 10s));
  sim.set("grid.l1.voltage", 101.0);
  sim.set("grid.l2.voltage", 100.8);
  REQUIRE(testkit::wait_until([&] { return count_of(d, "pq.swell.ended") == 1; }, 10s));
  const json swell = events_of(d, "pq.swell.ended")[0];
  CHECK(swell["details"]["extreme_percent"] == "111.9");  // 113 V of 101 V; L1-L2 225.5 of 202
  // Start and end are each known to within one poll interval (0.2 s here): the duration range
  // spans two of them (a loaded test machine stretches an interval a little).
  const double spread = std::stod(swell["details"]["duration_max_s"].get<std::string>()) -
                        std::stod(swell["details"]["duration_min_s"].get<std::string>());
  CHECK(spread > 0.0);
  CHECK(spread < 1.5);

  sim.set("grid.l2.voltage", 3.0);  // L2 lost, L1 still there: an interruption, not an outage
  REQUIRE(testkit::wait_until([&] { return count_of(d, "pq.interruption") == 1; }, 10s));
  CHECK(events_of(d, "pq.interruption")[0]["severity"] == "critical");
  sim.set("grid.l2.voltage", 100.8);
  REQUIRE(testkit::wait_until([&] { return count_of(d, "pq.interruption.ended") == 1; }, 10s));
  CHECK(count_of(d, "grid.outage") == 0);

  sim.set("grid.frequency", 60.35);
  REQUIRE(testkit::wait_until([&] { return count_of(d, "pq.frequency.warning") == 1; }, 10s));
  sim.set("grid.frequency", 60.0);
  REQUIRE(testkit::wait_until([&] { return count_of(d, "pq.frequency.cleared") == 1; }, 10s));
  const json f = events_of(d, "pq.frequency.cleared")[0];
  CHECK(f["details"]["extreme"] == "60.35");
  // Exactly these, once each: a standing condition is one event.
  CHECK(count_of(d, "pq.swell") == 1);
  CHECK(count_of(d, "pq.dip") == 0);
  CHECK(count_of(d, "pq.frequency.warning") == 1);
}

TEST_CASE("the statutory band on 10-minute means, reported by sunbridge pq",
          "[integration][checks]") {
  testkit::TempDir dir;
  FakeTime clock(dir);
  const auto noon = spring_noon() + 5s;  // 12:00:05: an interval has just begun
  clock.set(noon);
  Sim sim(dir);
  sim.set("grid.l1.voltage", 108.5);  // 6 V is the legal tolerance: 107 V is the top
  json config = fast_config(dir, sim.link());
  config.merge_patch(quick_checks());
  Daemon d(dir, config, "d", clock.env());
  d.wait_for([](const json& s) { return maybe_number(s, "grid.l1.voltage") == 108.5; });
  std::this_thread::sleep_for(1s);
  clock.set(noon + 10min);  // the interval 12:00-12:10 closes with the next poll
  REQUIRE(testkit::wait_until([&] { return count_of(d, "pq.band") == 1; }, 10s));
  CHECK(events_of(d, "pq.band")[0]["details"]["legs"].get<std::string>().rfind("L1 10", 0) == 0);

  auto r = cli({"--socket", d.socket(), "pq", "--since", "1d", "--json"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  const json pq = json::parse(r.out);
  REQUIRE(pq["legs"].size() == 3);
  CHECK(pq["legs"][0]["leg"] == "L1");
  CHECK(pq["legs"][0]["judged"] == 1);
  CHECK(pq["legs"][0]["within_pct"] == 0.0);
  CHECK(pq["legs"][0]["max_v"] == 108.5);
  CHECK(pq["legs"][1]["within_pct"] == 100.0);  // L2 stayed at about 101 V
  CHECK(pq["events"]["band"] == 1);
  CHECK(pq["not_observable"].get<std::string>().find("flicker") != std::string::npos);
  r = cli({"--socket", d.socket(), "pq"});
  CHECK(r.status == 0);
  CHECK(r.out.find("L1-L2") != std::string::npos);
  CHECK(r.out.find("Not observable") != std::string::npos);
}

TEST_CASE(
    "charging below freezing: critical, LCD 07 derated through the settings writer, "
    "then restored",
    "[integration][checks]") {
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, derating_config(dir, sim), "d");
  // The profile's value for today first (the schedule may write it at start).
  json s = d.wait_for([](const json& st) {
    return fresh(st, "setting.p07") && fresh(st, "battery.temperature") &&
           fresh(st, "profile.active");
  });
  std::this_thread::sleep_for(2s);  // let a first schedule write settle
  const double profile_a = number(d.status(), "setting.p07");

  sim.set("battery.current", 30.0);
  sim.set("battery.temperature", -2.0);
  REQUIRE(testkit::wait_until([&] { return count_of(d, "thermal.charging.cold") == 1; }, 10s));
  CHECK(events_of(d, "thermal.charging.cold")[0]["severity"] == "critical");
  REQUIRE(testkit::wait_until([&] { return reg(sim, 0xE20A) == 0; }, 10s));  // 07 = 0 A
  s = d.wait_for([](const json& st) { return maybe_number(st, "setting.p07") == 0.0; });
  json rows = audit_rows(d);
  bool thermal_write = false;
  for (const auto& row : rows)
    thermal_write |= row["cause"] == "thermal" && row["param"] == "07" && row["new"] == "0";
  INFO(rows.dump(2));
  CHECK(thermal_write);
  CHECK(point(s, "check.thermal.charging.state")["value"] == "critical");

  sim.set("battery.current", 0.0);  // the inverter stopped charging
  REQUIRE(
      testkit::wait_until([&] { return count_of(d, "thermal.charging.cold.ended") == 1; }, 10s));
  sim.set("battery.temperature", 18.0);
  REQUIRE(
      testkit::wait_until([&] { return count_of(d, "thermal.charge_limited.ended") == 1; }, 15s));
  REQUIRE(testkit::wait_until([&] { return reg(sim, 0xE20A) == static_cast<int>(profile_a * 10); },
                              10s));
  auto thermal_rows = [&] {
    std::vector<std::string> out;
    const json all = audit_rows(d);
    for (const auto& row : all) {
      if (row["cause"] == "thermal" && row["param"] == "07") out.push_back(row["new"]);
    }
    return out;
  };
  // The audit row follows the read-back: wait for it, then for anything extra.
  REQUIRE(testkit::wait_until([&] { return thermal_rows().size() == 2; }, 10s));
  std::this_thread::sleep_for(2s);
  const std::string restored = domain::format_setting(profile_a);
  CHECK(thermal_rows() == std::vector<std::string>{"0", restored});  // down, back: never more
  CHECK(count_of(d, "thermal.charge_limited") == 1);
}

TEST_CASE("a hot pack: battery critical and a reduced charge current", "[integration][checks]") {
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, derating_config(dir, sim), "d");
  d.wait_for([](const json& st) { return fresh(st, "setting.p07"); });
  std::this_thread::sleep_for(2s);
  sim.set("battery.temperature", 47.0);
  REQUIRE(testkit::wait_until([&] { return count_of(d, "thermal.battery.critical") == 1; }, 10s));
  REQUIRE(testkit::wait_until([&] { return count_of(d, "thermal.charge_limited") == 1; }, 10s));
  // The simulator's BMS asks for 100 A: our own 20 A is the lower.
  CHECK(events_of(d, "thermal.charge_limited")[0]["details"]["limit_a"] == "20");
  REQUIRE(testkit::wait_until([&] { return reg(sim, 0xE20A) == 200; }, 10s));
  CHECK(count_of(d, "thermal.battery.warning") == 0);  // straight to critical: one event
}

TEST_CASE("fan degradation in the simulator: learned, then one warning", "[integration][checks]") {
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link(),
           quick_checks(
               {{"fan_health", {{"sample_every_s", 0}, {"min_samples", 10}, {"sustain_s", 1}}}}));
  REQUIRE(testkit::wait_until(
      [&] {
        const json s = d.status();
        return s["points"].contains("check.cooling.fan_health.state") &&
               s["points"]["check.cooling.fan_health.state"]["note"] == "normal";
      },
      15s));
  sim.control({{"cmd", "fan"}, {"degradation", 0.5}});  // rise 17.8 C -> 26.7 C at the same load
  REQUIRE(testkit::wait_until([&] { return count_of(d, "cooling.fan_degraded") == 1; }, 10s));
  const json e = events_of(d, "cooling.fan_degraded")[0];
  CHECK(e["details"]["usual_c"] == "17.8");
  CHECK(e["details"]["rise_c"] == "26.7");
  sim.control({{"cmd", "fan"}, {"degradation", 0.0}});
  REQUIRE(
      testkit::wait_until([&] { return count_of(d, "cooling.fan_degraded.cleared") == 1; }, 10s));
  CHECK(count_of(d, "cooling.fan_degraded") == 1);
}

TEST_CASE("a cabinet fan switched by a command: on, off, and off at exit",
          "[integration][checks]") {
  testkit::TempDir dir;
  const std::string log = dir.file("fan.log");
  const std::string script = dir.file("fan.sh");
  testkit::write_file(script, "#!/bin/sh\necho \"$1\" >> " + log + "\n");
  REQUIRE(::chmod(script.c_str(), 0755) == 0);
  Sim sim(dir);
  {
    Daemon d(dir, sim.link(),
             quick_checks({{"fan",
                            {{"backend", "command"},
                             {"command", {script}},
                             {"min_on_s", 0},
                             {"min_off_s", 0}}}}));
    d.wait_for([](const json& s) { return fresh(s, "battery.temperature"); });
    sim.set("battery.temperature", 37.0);
    json s = d.wait_for([](const json& st) {
      return st["points"].contains("cooling.fan.state") && fresh(st, "cooling.fan.state") &&
             st["points"]["cooling.fan.state"]["value"] == "on";
    });
    CHECK(point(s, "cooling.fan.state")["note"] == "battery.temperature 37.0 C");
    sim.set("battery.temperature", 26.0);
    d.wait_for([](const json& st) {
      return fresh(st, "cooling.fan.state") && st["points"]["cooling.fan.state"]["value"] == "off";
    });
    sim.set("battery.temperature", 36.0);
    d.wait_for([](const json& st) {
      return fresh(st, "cooling.fan.state") && st["points"]["cooling.fan.state"]["value"] == "on";
    });
  }  // the daemon stops: on_exit "off"
  // A known state at start (the relay may be on from before), then every change, then on_exit.
  CHECK(testkit::read_file(log) == "off\non\noff\non\noff\n");
}

TEST_CASE("a cabinet fan on a smart plug over MQTT", "[integration][checks][mqtt]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Subscriber plug(broker.url(), "cabinet/fan/cmnd", "plug");
  Sim sim(dir);
  {
    Daemon d(dir, sim.link(),
             quick_checks({{"fan",
                            {{"backend", "mqtt"},
                             {"min_on_s", 0},
                             {"min_off_s", 0},
                             {"on_exit", "leave"},
                             {"mqtt",
                              {{"url", broker.url()},
                               {"topic", "cabinet/fan/cmnd"},
                               {"payload_on", "1"},
                               {"payload_off", "0"}}}}}}));
    d.wait_for([](const json& s) { return fresh(s, "battery.temperature"); });
    REQUIRE(testkit::wait_until([&] { return plug.messages().size() == 1; }, 10s));  // off
    sim.set("battery.temperature", 38.0);
    REQUIRE(testkit::wait_until([&] { return plug.messages().size() == 2; }, 10s));
    sim.set("battery.temperature", 25.0);
    REQUIRE(testkit::wait_until([&] { return plug.messages().size() == 3; }, 10s));
  }
  const auto m = plug.messages();
  REQUIRE(m.size() == 3);  // on_exit "leave": nothing at the stop
  CHECK(m[0].payload == "0");
  CHECK(m[1].payload == "1");
  CHECK(m[2].payload == "0");
  CHECK(m[2].retained == false);  // delivered live to a subscriber that was there
}

TEST_CASE("the simulator replays recorded polls: raw registers decoded as the daemon reads them",
          "[integration][checks]") {
  testkit::TempDir dir;
  const std::string csv = dir.file("polls.csv");
  // Two columns as the owner's logger recorded them (raw words), one by point name; CRLF lines
  // and an empty cell (a failed read) as in the field data.
  testkit::write_file(csv,
                      "time_jst,reg_0x0100_soc,reg_0x0102_raw,grid.l1.voltage\r\n"
                      "2025-05-19 04:30:00,40,65470,101.5\r\n"
                      "2025-05-19 04:45:00,44,,101.7\r\n"
                      "2025-05-19 05:00:00,48,500,86.0\r\n");
  Sim sim(dir, {"--replay", csv, "--replay-speed", "300"});  // 15 minutes in 3 s
  Daemon d(dir, sim.link(), quick_checks());
  json s = d.wait_for([](const json& st) { return maybe_number(st, "battery.soc") == 48.0; }, 20s);
  CHECK(number(s, "battery.current") == -50.0);  // 500 = 50.0 A discharging on the wire
  REQUIRE(testkit::wait_until([&] { return count_of(d, "pq.dip") == 1; }, 10s));  // 86 V
  const json r = sim.control({{"cmd", "replay"}});
  CHECK(r["rows"] == 3);
  CHECK(r["finished"] == true);
}

TEST_CASE("a replay file that cannot be read is refused at start with the line",
          "[integration][checks]") {
  testkit::TempDir dir;
  const std::string csv = dir.file("bad.csv");
  testkit::write_file(csv, "time,battery.soc\n2025-05-19 04:30:00,40\n2025-05-19 04:45:00,x\n");
  auto r = testkit::run({SUNBRIDGE_SIM_PATH, "--replay", csv}, 10s);
  CHECK(r.status == 2);
  CHECK(r.err.find("line 3") != std::string::npos);
  CHECK(r.err.find("'x' is not a number") != std::string::npos);
}
