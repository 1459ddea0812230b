// SPDX-License-Identifier: Apache-2.0
// The daemon through a Solarman Wi-Fi logger (docs/solarman.md): the simulator serves the same
// register image in Solarman V5 frames on 127.0.0.1 with the loggers' quirks switched on, and
// the daemon must read every value as over RS485, write and read back settings, and recover when
// the logger drops the connection or goes mute, never showing a stale value as fresh.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <thread>

#include "harness.hpp"
#include "points_md.hpp"

using namespace sb::it;
using namespace std::chrono_literals;

namespace {

constexpr const char* kSerial = "3528830226";

// A logger with every quirk at once: heartbeats between replies, the double CRC, AT text, a
// "no answer from the inverter" stub now and then, another client's answer with our sequence
// number, and a little latency.
std::vector<std::string> quirky_logger(int port) {
  return {"--solarman-port",
          std::to_string(port),
          "--solarman-serial",
          kSerial,
          "--solarman-heartbeat-every",
          "2",
          "--solarman-double-crc",
          "--solarman-junk-every",
          "3",
          "--solarman-stub-every",
          "11",
          "--solarman-thief-every",
          "5",
          "--solarman-latency-ms",
          "20"};
}

std::string solarman_url(int port) {
  return "solarman://127.0.0.1:" + std::to_string(port) + "?serial=" + kSerial;
}

json logger_config(const sb::testkit::TempDir& dir, int port) {
  json c = fast_config(dir, solarman_url(port));
  c["inverter"]["response_timeout_ms"] = 500;
  return c;
}

// The quirky logger, also answering discovery on UDP 127.0.0.1:`discovery`, listening at
// `address` (another loopback address stands for another DHCP lease).
struct FindableLogger {
  int port = sb::testkit::free_loopback_port();
  int discovery = sb::testkit::free_loopback_port();
  Sim sim;
  explicit FindableLogger(const sb::testkit::TempDir& dir, const std::string& address = "127.0.0.1")
      : sim(dir, arguments(address)) {}
  // What inverter.device adds to ask this logger's discovery port instead of broadcasting.
  [[nodiscard]] std::string ask() const { return "127.0.0.1:" + std::to_string(discovery); }

 private:
  [[nodiscard]] std::vector<std::string> arguments(const std::string& address) const {
    auto args = quirky_logger(port);
    args.insert(args.end(), {"--solarman-discovery-port", std::to_string(discovery),
                             "--solarman-address", address});
    return args;
  }
};

}  // namespace

TEST_CASE("over a quirky Solarman logger every inverter value equals the simulator's",
          "[integration][solarman]") {
  sb::testkit::TempDir dir;
  const int port = sb::testkit::free_loopback_port();
  Sim sim(dir, quirky_logger(port));
  sim.set("battery.current", 12.5);
  sim.set("grid.l2.power", -350);
  sim.set("inverter.temp.ambient", -5.2);
  sim.set("energy.pv.total", 7000.5);
  Daemon d(dir, logger_config(dir, port), "d");
  json s = d.wait_for(
      [](const json& st) {
        return fresh(st, "battery.current") && fresh(st, "setting.p62") &&
               fresh(st, "energy.pv.total");
      },
      30s);
  INFO(d.log());
  // Polls go on until two of the logger's stubs (every 11th reply) have been ridden out.
  const bool stubs_seen = sb::testkit::wait_until(
      [&] {
        return sim.control({{"cmd", "solarman"}})["replies"].get<int>() >= 23;
      },
      20s);
  CHECK(stubs_seen);
  s = d.wait_for([](const json& st) { return fresh(st, "battery.current"); });
  REQUIRE(link_state(s) == "online");
  const json dump = sim.dump();
  CHECK(check_equals_simulator(s, dump) >= 55);
  for (const char* name : sb::test::kInverterPointsMd) {
    INFO(name);
    CHECK(point(s, name)["quality"] == "ok");
  }
  CHECK(point(s, "inverter.serial")["value"] == dump["serial"]);
  CHECK(sim.control({{"cmd", "solarman"}})["wrong_serial"] == 0);
  // Nothing the quirks put on the connection was taken for an answer: no malformed reply (the
  // foreign answers with our number were recognised as not ours), no checksum error (the double
  // CRC was stripped); the stubs came through as "no answer from the inverter" and were asked
  // again.
  const json& stats = s["daemon"]["link"]["stats"];
  INFO(stats.dump());
  CHECK(stats["malformed"] == 0);
  CHECK(stats["crc_errors"] == 0);
  CHECK(stats["exceptions"].get<int>() >= 1);
}

