// SPDX-License-Identifier: Apache-2.0
// Faults on the line: the daemon degrades, goes offline, never shows a stale value as fresh, and
// recovers when the device does.
#include <catch2/catch.hpp>

#include <set>

#include "harness.hpp"
#include "sunbridge/core/local_time.hpp"

using namespace sb::it;

namespace {

const std::set<std::string> kIdentity = {"inverter.minor_version",    "inverter.machine_type",
                                         "inverter.firmware_version", "inverter.bootloader_version",
                                         "inverter.rs485_address",    "inverter.model_code",
                                         "inverter.protocol_version", "inverter.build_time",
                                         "inverter.serial",           "battery.rated_voltage"};

// Every live point reported "ok" must be younger than the daemon's allowed age (identity values
// never age; settings age on their own, slower schedule).
void check_nothing_stale_shown_fresh(const json& s) {
  auto now = sb::parse_iso8601_utc(s["daemon"]["now"].get<std::string>());
  REQUIRE(now);
  for (const auto& [name, p] : s["points"].items()) {
    if (p["quality"] != "ok" || !p["ts"].is_string() || kIdentity.count(name) != 0 ||
        name.rfind("setting.", 0) == 0 || name.rfind("link.", 0) == 0) {
      continue;
    }
    auto ts = sb::parse_iso8601_utc(p["ts"].get<std::string>());
    INFO(name << " " << p.dump());
    // 3 polls of 0.2 s plus the 5 s cycle allowance.
    CHECK(*now - *ts <= std::chrono::milliseconds(5600));
    CHECK_FALSE(p["value"].is_null());
  }
}

}  // namespace

TEST_CASE("dropped replies: degraded, offline, stale values, then recovery", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  json s = d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  REQUIRE(link_state(s) == "online");

  sim.control({{"cmd", "drop-rate"}, {"value", 1.0}});
  s = d.wait_for([](const json& st) { return link_state(st) == "offline"; });
  REQUIRE(link_state(s) == "offline");
  const json& soc = point(s, "battery.soc");
  CHECK(soc["quality"] == "stale");
  CHECK(soc["value"].is_null());     // never the last good number as current
  CHECK(soc["last_value"] == 56.0);  // but kept, labelled as last
  CHECK(point(s, "link.inverter.state")["value"] == "offline");
  check_nothing_stale_shown_fresh(s);
  CHECK(s["daemon"]["link"]["stats"]["timeouts"].get<int>() > 0);

  sim.set("battery.soc", 61);
  sim.control({{"cmd", "drop-rate"}, {"value", 0.0}});
  s = d.wait_for([](const json& st) {
    return link_state(st) == "online" && maybe_number(st, "battery.soc") == 61.0;
  });
  CHECK(link_state(s) == "online");
  CHECK(number(s, "battery.soc") == 61.0);
  check_nothing_stale_shown_fresh(s);
  // Transitions are logged once each, not per failed poll.
  std::string log = d.log();
  CHECK(log.find("online -> degraded") != std::string::npos);
  CHECK(log.find("degraded -> offline") != std::string::npos);
  CHECK(log.find("offline -> online") != std::string::npos);
  std::size_t timeouts_logged = 0;
  for (std::size_t pos = 0; (pos = log.find("timeout", pos)) != std::string::npos; ++pos)
    ++timeouts_logged;
  CHECK(timeouts_logged <= 3);
  // Each transition is an event too (stored, published, shown by `sunbridge events`).
  std::vector<std::string> kinds;
  const json reply = d.call({{"cmd", "events"}, {"since_s", 3600}});
  for (const auto& e : reply["events"]) {  // not over a temporary's member: it would dangle
    const std::string kind = e["kind"];
    if (kind.rfind("link.inverter.", 0) == 0) kinds.push_back(kind);
  }
  CHECK(kinds == std::vector<std::string>{"link.inverter.online", "link.inverter.degraded",
                                          "link.inverter.offline", "link.inverter.online"});
}

TEST_CASE("CRC errors are retried, counted, and a corrupted bus goes offline", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  // A few corrupted replies: retries absorb them, the values stay right.
  sim.control({{"cmd", "corrupt"}, {"count", 3}});
  sim.set("battery.voltage", 51.7);
  json s = d.wait_for([](const json& st) {
    return maybe_number(st, "battery.voltage") == 51.7 &&
           st["daemon"]["link"]["stats"]["crc_errors"].get<int>() >= 3;
  });
  CHECK(s["daemon"]["link"]["stats"]["crc_errors"].get<int>() >= 3);
  CHECK(s["daemon"]["link"]["stats"]["retries"].get<int>() >= 2);
  CHECK(number(s, "battery.voltage") == 51.7);
  // Every reply corrupted: offline, nothing fresh.
  sim.control({{"cmd", "corrupt-rate"}, {"value", 1.0}});
  s = d.wait_for([](const json& st) { return link_state(st) == "offline"; });
  REQUIRE(link_state(s) == "offline");
  CHECK(point(s, "battery.voltage")["quality"] == "stale");
  sim.control({{"cmd", "corrupt-rate"}, {"value", 0.0}});
  s = d.wait_for(
      [](const json& st) { return link_state(st) == "online" && fresh(st, "battery.voltage"); });
  CHECK(link_state(s) == "online");
}

TEST_CASE("noise on the line does not crash or confuse the daemon", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  sim.control({{"cmd", "noise"}, {"count", 5}});
  sim.set("battery.soc", 44);
  json s = d.wait_for([](const json& st) { return maybe_number(st, "battery.soc") == 44.0; });
  CHECK(number(s, "battery.soc") == 44.0);
  CHECK(d.process().running());
}

TEST_CASE("the port vanishes and comes back (USB unplug and replug)", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  sim.control({{"cmd", "disappear"}});
  json s = d.wait_for([](const json& st) { return link_state(st) == "offline"; });
  REQUIRE(link_state(s) == "offline");
  CHECK(point(s, "battery.soc")["quality"] == "stale");
  sim.set("battery.soc", 72);
  sim.control({{"cmd", "appear"}});  // a new pty behind the same link
  s = d.wait_for([](const json& st) {
    return link_state(st) == "online" && maybe_number(st, "battery.soc") == 72.0;
  });
  CHECK(number(s, "battery.soc") == 72.0);
  CHECK(s["daemon"]["link"]["stats"]["opens"].get<int>() >= 2);
  CHECK(d.log().find("disconnected") != std::string::npos);
}

TEST_CASE("replies slower than the response timeout count as failures", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  // The daemon waits 150 ms; these replies come long after the test is over.
  sim.control({{"cmd", "delay"}, {"ms", 120000}});
  json s = d.wait_for([](const json& st) { return link_state(st) == "offline"; });
  CHECK(link_state(s) == "offline");
  sim.control({{"cmd", "delay"}, {"ms", 0}});
  s = d.wait_for(
      [](const json& st) { return link_state(st) == "online" && fresh(st, "battery.soc"); });
  CHECK(link_state(s) == "online");
}
