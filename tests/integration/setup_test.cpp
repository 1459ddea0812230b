// SPDX-License-Identifier: Apache-2.0
// `sunbridge setup` against the simulator on ptys: finds the inverter at a slave id other than
// 1, skips a port where nothing answers, refuses a port the daemon holds, and writes a
// configuration the daemon accepts.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include "harness.hpp"

using namespace sb;
using namespace sb::it;

namespace {

// A pseudo-terminal with nothing behind it: every request times out.
class SilentPty {
 public:
  SilentPty() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    REQUIRE(master_ >= 0);
    REQUIRE(::grantpt(master_) == 0);
    REQUIRE(::unlockpt(master_) == 0);
    path_ = ::ptsname(master_);
  }
  ~SilentPty() { ::close(master_); }
  SilentPty(const SilentPty&) = delete;
  SilentPty& operator=(const SilentPty&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  int master_ = -1;
  std::string path_;
};

}  // namespace

TEST_CASE(
    "setup finds the simulated inverter at slave 2, skips a silent port, writes a "
    "configuration the daemon accepts",
    "[integration][setup]") {
  testkit::TempDir dir;
  SilentPty silent;
  Sim sim(dir, {"--slave", "2"});
  const std::string out = dir.file("etc/sunbridged.json");
  auto r =
      cli({"setup", "--yes", "--port", silent.path(), "--port", sim.link(), "--slaves", "1-3",
           "--timeout-ms", "200", "--profile", "type-a", "--output", out, "--lock-dir", dir.path()},
          60s);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find(silent.path() + ": no answer") != std::string::npos);
  CHECK(r.out.find(sim.link() + ": inverter at slave 2") != std::string::npos);
  CHECK(r.out.find("serial LVY10KU2408250123") != std::string::npos);
  CHECK(r.out.find("firmware V1.14, protocol V2.08") != std::string::npos);
  CHECK(r.out.find("battery 48 V") != std::string::npos);
  CHECK(r.out.find("sudo systemctl enable --now sunbridged") != std::string::npos);
  const json config = json::parse(testkit::read_file(out));
  CHECK(config["inverter"]["device"] == sim.link());
  CHECK(config["inverter"]["slave"] == 2);
  CHECK(config["profiles"]["mode"] == "type-a");
  CHECK(config["settings"]["apply"] == false);  // a new installation observes first
  CHECK((std::filesystem::status(out).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);
  auto check = testkit::run({SUNBRIDGED_PATH, "--check-config", out}, 30s);
  INFO(check.out << check.err);
  CHECK(check.status == 0);

  // Again: the previous file is kept.
  r = cli({"setup", "--yes", "--port", sim.link(), "--slaves", "2", "--timeout-ms", "200",
           "--output", out, "--lock-dir", dir.path()},
          60s);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("previous one is kept as " + out + ".bak-") != std::string::npos);
  int backups = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("etc")))
    backups += e.path().filename().string().rfind("sunbridged.json.bak-", 0) == 0 ? 1 : 0;
  CHECK(backups == 1);
}

TEST_CASE("setup refuses a port the daemon holds and writes nothing", "[integration][setup]") {
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());  // its lock is in dir
  d.wait_for([](const json& s) { return fresh(s, "battery.soc"); });
  const std::string out = dir.file("sunbridged.json");
  auto r = cli({"setup", "--yes", "--port", sim.link(), "--timeout-ms", "200", "--output", out,
                "--lock-dir", dir.path()},
               60s);
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  CHECK(r.out.find(sim.link() + ": in use") != std::string::npos);
  CHECK(r.out.find("sudo systemctl stop sunbridged") != std::string::npos);
  CHECK(r.err.find("Nothing was written") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("setup without a terminal asks for --yes, and bad slave ids are named",
          "[integration][setup]") {
  auto r = cli({"setup", "--port", "/dev/null"});
  CHECK(r.status == 2);
  CHECK(r.err.find("add --yes") != std::string::npos);
  r = cli({"setup", "--yes", "--slaves", "0-300"});
  CHECK(r.status == 2);
  CHECK(r.err.find("--slaves '0-300'") != std::string::npos);
}