TEST_CASE("a setting written over a Solarman logger is read back and audited",
          "[integration][solarman][settings]") {
  sb::testkit::TempDir dir;
  const int port = sb::testkit::free_loopback_port();
  Sim sim(dir, quirky_logger(port));
  Daemon d(dir, logger_config(dir, port), "d");
  d.wait_for([](const json& st) { return fresh(st, "setting.p07"); }, 30s);
  INFO(d.log());
  const json reply = d.call({{"cmd", "params.set"}, {"id", "07"}, {"value", "55"}});
  INFO(reply.dump());
  CHECK(reply["ok"] == true);
  CHECK(sim.control({{"cmd", "get-reg"}, {"address", 0xE20A}})["words"][0] == 550);
  const json audit = d.call({{"cmd", "audit"}})["audit"];
  REQUIRE(audit.size() == 1);
  CHECK(audit[0]["result"] == "written");
  CHECK(audit[0]["readback"] == "55");
}

TEST_CASE("the daemon rides out a logger that drops the connection or goes mute",
          "[integration][solarman]") {
  sb::testkit::TempDir dir;
  const int port = sb::testkit::free_loopback_port();
  Sim sim(dir, quirky_logger(port));
  json config = logger_config(dir, port);
  config["inverter"]["device"] = solarman_url(port) + "&mute_backoff_s=1";
  Daemon d(dir, config, "d");
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); }, 30s);
  INFO(d.log());
  // The logger drops every connection (its Wi-Fi reconnected): the daemon connects again.
  sim.control({{"cmd", "solarman-reset"}});
  sim.set("battery.soc", 71);
  json s = d.wait_for([](const json& st) { return maybe_number(st, "battery.soc") == 71.0; }, 20s);
  CHECK(link_state(s) == "online");
  CHECK(sim.control({{"cmd", "solarman"}})["connections"].get<int>() >= 2);
  // Mute: connected, no replies. The link goes offline, the values stop being fresh, the log
  // says why, and the logger is left alone between attempts (quiet periods of 1, 2, 4 s here;
  // the link alone would reconnect every 0.4 s).
  sim.control({{"cmd", "solarman"}, {"mute", true}});
  s = d.wait_for([](const json& st) { return link_state(st) == "offline"; }, 20s);
  CHECK_FALSE(fresh(s, "battery.soc"));
  CHECK(sb::testkit::wait_until(
      [&] { return d.log().find("accepts connections but does not answer") != std::string::npos; },
      10s));
  const int before = sim.control({{"cmd", "solarman"}})["connections"].get<int>();
  std::this_thread::sleep_for(3s);
  CHECK(sim.control({{"cmd", "solarman"}})["connections"].get<int>() - before <= 4);
  // Answering again: back online with the new value.
  sim.set("battery.soc", 64);
  sim.control({{"cmd", "solarman"}, {"mute", false}});
  s = d.wait_for(
      [](const json& st) {
        return link_state(st) == "online" && maybe_number(st, "battery.soc") == 64.0 &&
               fresh(st, "battery.soc");
      },
      30s);
  CHECK(fresh(s, "battery.soc"));
}

