// SPDX-License-Identifier: Apache-2.0
// Start-up, ownership of the bus, configuration errors, shutdown.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <thread>

#include "harness.hpp"
#include "sunbridge/adapters/history_store.hpp"

using namespace sb::it;

TEST_CASE("a second daemon on the same port gets a clear error, not a bus collision",
          "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon first(dir, sim.link());
  first.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  json second = fast_config(dir, sim.link(), "second");
  sb::testkit::write_file(dir.file("second.json"), second.dump());
  auto r = sb::testkit::run({SUNBRIDGED_PATH, "--config", dir.file("second.json")}, 20s);
  CHECK(r.status == 1);
  CHECK(r.err.find("already owned by another sunbridge process") != std::string::npos);
  CHECK(r.err.find("pid " + std::to_string(first.process().pid())) != std::string::npos);
  CHECK(first.process().running());
  CHECK(fresh(first.status(), "battery.soc"));
}

TEST_CASE("SIGTERM: clean shutdown with history flushed", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  {
    // A long commit interval: only the shutdown flush can have written the samples.
    Daemon d(dir, sim.link(), {{"storage", {{"commit_interval_s", 3600}}}});
    d.wait_for([](const json& st) { return fresh(st, "setting.p62") && fresh(st, "battery.soc"); });
    std::this_thread::sleep_for(1200ms);
    auto code = d.process().stop(SIGTERM, 10s);
    REQUIRE(code);
    CHECK(*code == 0);
    CHECK(d.log().find("stopped") != std::string::npos);
    struct stat st {};
    CHECK(::stat(dir.file("d.sock").c_str(), &st) != 0);  // socket removed
  }
  sb::adapters::HistoryStore h(dir.file("d.db"));
  auto now = std::chrono::system_clock::now();
  auto soc = h.query(now - 1h, now + 1h, {"battery.soc"});
  REQUIRE(soc.ok());
  CHECK(soc->size() >= 1);
  CHECK(*soc->front().value == 56.0);
  auto p62 = h.query(now - 1h, now + 1h, {"setting.p62"});
  CHECK(p62->size() >= 1);
}

TEST_CASE("the control socket is 0660 and answers unknown commands politely", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  struct stat st {};
  REQUIRE(::stat(d.socket().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0660);
  json r = d.call({{"cmd", "reboot-everything"}});
  CHECK(r["ok"] == false);
  CHECK(r["error"].get<std::string>().find("unknown command") != std::string::npos);
  json bad = d.call({{"cmd", "history"}, {"points", "battery.soc"}});  // wrong type
  CHECK(bad["ok"] == false);
  CHECK(d.process().running());
}

TEST_CASE("bad configuration files: every problem at once, non-zero exit", "[integration]") {
  sb::testkit::TempDir dir;
  sb::testkit::write_file(dir.file("bad.json"), R"({
  "inverter": {"baud": "fast", "slave": 0, "pol_interval": 5},
  "storage": {"retention_days": -1},
  "colour": "blue"
})");
  auto r = sb::testkit::run({SUNBRIDGED_PATH, "--check-config", dir.file("bad.json")}, 10s);
  CHECK(r.status == 2);
  for (const char* expected :
       {"inverter.baud", "inverter.slave", "inverter.pol_interval", "did you mean 'poll_interval'",
        "storage.retention_days", "colour", "5 problem(s)"}) {
    INFO(expected << "\n" << r.err);
    CHECK(r.err.find(expected) != std::string::npos);
  }
  sb::testkit::write_file(dir.file("syntax.json"), "{\n  \"inverter\": {\"baud\": 9600,}\n}\n");
  r = sb::testkit::run({SUNBRIDGED_PATH, "--check-config", dir.file("syntax.json")}, 10s);
  CHECK(r.status == 2);
  CHECK(r.err.find("line 2") != std::string::npos);
  // Starting with a bad file is refused the same way, before touching anything.
  r = sb::testkit::run({SUNBRIDGED_PATH, "--config", dir.file("bad.json")}, 10s);
  CHECK(r.status == 2);
  CHECK(r.err.find("not starting") != std::string::npos);
  // A good file prints the effective configuration.
  sb::testkit::write_file(dir.file("good.json"), R"({"inverter": {"device": "/dev/ttyUSB1"}})");
  r = sb::testkit::run({SUNBRIDGED_PATH, "--check-config", dir.file("good.json")}, 10s);
  CHECK(r.status == 0);
  CHECK(r.out.find("\"device\": \"/dev/ttyUSB1\"") != std::string::npos);
  CHECK(r.out.find("\"poll_interval\": 10") != std::string::npos);
}

TEST_CASE("a daemon started before the adapter is plugged in waits for it", "[integration]") {
  sb::testkit::TempDir dir;
  const std::string link = dir.file("sim.tty");
  Daemon d(dir, link);  // nothing there yet
  json s = d.status();
  CHECK(link_state(s) == "offline");
  CHECK(point(s, "battery.soc")["quality"] != "ok");
  Sim sim(dir);  // creates sim.tty
  s = d.wait_for(
      [](const json& st) { return link_state(st) == "online" && fresh(st, "battery.soc"); });
  CHECK(number(s, "battery.soc") == 56.0);
}

TEST_CASE("Modbus TCP (an RS485-Ethernet gateway) works like a serial port", "[integration]") {
  sb::testkit::TempDir dir;
  // A port unlikely to collide; the simulator binds 127.0.0.1 only.
  const int port = 20000 + static_cast<int>(::getpid() % 20000);
  Sim sim(dir, {"--tcp-port", std::to_string(port)});
  sim.set("battery.soc", 77);
  Daemon d(dir, "tcp://127.0.0.1:" + std::to_string(port));
  json s = d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  CHECK(number(s, "battery.soc") == 77.0);
  CHECK(s["daemon"]["port"].get<std::string>().rfind("tcp:127.0.0.1", 0) == 0);
}
