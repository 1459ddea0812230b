// SPDX-License-Identifier: Apache-2.0
// The daemon against the pack simulator over pseudo-terminals, in all three BMS modes: every
// pack value equals the simulator's; the passive tap never transmits; faults and flags show.
#include <catch2/catch.hpp>

#include <cmath>
#include <thread>

#include "harness.hpp"

using namespace sb::it;

namespace {

struct BmsRig {
  sb::testkit::TempDir dir;
  std::unique_ptr<Sim> sim;
  std::unique_ptr<Daemon> daemon;

  BmsRig(const std::string& mode, json bms = json::object(),
         std::vector<std::string> sim_args = {}) {
    std::vector<std::string> args = {
        "--pack-modbus-link", dir.file("pm.tty"), "--pack-ascii-link",      dir.file("pa.tty"),
        "--pack-sniff-link",  dir.file("ps.tty"), "--pack-sniff-period-ms", "60"};
    args.insert(args.end(), sim_args.begin(), sim_args.end());
    sim = std::make_unique<Sim>(dir, args);
    const std::string device = mode == "modbus" ? "pm.tty" : mode == "ascii" ? "pa.tty" : "ps.tty";
    json base = {{"mode", mode},
                 {"device", dir.file(device)},
                 {"poll_interval", 1},
                 {"sniff_window_ms", 300},
                 {"sniff_stale_after_s", 3},
                 {"offline_after", 2},
                 {"pack_sample_interval_s", 1}};
    if (bms.is_object()) base.merge_patch(bms);  // a {} argument arrives as null
    daemon = std::make_unique<Daemon>(dir, sim->link(), json{{"bms", base}});
  }

  json wait_packs_online(int n = 4) {
    return daemon->wait_for(
        [n](const json& st) {
          return maybe_number(st, "bank.packs_online") == n && fresh(st, "bank.soc");
        },
        20s);
  }

  // Online, and the strings (model and serial) seen too: a tap sees them only when the inverter
  // asks, now and then, and one frame lost (the tap opening mid-exchange) costs a round.
  json wait_packs_complete() {
    auto complete = [](const json& st) {
      if (!fresh(st, "bank.soc") || maybe_number(st, "bank.packs_online") != 4.0) return false;
      for (int p = 1; p <= 4; ++p) {
        const std::string n = "pack." + std::to_string(p) + ".";
        if (!fresh(st, n + "serial") || !fresh(st, n + "model")) return false;
      }
      return true;
    };
    json s = daemon->wait_for(complete, 30s);
    INFO("BMS counters " << s["daemon"]["bms"].dump() << "; simulator "
                         << sim->control({{"cmd", "pack-stats"}}).dump());
    REQUIRE(complete(s));
    return s;
  }
};

// Every value the simulator holds for its packs, compared with the daemon's. `derived_soc`: the
// ASCII protocol has no SOC/SOH field, they are computed from capacities.
void compare_every_pack_value(BmsRig& rig, bool derived_soc) {
  json s = rig.wait_packs_complete();
  INFO(rig.daemon->log());
  REQUIRE(number(s, "bank.packs_online") == 4);
  json dump = rig.sim->control({{"cmd", "pack-dump"}})["values"];
  int compared = 0;
  for (const auto& [name, value] : dump.items()) {
    INFO(name << " sim=" << value.dump() << " daemon=" << point(s, name).dump());
    REQUIRE(fresh(s, name));
    if (value.is_string()) {
      CHECK(point(s, name)["value"] == value);
    } else {
      const bool approx = derived_soc && (name.ends_with(".soc") || name.ends_with(".soh"));
      CHECK(std::fabs(number(s, name) - value.get<double>()) <= (approx ? 0.5 : 1e-6));
    }
    ++compared;
  }
  CHECK(compared == 4 * 32);  // 8 figures, 16 cells, 6 temperatures, model, serial
  // The bank's current is the inverter's battery current, split across the packs.
  CHECK(number(s, "bank.current") == Approx(number(s, "battery.current")).margin(0.011));
  CHECK(point(s, "link.bms.state")["value"] == "online");
  for (int p = 1; p <= 4; ++p)
    CHECK(point(s, "pack." + std::to_string(p) + ".link")["value"] == "online");
}

}  // namespace

TEST_CASE("BMS modbus mode: every pack value equals the simulator's", "[integration][bms]") {
  BmsRig rig("modbus");
  compare_every_pack_value(rig, false);
  json stats = rig.sim->control({{"cmd", "pack-stats"}});
  CHECK(stats["modbus"]["requests"].get<int>() >= 8);
}

TEST_CASE("BMS ascii mode: every pack value equals the simulator's", "[integration][bms]") {
  BmsRig rig("ascii");
  compare_every_pack_value(rig, true);
  CHECK(rig.sim->control({{"cmd", "pack-stats"}})["ascii"]["requests"].get<int>() >= 16);
}

TEST_CASE("BMS sniff mode: values decoded from the tap, and not one byte written",
          "[integration][bms]") {
  BmsRig rig("sniff");
  compare_every_pack_value(rig, false);
  std::this_thread::sleep_for(1s);
  json stats = rig.sim->control({{"cmd", "pack-stats"}});
  CHECK(stats["sniff"]["exchanges"].get<int>() > 8);
  CHECK(stats["sniff"]["bytes_from_listener"] == 0);  // the tap never transmitted
  json bms = rig.daemon->status()["daemon"]["bms"];
  CHECK(bms["port"].get<std::string>().find("read-only") != std::string::npos);
  CHECK(bms["counters"]["rtu_frames"].get<int>() > 8);
}