TEST_CASE("the daemon finds its logger again when its address changes", "[integration][solarman]") {
  sb::testkit::TempDir dir;
  FindableLogger logger(dir);
  Sim& sim = logger.sim;
  const int port = logger.port;
  json config = logger_config(dir, port);
  config["inverter"]["device"] = solarman_url(port) + "&discover=" + logger.ask();
  Daemon d(dir, config, "d");
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); }, 30s);
  INFO(d.log());
  // DHCP gave the logger another address; the old one refuses connections.
  sim.control({{"cmd", "solarman"}, {"address", "127.0.0.2"}});
  sim.set("battery.soc", 58);
  const json s = d.wait_for(
      [](const json& st) {
        return link_state(st) == "online" && maybe_number(st, "battery.soc") == 58.0;
      },
      30s);
  CHECK(fresh(s, "battery.soc"));
  CHECK(d.log().find("found it at 127.0.0.2 (the configuration is not changed)") !=
        std::string::npos);
  // The configuration file still names the old address.
  CHECK(sb::testkit::read_file(d.config_path()).find("127.0.0.1:" + std::to_string(port)) !=
        std::string::npos);
}

TEST_CASE("sunbridge doctor finds the logger on the LAN and reads the inverter through it",
          "[integration][solarman]") {
  sb::testkit::TempDir dir;
  FindableLogger logger(dir, "127.0.0.2");
  const int port = logger.port;
  const std::string ask = "&discover=" + logger.ask();
  // Configured at the logger's old address: doctor says where it answers now.
  json config = logger_config(dir, port);
  config["inverter"]["device"] = solarman_url(port) + ask;
  sb::testkit::write_file(dir.file("old.json"), config.dump());
  auto r = cli({"--config", dir.file("old.json"), "doctor"});
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  CHECK(r.out.find("logger 3528830226 answers at 127.0.0.2, not at 127.0.0.1 as configured") !=
        std::string::npos);
  // At the right address: found, and the inverter read through it.
  config["inverter"]["device"] =
      "solarman://127.0.0.2:" + std::to_string(port) + "?serial=" + kSerial + ask;
  sb::testkit::write_file(dir.file("new.json"), config.dump());
  r = cli({"--config", dir.file("new.json"), "doctor"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("logger 3528830226 answers at 127.0.0.2") != std::string::npos);
  CHECK(r.out.find("inverter answers (serial") != std::string::npos);
  // A wrong serial in the configuration: the logger ignores the requests; doctor asks it with
  // serial 0 and says which serial it has.
  config["inverter"]["device"] =
      "solarman://127.0.0.2:" + std::to_string(port) + "?serial=12345&discover=off";
  sb::testkit::write_file(dir.file("wrong.json"), config.dump());
  r = cli({"--config", dir.file("wrong.json"), "doctor"});
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  CHECK(r.out.find("the logger at 127.0.0.2 has serial 3528830226, not 12345 as configured") !=
        std::string::npos);
}

TEST_CASE("sunbridge setup finds the inverter through its Wi-Fi logger",
          "[integration][solarman]") {
  sb::testkit::TempDir dir;
  FindableLogger logger(dir);
  const int port = logger.port;
  const std::string out = dir.file("etc/sunbridged.json");
  const std::string ask = logger.ask();
  auto r = cli({"setup", "--yes", "--wifi-logger", "--discover", ask, "--logger-port",
                std::to_string(port), "--output", out},
               60s);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("Solarman Wi-Fi loggers:") != std::string::npos);
  CHECK(r.out.find("logger 3528830226 at 127.0.0.1") != std::string::npos);
  CHECK(r.out.find("inverter at slave 1") != std::string::npos);
  CHECK(r.out.find("serial LVY10KU2408250123") != std::string::npos);
  const json written = json::parse(sb::testkit::read_file(out));
  CHECK(written["inverter"]["device"] ==
        "solarman://127.0.0.1:" + std::to_string(port) + "?serial=3528830226&discover=" + ask);
  // Nothing answering the question: a clear refusal, nothing written.
  const std::string none = dir.file("none.json");
  r = cli({"setup", "--yes", "--wifi-logger", "--discover",
           "127.0.0.1:" + std::to_string(sb::testkit::free_loopback_port()), "--output", none},
          60s);
  CHECK(r.status == 1);
  CHECK(r.err.find("no Solarman Wi-Fi logger answered") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(none));
}
