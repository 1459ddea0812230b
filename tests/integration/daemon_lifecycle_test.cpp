// SPDX-License-Identifier: Apache-2.0
// Start-up, ownership of the bus, configuration errors, shutdown.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
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
  auto now = product_now();
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

TEST_CASE("under systemd: READY=1 once serving, watchdog pings, STOPPING=1", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  // A datagram socket standing in for systemd's notify socket.
  const std::string notify = dir.file("notify.sock");
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, notify.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  ::setenv("NOTIFY_SOCKET", notify.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "200000", 1);  // pings expected every 100 ms
  std::vector<std::string> messages;
  {
    Daemon d(dir, sim.link());
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    auto read_for = [&](std::chrono::milliseconds span) {
      auto until = std::chrono::steady_clock::now() + span;
      while (std::chrono::steady_clock::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        char buf[512];
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) messages.emplace_back(buf, static_cast<std::size_t>(n));
      }
    };
    read_for(1500ms);
    REQUIRE(d.process().stop(SIGTERM, 10s) == 0);
    read_for(200ms);
  }
  ::close(fd);
  auto count = [&](const std::string& what) {
    return std::count_if(messages.begin(), messages.end(),
                         [&](const std::string& m) { return m.find(what) != std::string::npos; });
  };
  CHECK(count("READY=1") == 1);
  CHECK(messages.front().find("READY=1") != std::string::npos);  // nothing before READY
  CHECK(count("WATCHDOG=1") >= 5);
  CHECK(count("STOPPING=1") == 1);
}