TEST_CASE("BMS sniff mode over an ASCII exchange", "[integration][bms]") {
  BmsRig rig("sniff", {}, {"--pack-sniff-protocol", "ascii"});
  compare_every_pack_value(rig, true);
  CHECK(rig.sim->control({{"cmd", "pack-stats"}})["sniff"]["bytes_from_listener"] == 0);
}

TEST_CASE("a silent pack goes offline alone, the bank says it is incomplete",
          "[integration][bms]") {
  BmsRig rig("modbus");
  rig.wait_packs_online();
  rig.sim->control({{"cmd", "pack-silent"}, {"pack", 3}, {"on", true}});
  json s = rig.daemon->wait_for(
      [](const json& st) { return point(st, "pack.3.link")["value"] == "offline"; }, 20s);
  CHECK(point(s, "pack.3.soc")["quality"] == "stale");
  CHECK(point(s, "pack.3.soc")["value"].is_null());
  CHECK(point(s, "bank.soc")["quality"] == "invalid");
  CHECK(point(s, "bank.soc")["note"].get<std::string>().find("pack 3") != std::string::npos);
  CHECK(number(s, "bank.packs_online") == 3);
  CHECK(point(s, "link.bms.state")["value"] == "degraded");
  CHECK(fresh(s, "pack.2.soc"));
  rig.sim->control({{"cmd", "pack-silent"}, {"pack", 3}, {"on", false}});
  s = rig.wait_packs_online();
  CHECK(fresh(s, "bank.soc"));
  CHECK(rig.daemon->log().find("pack 3: degraded -> offline") != std::string::npos);
}

TEST_CASE("pack protection flags reach the pack and the bank", "[integration][bms]") {
  BmsRig rig("ascii");
  rig.wait_packs_online();
  rig.sim->control({{"cmd", "pack-fault"}, {"pack", 2}, {"fault", "over-temperature"}});
  rig.sim->control({{"cmd", "pack-fault"}, {"pack", 4}, {"fault", "cell-over-voltage"}});
  json s = rig.daemon->wait_for(
      [](const json& st) {
        return fresh(st, "bank.protection") && point(st, "bank.protection")["value"].size() == 2;
      },
      15s);
  const json protection = point(s, "bank.protection")["value"];
  REQUIRE(protection.size() == 2);
  CHECK(protection[0] == "pack 2: charge over-temperature");
  CHECK(protection[1] == "pack 4: cell over-voltage");
  CHECK(number(s, "pack.4.cell.5") == 3655);
  CHECK(number(s, "bank.cell.max") == 3655);
  CHECK(point(s, "bank.cell.max_at")["value"] == "pack 4 cell 5");
  CHECK(number(s, "pack.2.temp.1") == 58.0);
  auto r = cli({"--socket", rig.daemon->socket(), "battery"});
  CHECK(r.out.find("protection pack 2: charge over-temperature") != std::string::npos);
}

TEST_CASE("corrupted BMS answers are counted and shown by doctor", "[integration][bms]") {
  BmsRig rig("ascii");
  rig.wait_packs_online();
  rig.sim->control({{"cmd", "pack-corrupt"}, {"count", 3}, {"link", "ascii"}});
  json s = rig.daemon->wait_for(
      [](const json& st) {
        return st["daemon"]["bms"]["counters"]["bad_checksums"].get<int>() >= 3;
      },
      15s);
  CHECK(s["daemon"]["bms"]["counters"]["bad_checksums"].get<int>() >= 3);
  rig.wait_packs_online();  // retries and later cycles recover
  auto r = cli({"--socket", rig.daemon->socket(), "doctor"}, 60s);
  CHECK(r.out.find("bad checksums 3") != std::string::npos);
}

TEST_CASE("a sustained SOC gap between packs and inverter becomes a stored event",
          "[integration][bms]") {
  BmsRig rig("modbus", {{"cross_check", {{"soc_gap_pct", 10}, {"sustain_s", 2}}}});
  rig.wait_packs_online();
  for (int p = 1; p <= 4; ++p) {
    rig.sim->control({{"cmd", "pack-set"}, {"pack", p}, {"name", "soc_offset"}, {"value", 25}});
  }
  sb::testkit::wait_until(
      [&] {
        auto r = cli({"--socket", rig.daemon->socket(), "events", "--json"});
        return r.status == 0 && r.out.find("bms.soc_mismatch") != std::string::npos;
      },
      20s);
  auto r = cli({"--socket", rig.daemon->socket(), "events", "--json"});
  json events = json::array();  // link changes are events too: keep the mismatches
  for (const auto& e : json::parse(r.out)) {
    if (e["kind"] == "bms.soc_mismatch") events.push_back(e);
  }
  REQUIRE(events.size() == 1);
  CHECK(events[0]["severity"] == "warning");
  CHECK(events[0]["details"]["inverter"] == "56.0");
  CHECK(rig.daemon->log().find("differ by") != std::string::npos);
  r = cli({"--socket", rig.daemon->socket(), "events"});
  CHECK(r.out.find("bms.soc_mismatch") != std::string::npos);
}

TEST_CASE("sunbridge battery: summary, cell grid and points.md JSON", "[integration][bms]") {
  BmsRig rig("modbus");
  rig.wait_packs_online();
  auto r = cli({"--socket", rig.daemon->socket(), "battery", "--json"});
  REQUIRE(r.status == 0);
  json j = json::parse(r.out);
  CHECK(j.contains("bank.soc"));
  CHECK(j.contains("pack.4.cell.16"));
  CHECK(j["pack.1.cell.1"]["unit"] == "mV");
  r = cli({"--socket", rig.daemon->socket(), "battery", "--cells"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("packs online 4") != std::string::npos);
  CHECK(r.out.find("p4 ") != std::string::npos);
  CHECK(r.out.find("*") != std::string::npos);  // the bank's extremes are marked
  CHECK(r.out.find("v") != std::string::npos);
}
