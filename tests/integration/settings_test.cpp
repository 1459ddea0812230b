// SPDX-License-Identifier: Apache-2.0
// The profile engine and the settings writer against the simulator: the daemon runs at other
// dates under libfaketime, the simulator records every write request it receives.
#include <csignal>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "sunbridge/core/local_time.hpp"
#include "testkit/http_server.hpp"

using namespace sb;
using namespace sb::it;

namespace {

WallTime jst(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  REQUIRE(set_process_timezone("Asia/Tokyo"));
  auto t = from_local_civil({y, mo, d, h, mi, s});
  REQUIRE(t);
  return *t;
}

struct Write {
  int address;
  int value;
  int exception;
  bool operator==(const Write&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Write& w) {
  return os << "{0x" << std::hex << w.address << std::dec << " " << w.value << " exc "
            << w.exception << "}";
}

std::vector<Write> writes(Sim& sim) {
  std::vector<Write> out;
  const json log = sim.control({{"cmd", "write-log"}});  // kept: a range-for over a temporary's
  for (const auto& w : log["writes"]) {                  // member would dangle
    out.push_back({w["address"].get<int>(), w["values"][0].get<int>(), w["exception"].get<int>()});
  }
  return out;
}

json audit(Daemon& d) {
  return d.call({{"cmd", "audit"}, {"since", "2000-01-01"}})["audit"];
}

// Waits until the audit log has `n` rows (and a little longer, to catch extra ones).
json wait_audit(Daemon& d, std::size_t n, std::chrono::milliseconds timeout = 20s) {
  json rows;
  testkit::wait_until(
      [&] {
        rows = audit(d);
        return rows.size() >= n;
      },
      timeout);
  std::this_thread::sleep_for(1500ms);  // more than a settings poll: nothing else may follow
  rows = audit(d);
  INFO(d.log());
  INFO(describe_processes("sunbridge-fetch"));  // a forecast fetch still running, and where
  REQUIRE(rows.size() == n);
  return rows;
}

bool has_point(const json& status, const char* name) {
  return status.contains("points") && status.at("points").contains(name);
}

int reg(Sim& sim, int address) {
  return sim.control({{"cmd", "get-reg"}, {"address", address}})["words"][0].get<int>();
}

json settings_config(const testkit::TempDir& dir, Sim& sim, const json& extra = json::object()) {
  json c = fast_config(dir, sim.link());
  c["settings"] = {{"settle_ms", 20}, {"clock", {{"sync", false}}}};
  c.merge_patch(extra);
  return c;
}

void check_row(const json& row, const char* param, const char* old_v, const char* new_v,
               const char* cause, const char* result) {
  INFO(row.dump());
  CHECK(row["param"] == param);
  CHECK(row["old"] == old_v);
  CHECK(row["new"] == new_v);
  CHECK(row["cause"] == cause);
  CHECK(row["result"] == result);
  if (std::string(result) == "written") CHECK(row["readback"] == new_v);
}

constexpr int k07 = 0xE20A, k10 = 0xE012, k41 = 0xE027, k62 = 0xE020;

// Open-Meteo JSON for consecutive days from `first` ('S' sunny, 'R' rainy, 'C' cloudy).
std::string forecast_file(int y, int m, int d, const std::string& kinds) {
  json daily = {{"time", json::array()},
                {"sunshine_duration", json::array()},
                {"daylight_duration", json::array()},
                {"precipitation_sum", json::array()},
                {"precipitation_probability_max", json::array()},
                {"temperature_2m_max", json::array()},
                {"temperature_2m_min", json::array()},
                {"weather_code", json::array()}};
  const auto first = std::chrono::sys_days(std::chrono::year_month_day{
      std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)});
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const std::chrono::year_month_day ymd{first + std::chrono::days(i)};
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    daily["time"].push_back(date);
    daily["daylight_duration"].push_back(50000);
    daily["sunshine_duration"].push_back(kinds[i] == 'S' ? 45000 : 10000);
    daily["precipitation_sum"].push_back(kinds[i] == 'R' ? 20.0 : 0.0);
    daily["precipitation_probability_max"].push_back(kinds[i] == 'R' ? 90 : 10);
    daily["temperature_2m_max"].push_back(30);
    daily["temperature_2m_min"].push_back(22);
    daily["weather_code"].push_back(kinds[i] == 'R' ? 63 : 1);
  }
  return json{{"daily", daily}}.dump();
}

}  // namespace

TEST_CASE("season boundaries: the exact registers written and audited at each",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);
  fake.set(jst(2026, 11, 30, 23, 59, 50));
  Daemon d(dir, settings_config(dir, sim), "d", fake.env());
  // Started in spring/autumn with the inverter already on its values: nothing to write.
  d.wait_for([](const json& s) { return has_point(s, "profile.active"); });
  CHECK(point(d.status(), "profile.active")["value"] == "type-b/spring-autumn");
  std::this_thread::sleep_for(1500ms);
  CHECK(writes(sim).empty());

  // Dec 1 00:00 local: winter, 07 50 -> 60 A, 10 45 -> 60 min, 62 45 -> 60 %; 41 is unchanged.
  fake.set(jst(2026, 12, 1, 0, 0, 2));
  auto rows = wait_audit(d, 3);
  CHECK(writes(sim) == std::vector<Write>{{k07, 600, 0}, {k10, 60, 0}, {k62, 60, 0}});
  check_row(rows[0], "07", "50", "60", "season", "written");
  check_row(rows[1], "10", "45", "60", "season", "written");
  check_row(rows[2], "62", "45", "60", "season", "written");
  CHECK(point(d.status(), "profile.active")["value"] == "type-b/winter");

  // The day before the next boundary: nothing.
  fake.set(jst(2027, 3, 31, 23, 59, 50));
  std::this_thread::sleep_for(2500ms);
  CHECK(writes(sim).size() == 3);

  fake.set(jst(2027, 4, 1, 0, 0, 2));
  rows = wait_audit(d, 6);
  fake.set(jst(2027, 7, 1, 0, 0, 2));
  rows = wait_audit(d, 9);
  fake.set(jst(2027, 10, 1, 0, 0, 2));
  rows = wait_audit(d, 12);
  CHECK(writes(sim) == std::vector<Write>{{k07, 600, 0},
                                          {k10, 60, 0},
                                          {k62, 60, 0},
                                          {k07, 500, 0},
                                          {k10, 45, 0},
                                          {k62, 45, 0},
                                          {k07, 350, 0},
                                          {k10, 30, 0},
                                          {k62, 35, 0},
                                          {k07, 500, 0},
                                          {k10, 45, 0},
                                          {k62, 45, 0}});
  check_row(rows[6], "07", "50", "35", "season", "written");
  check_row(rows[11], "62", "35", "45", "season", "written");
  for (const auto& r : rows)
    CHECK(r["cause"] == "season");
  CHECK(reg(sim, k07) == 500);
  // The audit rows carry the daemon's (faked) dates.
  CHECK(rows[11]["ts_local"].get<std::string>().rfind("2027-10-01 00:00", 0) == 0);
}

TEST_CASE("sunny and rainy spells switch Type A rows, the forecast comes from a file",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);
  fake.set(jst(2027, 7, 10, 12));
  const std::string file = dir.file("forecast.json");
  testkit::write_file(file, forecast_file(2027, 7, 10, "CSSSCCC"));
  Daemon d(dir,
           settings_config(
               dir, sim,
               {{"profiles",
                 {{"mode", "type-a"}, {"weather", {{"provider", "file"}, {"path", file}}}}}}),
           "d", fake.env());
  // Served day Jul 11 starts three sunny days: the summer sunny row from the spring values.
  auto rows = wait_audit(d, 4);
  CHECK(writes(sim) ==
        std::vector<Write>{{k07, 250, 0}, {k10, 15, 0}, {k41, 0x021E, 0}, {k62, 25, 0}});
  check_row(rows[2], "41", "03:00", "02:30", "weather", "written");
  auto show = d.call({{"cmd", "profile.show"}});
  CHECK(show["selection"]["reason"] ==
        "type-a/summer/sunny: 3 sunny days forecast from 2027-07-11");

  // Two days later (past the minimum hold) a rainy spell is forecast.
  fake.set(jst(2027, 7, 12, 12));
  testkit::write_file(file, forecast_file(2027, 7, 12, "CRRRCCC"));
  REQUIRE(d.call({{"cmd", "weather.refresh"}})["ok"] == true);
  rows = wait_audit(d, 8);
  check_row(rows[4], "07", "25", "45", "weather", "written");
  check_row(rows[6], "41", "02:30", "03:30", "weather", "written");

  // Then nothing special: back to the normal row.
  fake.set(jst(2027, 7, 14, 12));
  testkit::write_file(file, forecast_file(2027, 7, 14, "CCCCCCC"));
  REQUIRE(d.call({{"cmd", "weather.refresh"}})["ok"] == true);
  rows = wait_audit(d, 12);
  CHECK(writes(sim) == std::vector<Write>{{k07, 250, 0},
                                          {k10, 15, 0},
                                          {k41, 0x021E, 0},
                                          {k62, 25, 0},
                                          {k07, 450, 0},
                                          {k10, 45, 0},
                                          {k41, 0x031E, 0},
                                          {k62, 45, 0},
                                          {k07, 350, 0},
                                          {k10, 30, 0},
                                          {k41, 0x0300, 0},
                                          {k62, 35, 0}});
  for (const auto& r : rows)
    CHECK(r["cause"] == "weather");
  CHECK(point(d.status(), "profile.active")["value"] == "type-a/summer/normal");
}

TEST_CASE("a failed write mid-transaction leaves the inverter as it was before",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);  // the spring/autumn row, which the simulator's defaults already hold
  fake.set(spring_noon());
  Daemon d(dir, settings_config(dir, sim), "d", fake.env());
  d.wait_for([](const json& s) { return has_point(s, "profile.active"); });
  std::this_thread::sleep_for(1500ms);
  REQUIRE(writes(sim).empty());
  const int before[] = {reg(sim, k07), reg(sim, k10), reg(sim, k41), reg(sim, k62)};
  // 41 answers exception 08 (refused while running).
  sim.control({{"cmd", "fail-write"}, {"address", k41}, {"exception", 8}});
  auto pinned = d.call({{"cmd", "override.set"},
                        {"kind", "pin"},
                        {"profile", "type-a"},
                        {"weather", "rainy"},
                        {"until", "2h"}});
  REQUIRE(pinned["ok"] == true);
  auto rows = wait_audit(d, 4);
  CHECK(writes(sim) ==
        std::vector<Write>{
            {k07, 600, 0}, {k10, 600 / 10, 0}, {k41, 0x031E, 8}, {k10, 45, 0}, {k07, 500, 0}});
  CHECK(reg(sim, k07) == before[0]);
  CHECK(reg(sim, k10) == before[1]);
  CHECK(reg(sim, k41) == before[2]);
  CHECK(reg(sim, k62) == before[3]);
  check_row(rows[0], "07", "50", "60", "override", "rolled-back");
  check_row(rows[1], "10", "45", "60", "override", "rolled-back");
  check_row(rows[2], "41", "03:00", "03:30", "override", "failed");
  check_row(rows[3], "62", "45", "55", "override", "not-attempted");
  CHECK(rows[2]["reason"].get<std::string>().find("exception 0x08") != std::string::npos);
  CHECK(rows[0]["readback"] == "50");  // read back after the restore
  CHECK(events_of(d, "settings.write_failed").size() == 1);
}

TEST_CASE("the write budget blocks the (N+1)th write of a day, also after a restart",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);  // the spring/autumn row, which the simulator's defaults already hold
  fake.set(spring_noon());
  const json config =
      settings_config(dir, sim, {{"settings", {{"budget", {{"per_parameter_per_day", 2}}}}}});
  {
    Daemon d(dir, config, "d", fake.env());
    d.wait_for([](const json& s) { return has_point(s, "setting.p07"); });
    CHECK(d.call({{"cmd", "params.set"}, {"id", "07"}, {"value", "55"}})["ok"] == true);
    CHECK(d.call({{"cmd", "params.set"}, {"id", "7"}, {"value", "56"}})["ok"] == true);
    auto third = d.call({{"cmd", "params.set"}, {"id", "07"}, {"value", "57"}});
    CHECK(third["ok"] == false);
    CHECK(third["error"] == "write budget for 07: 0 writes left today");
    CHECK(writes(sim) == std::vector<Write>{{k07, 550, 0}, {k07, 560, 0}});
    auto rows = audit(d);
    REQUIRE(rows.size() == 3);
    check_row(rows[2], "07", "56", "57", "cli", "refused");
    CHECK(events_of(d, "settings.budget_exhausted").size() == 1);
    // Another parameter still has its budget.
    CHECK(d.call({{"cmd", "params.set"}, {"id", "10"}, {"value", "50"}})["ok"] == true);
  }
  Daemon again(dir, config, "d", fake.env());
  again.wait_for([](const json& s) { return has_point(s, "setting.p07"); });
  auto r = again.call({{"cmd", "params.set"}, {"id", "07"}, {"value", "58"}});
  CHECK(r["ok"] == false);
  CHECK(writes(sim).size() == 3);
}

TEST_CASE("invalid values and broken interlocks never reach the inverter",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);  // the spring/autumn row, which the simulator's defaults already hold
  fake.set(spring_noon());
  Daemon d(dir, settings_config(dir, sim), "d", fake.env());
  d.wait_for([](const json& s) { return has_point(s, "setting.p62"); });
  auto r = d.call({{"cmd", "params.set"}, {"id", "62"}, {"value", "95"}});
  CHECK(r["error"] == "62 (switch-back 95 %) must not exceed 60 (charge stop 90 %)");
  r = d.call({{"cmd", "params.set"}, {"id", "07"}, {"value", "120"}});
  CHECK(r["ok"] == false);
  r = d.call({{"cmd", "params.set"}, {"id", "09"}, {"value", "57.5"}});  // not a 0.4 V step
  CHECK(r["ok"] == false);
  r = d.call({{"cmd", "params.set"}, {"id", "99"}, {"value", "1"}});
  CHECK(r["error"] == "no LCD parameter '99' in the register map");
  r = d.call({{"cmd", "params.set"}, {"id", "41"}, {"value", "25:00"}});
  CHECK(r["ok"] == false);
  // The BMS's charge limit as the inverter reports it bounds 07.
  sim.set("inverter.bms.charge_current_limit", 40);
  d.wait_for(
      [](const json& s) { return maybe_number(s, "inverter.bms.charge_current_limit") == 40.0; });
  r = d.call({{"cmd", "params.set"}, {"id", "07"}, {"value", "45"}});
  CHECK(r["error"] == "07 = 45 A is above the battery bank's charge limit of 40 A");
  CHECK(writes(sim).empty());
  // A dry run names the exact register writes and writes nothing.
  auto dry = cli({"--config", d.config_path(), "params", "set", "09", "57.2", "--dry-run"});
  CHECK(dry.status == 0);
  CHECK(dry.out.find("would write 09  0xE008") != std::string::npos);
  CHECK(writes(sim).empty());
}

TEST_CASE("LCD drift is reported with both values, reassert writes the target back",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);  // the spring/autumn row, which the simulator's defaults already hold
  fake.set(spring_noon());
  {
    Daemon d(dir, settings_config(dir, sim), "d", fake.env());
    d.wait_for([](const json& s) { return has_point(s, "setting.p07"); });
    REQUIRE(d.call({{"cmd", "params.set"}, {"id", "07"}, {"value", "55"}})["ok"] == true);
    sim.control({{"cmd", "poke"}, {"address", k07}, {"value", 520}});    // someone at the LCD
    sim.control({{"cmd", "poke"}, {"address", 0xE01F}, {"value", 25}});  // 61: baseline 19 %
    testkit::wait_until([&] { return events_of(d, "settings.baseline_drift").size() == 1; }, 10s);
    auto drift = events_of(d, "settings.drift");
    REQUIRE(drift.size() == 1);
    CHECK(drift[0]["details"]["inverter"] == "52");
    CHECK(drift[0]["details"]["expected"] == "55");
    CHECK(events_of(d, "settings.baseline_drift")[0]["details"]["param"] == "61");
    std::this_thread::sleep_for(1500ms);
    CHECK(events_of(d, "settings.drift").size() == 1);  // reported once, not every poll
    CHECK(writes(sim).size() == 1);                     // policy report: nothing written
    CHECK(reg(sim, k07) == 520);
  }
  sim.control({{"cmd", "poke"}, {"address", 0xE01F}, {"value", 19}});
  sim.control({{"cmd", "write-log"}, {"clear", true}});
  Daemon d(dir, settings_config(dir, sim, {{"settings", {{"drift_policy", "reassert"}}}}), "d",
           fake.env());
  auto rows = wait_audit(d, 2);  // the CLI write of the first run, then the reassert
  CHECK(writes(sim) == std::vector<Write>{{k07, 500, 0}});
  check_row(rows.back(), "07", "52", "50", "drift", "written");
}

TEST_CASE("the inverter clock is set when it drifts, audited and rate-limited",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  sim.control({{"cmd", "clock-offset"}, {"seconds", 3600}});
  Daemon d(dir, fast_config(dir, sim.link()), "d");
  testkit::wait_until([&] { return !audit(d).empty(); }, 15s);
  auto rows = audit(d);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["param"] == "clock");
  CHECK(rows[0]["cause"] == "clock");
  CHECK(rows[0]["result"] == "written");
  const std::string old_skew = rows[0]["old"].get<std::string>();  // "skew +3600 s" (+-1 s)
  REQUIRE(old_skew.rfind("skew +", 0) == 0);
  CHECK(std::abs(std::stoi(old_skew.substr(6)) - 3600) <= 2);
  auto status = d.wait_for([](const json& s) {
    return maybe_number(s, "inverter.clock_skew") &&
           std::abs(*maybe_number(s, "inverter.clock_skew")) <= 2;
  });
  CHECK(std::abs(number(status, "inverter.clock_skew")) <= 2);
  // Drifting again at once is not chased (one set per 6 h by default).
  sim.control({{"cmd", "clock-offset"}, {"seconds", -600}});
  std::this_thread::sleep_for(2500ms);
  CHECK(audit(d).size() == 1);
}

TEST_CASE("profile plan over a year shows the four season changes and nothing else",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  const std::string file = dir.file("forecast.json");
  FakeTime fake(dir);
  fake.set(jst(2026, 11, 22, 9));
  testkit::write_file(file, forecast_file(2026, 11, 22, "CCCCCCC"));
  Daemon d(dir,
           settings_config(
               dir, sim,
               {{"profiles",
                 {{"mode", "type-a"}, {"weather", {{"provider", "file"}, {"path", file}}}}}}),
           "d", fake.env());
  auto r = cli({"--config", d.config_path(), "profile", "plan", "--days", "365", "--json"});
  REQUIRE(r.status == 0);
  auto plan = json::parse(r.out)["plan"];
  REQUIRE(plan.size() == 5);
  CHECK(plan[0]["key"] == "type-a/spring-autumn/normal");
  const char* at[] = {"2026-12-01 00:00:00", "2027-04-01 00:00:00", "2027-07-01 00:00:00",
                      "2027-10-01 00:00:00"};
  const char* keys[] = {"type-a/winter/normal", "type-a/spring-autumn/normal",
                        "type-a/summer/normal", "type-a/spring-autumn/normal"};
  for (int i = 0; i < 4; ++i) {
    CHECK(plan[i + 1]["at_local"] == at[i]);
    CHECK(plan[i + 1]["key"] == keys[i]);
  }
  // Type A's spring/autumn normal row differs from summer in 07, 10 only (62 is 35 in both, as
  // profiles.md section 2 writes it).
  CHECK(plan[3]["changed"] == json::array({"07", "10"}));
  auto text = cli({"--config", d.config_path(), "profile", "show"});
  CHECK(text.status == 0);
  CHECK(text.out.find("profile  type-a/") != std::string::npos);
  CHECK(text.out.find("next     ") != std::string::npos);
}

TEST_CASE("check-config rejects an unknown profile mode and a broken user profile",
          "[integration][settings]") {
  testkit::TempDir dir;
  testkit::write_file(dir.file("c.json"), R"({"profiles": {"mode": "type-c"}})");
  auto r = testkit::run({SUNBRIDGED_PATH, "--check-config", dir.file("c.json")}, 20s);
  CHECK(r.status == 2);
  CHECK(r.err.find("profiles.mode: no profile named 'type-c' (available: panels-9, type-a, "
                   "type-a-monthly, type-b)") != std::string::npos);
  std::filesystem::create_directories(dir.file("mine"));
  testkit::write_file(dir.file("mine/x.json"), R"({"schema": "sunbridge.profile/1", "name": "x"})");
  testkit::write_file(dir.file("c.json"), R"({"profiles": {"mode": "x", "directory": "mine"}})");
  r = testkit::run({SUNBRIDGED_PATH, "--check-config", dir.file("c.json")}, 20s);
  CHECK(r.status == 2);
  CHECK(r.err.find("mine/x.json: rows: is required") != std::string::npos);

  // One pass: the unknown mode is reported together with the file's other problems.
  testkit::write_file(dir.file("c.json"), R"({"profiles": {"mode": "type-c"},
    "inverter": {"baud": "fast", "slave": 0}, "storage": {"retention_days": -1}, "colour": 1})");
  r = testkit::run({SUNBRIDGED_PATH, "--check-config", dir.file("c.json")}, 20s);
  INFO(r.err);
  CHECK(r.status == 2);
  for (const char* expected : {"inverter.baud", "inverter.slave", "storage.retention_days",
                               "colour", "no profile named 'type-c'", "5 problem(s)"}) {
    CHECK(r.err.find(expected) != std::string::npos);
  }
}

TEST_CASE("an unsynchronised clock: no clock write, no seasonal change, until it is trusted",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  sim.control({{"cmd", "clock-offset"}, {"seconds", 3600}});
  FakeTime fake(dir);
  // Before this program was built: never synchronised, whatever the kernel says. January:
  // Type B's winter row differs from what the inverter holds, so a trusted clock would write.
  fake.set(jst(2020, 1, 15, 12));
  json config = settings_config(
      dir, sim,
      {{"site", {{"time_source", "kernel"}}}, {"settings", {{"clock", {{"sync", true}}}}}});
  {
    Daemon d(dir, config, "d", fake.env());
    const json s = d.wait_for([](const json& st) {
      return has_point(st, "site.clock_synced") && has_point(st, "profile.active") &&
             fresh(st, "inverter.clock_skew");
    });
    CHECK(point(s, "site.clock_synced")["value"] == "no");
    CHECK(point(s, "site.clock_synced")["note"].get<std::string>().find(
              "before this program was built") != std::string::npos);
    // The price of a kWh depends on the hour: not known without a clock.
    CHECK(point(s, "tariff.price")["quality"] == "invalid");
    CHECK(point(s, "tariff.band")["value"].is_null());
    std::this_thread::sleep_for(2500ms);  // two settings polls: nothing may be written
    CHECK(writes(sim).empty());
    CHECK(audit(d).empty());
    const json unsynced = events_of(d, "site.clock_unsynced");
    REQUIRE(unsynced.size() == 1);  // said once, not every poll
    const json r = d.call({{"cmd", "clock.sync"}});
    CHECK(r["ok"] == false);
    CHECK(r["error"].get<std::string>().find("not synchronised") != std::string::npos);
    auto doctor = cli({"--config", d.config_path(), "doctor"}, 60s);
    CHECK(doctor.status == 1);
    CHECK(doctor.out.find("clock NOT synchronised (site.time_source kernel)") != std::string::npos);
  }
  // The same gateway with a clock it may trust: the clock and the winter row go in.
  config["site"]["time_source"] = "trust";
  Daemon d(dir, config, "d", fake.env());
  testkit::wait_until(
      [&] {
        const json rows = audit(d);
        return rows.size() >= 2;
      },
      20s);
  bool clock_written = false;
  for (const auto& row : audit(d))
    clock_written |= row["param"] == "clock" && row["result"] == "written";
  CHECK(clock_written);
  CHECK(reg(sim, k07) == 600);  // winter: 60 A
  // A January noon is the shipped plan's peak; 2020 is before every surcharge and adjustment
  // the file knows, and the point says they are missing rather than pricing them at 0 quietly.
  const json st = d.wait_for([](const json& x) { return fresh(x, "tariff.price"); });
  CHECK(point(st, "tariff.band")["value"] == "peak");
  CHECK(point(st, "tariff.price")["value"] == 43.88);
  CHECK(point(st, "tariff.price")["unit"] == "JPY/kWh");
  const std::string note = point(st, "tariff.price")["note"].get<std::string>();
  INFO(note);
  CHECK(note.find("shikoku-seasonal-tou") != std::string::npos);
  CHECK(note.find("without renewable-energy surcharge, fuel-cost adjustment, price subsidy") !=
        std::string::npos);
  CHECK(note.find("public holidays not known for this year") != std::string::npos);
}

TEST_CASE("the schedule writes the row of the date it runs at, whatever that date is",
          "[integration][settings]") {
  // Not pinned: today's date, or the suite's other-season date (SUNBRIDGE_TEST_DATE). The
  // expectation comes from the date and the Type B table, never from the simulator's defaults.
  testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, settings_config(dir, sim), "d");
  REQUIRE(set_process_timezone("Asia/Tokyo"));
  const int month = to_local_civil(product_now()).month;
  struct Row {
    const char* season;
    int p07, p10, p62;
  };
  const Row row = month == 12 || month <= 3  ? Row{"winter", 60, 60, 60}
                  : month >= 7 && month <= 9 ? Row{"summer", 35, 30, 35}
                                             : Row{"spring-autumn", 50, 45, 45};
  INFO("month " << month);
  const json s = d.wait_for([](const json& st) { return has_point(st, "profile.active"); });
  CHECK(point(s, "profile.active")["value"] == std::string("type-b/") + row.season);
  REQUIRE(testkit::wait_until(
      [&] {
        return reg(sim, k07) == row.p07 * 10 && reg(sim, k10) == row.p10 &&
               reg(sim, k62) == row.p62 && reg(sim, k41) == 0x0300;
      },
      20s));
  // Only what differed from the simulator's spring/autumn defaults was written.
  const std::size_t differing = (row.p07 != 50) + (row.p10 != 45) + (row.p62 != 45);
  CHECK(writes(sim).size() == differing);
}

TEST_CASE("the homeowner's change commands work through the sunbridge binary",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);
  fake.set(jst(2026, 5, 10, 12));  // spring: Type A normal is 50 A / 45 min / 03:00 / 35 %
  const std::string file = dir.file("forecast.json");
  testkit::write_file(file, forecast_file(2026, 5, 10, "CCCCCCC"));
  Daemon d(
      dir,
      settings_config(
          dir, sim,
          {{"profiles", {{"mode", "type-a"}, {"weather", {{"provider", "file"}, {"path", file}}}}},
           // 62 is written three times here: more than the default daily budget.
           {"settings", {{"budget", {{"per_parameter_per_day", 10}}}}}}),
      "d", fake.env());
  REQUIRE(testkit::wait_until([&] { return reg(sim, k62) == 35; }, 20s));

  // weather --refresh: the forecast is read again and shown.
  auto r = cli({"--config", d.config_path(), "weather", "--refresh"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(r.out.find("2026-05-1") != std::string::npos);

  // override pin: the rainy row goes in.
  r = cli({"--config", d.config_path(), "override", "pin", "type-a", "--weather", "rainy",
           "--until", "2h"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(testkit::wait_until(
      [&] { return reg(sim, k07) == 600 && reg(sim, k41) == 0x031E && reg(sim, k62) == 55; }, 20s));
  // override clear: back to the schedule's row.
  r = cli({"--config", d.config_path(), "override", "clear", "pin"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(testkit::wait_until(
      [&] { return reg(sim, k07) == 500 && reg(sim, k41) == 0x0300 && reg(sim, k62) == 35; }, 20s));

  // Someone changes 07 at the LCD (the drift is reported, not undone): profile apply restores it.
  sim.control({{"cmd", "poke"}, {"address", k07}, {"value", 520}});
  testkit::wait_until([&] { return !events_of(d, "settings.drift").empty(); }, 10s);
  r = cli({"--config", d.config_path(), "profile", "apply"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(reg(sim, k07) == 500);
  bool audited = false;
  for (const auto& row : audit(d))
    audited |= row["param"] == "07" && row["old"] == "52" && row["result"] == "written";
  CHECK(audited);

  // What a change read back is what the gateway shows at once, not after the next settings poll.
  r = cli({"--config", d.config_path(), "params", "set", "07", "55"});
  CHECK(r.status == 0);
  r = cli({"--config", d.config_path(), "params", "get", "07", "--json"});
  REQUIRE(r.status == 0);
  CHECK(json::parse(r.out)["setting.p07"]["value"] == 55.0);
}

TEST_CASE("an absence under Type B uses Type A's energy-saving row, says so and is in the plan",
          "[integration][settings]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);
  fake.set(jst(2026, 5, 10, 12));  // spring; the simulator holds Type B's spring row already
  Daemon d(dir, settings_config(dir, sim), "d", fake.env());
  d.wait_for([](const json& st) { return fresh(st, "setting.p62"); });

  // Two days is not a long absence in the guide: refused, with the rule, nothing changes.
  auto r = cli({"--config", d.config_path(), "override", "away", "--from", "2026-05-11", "--to",
                "2026-05-12"});
  CHECK(r.status == 1);
  CHECK(r.err.find("an absence of 2 days changes nothing") != std::string::npos);

  // From tomorrow for four days: served from now on (the night before the first day away).
  r = cli({"--config", d.config_path(), "override", "away", "--from", "2026-05-11", "--to",
           "2026-05-14"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("effect   from 2026-05-10 12:00") != std::string::npos);
  CHECK(r.out.find("type-a/spring-autumn/sunny  07=40 A  10=30 min  41=02:30  62=35 %") !=
        std::string::npos);
  CHECK(testkit::wait_until(
      [&] {
        return reg(sim, k07) == 400 && reg(sim, k10) == 30 && reg(sim, k41) == 0x021E &&
               reg(sim, k62) == 35;
      },
      20s));
  // The plan shows the way back, marked as the override's end.
  r = cli({"--config", d.config_path(), "profile", "plan", "--days", "10"});
  INFO(r.out);
  CHECK(r.status == 0);
  CHECK(r.out.find("override: away 2026-05-11 to 2026-05-14: energy saving") != std::string::npos);
  CHECK(r.out.find("2026-05-14 07:00:00  type-b/spring-autumn") != std::string::npos);
}

TEST_CASE("automatic mode: the daemon's first choice goes through the settings writer",
          "[integration][settings][strategy]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);
  fake.set(jst(2027, 1, 15, 22, 30));  // a winter evening, after the choice's time
  const std::string file = dir.file("forecast.json");
  testkit::write_file(file, forecast_file(2027, 1, 15, "CSSSCCC"));
  Daemon d(dir,
           settings_config(dir, sim,
                           {{"profiles",
                             {{"mode", "auto"},
                              {"auto", {{"min_saving_yen", 5}}},
                              {"weather", {{"provider", "file"}, {"path", file}}}}}}),
           "d", fake.env());
  json rows;
  testkit::wait_until(
      [&] {
        rows = audit(d);
        return !rows.empty();
      },
      20s);
  std::this_thread::sleep_for(1500ms);  // the whole transaction
  rows = audit(d);
  INFO(d.log());
  REQUIRE_FALSE(rows.empty());
  for (const auto& r : rows) {
    CHECK(r["cause"] == "auto");
    CHECK(r["result"] == "written");
    CHECK(r["readback"] == r["new"]);
  }
  const json show = d.call({{"cmd", "profile.show"}});
  CHECK(show["mode"] == "auto");
  const json& choice = show["auto"];
  REQUIRE(choice.is_object());
  CHECK(choice["served"] == "2027-01-16");
  const std::string reason = choice["reason"];
  CHECK(reason.find("automatic for 2027-01-16: 07 ") == 0);
  CHECK(reason.find("type-b would choose 07 60 A, 10 60 min, 41 03:00, 62 60 %") !=
        std::string::npos);
  // The inverter holds exactly the choice, and only the four parameters were written.
  const json& v = choice["values"];
  CHECK(reg(sim, k07) == static_cast<int>(v["07"].get<double>() * 10));
  CHECK(reg(sim, k10) == static_cast<int>(v["10"].get<double>()));
  CHECK(reg(sim, k62) == static_cast<int>(v["62"].get<double>()));
  const std::string end = v["41"];
  CHECK(reg(sim, k41) == std::stoi(end.substr(0, 2)) * 256 + std::stoi(end.substr(3, 2)));
  for (const auto& w : writes(sim)) {
    CHECK((w.address == k07 || w.address == k10 || w.address == k41 || w.address == k62));
  }
  CHECK(show["selection"]["key"].get<std::string>().rfind("auto/", 0) == 0);
}

TEST_CASE("automatic mode waits for the first forecast, and chooses again when a late one comes",
          "[integration][settings][strategy][weather]") {
  testkit::TempDir dir;
  Sim sim(dir);
  FakeTime fake(dir);
  fake.set(jst(2027, 1, 15, 22, 30));  // a winter evening, after the choice's time
  // With three sunny days ahead the choice lowers 07 (the simulator holds 50 A); on normal
  // days it keeps what the inverter holds: a write shows which one was made.
  const std::string sunny = forecast_file(2027, 1, 15, "CSSSCCC");
  const json auto_mode = {{"mode", "auto"}, {"auto", {{"min_saving_yen", 5}}}};
  testkit::HttpServer server;
  const auto config = [&](const char* name) {
    json profiles = auto_mode;
    // A fetch that hangs ends after 8 s + the helper's spare 15 s (the waits below are longer),
    // so a failure's log names it.
    profiles["weather"] = {
        {"provider", "open-meteo"}, {"url", server.url(std::string("/") + name)}, {"timeout_s", 8}};
    return settings_config(dir, sim, {{"profiles", profiles}});
  };
  const auto choice_reason = [](Daemon& d) {
    const json show = d.call({{"cmd", "profile.show"}});
    return show["auto"].is_object() ? show["auto"].value("reason", "") : std::string();
  };
  SECTION("a slow forecast at start is waited for") {
    // The first settings poll comes long before this answer.
    server.respond(200, sunny, 3000ms);
    Daemon d(dir, config("slow"), "d", fake.env());
    const json rows = wait_audit(d, 1, 40s);
    check_row(rows[0], "07", "50", "40", "auto", "written");
    const std::string reason = choice_reason(d);
    CHECK(reason.find("automatic for 2027-01-16: 07 40 A") == 0);
    CHECK(reason.find("no current forecast") == std::string::npos);
  }
  SECTION("a choice made without a forecast is made again when one comes") {
    server.respond(503, "busy");
    Daemon d(dir, config("late"), "d", fake.env());
    std::string reason;
    testkit::wait_until(
        [&] {
          reason = choice_reason(d);
          return !reason.empty();
        },
        40s);
    INFO(d.log());
    INFO(describe_processes("sunbridge-fetch"));
    CHECK(reason.find("automatic for 2027-01-16: keeping 07 50 A") == 0);
    CHECK(reason.find("(no current forecast: normal days assumed)") != std::string::npos);
    CHECK(audit(d).empty());
    // The forecast comes on the next fetch (a refresh here): the same night is chosen again.
    server.respond(200, sunny);
    const json reply = d.call({{"cmd", "weather.refresh"}});
    REQUIRE(reply["ok"] == true);
    const json rows = wait_audit(d, 1, 40s);
    check_row(rows[0], "07", "50", "40", "auto", "written");
    reason = choice_reason(d);
    CHECK(reason.find("automatic for 2027-01-16: 07 40 A") == 0);
    CHECK(reason.find("no current forecast") == std::string::npos);
  }
}

TEST_CASE("a stop does not wait for a forecast server that does not answer",
          "[integration][weather]") {
  adopt_orphans();  // a helper the daemon left behind is then still this test's to find
  testkit::TempDir dir;
  Sim sim(dir);
  testkit::HttpServer server;
  server.respond(200, "{}", 120s);  // accepts, reads the request, and says nothing
  json config = fast_config(dir, sim.link());
  // Allowed 300 s (and 15 s more for the helper): far longer than a service manager waits.
  config["profiles"] = {
      {"weather", {{"provider", "open-meteo"}, {"url", server.url("/hang")}, {"timeout_s", 300}}}};
  Daemon d(dir, config, "d");
  REQUIRE(testkit::wait_until([&] { return !server.request_lines().empty(); }, 20s));
  INFO(describe_processes("sunbridge-fetch"));
  // The fetch has a short grace, then its helper is stopped and the daemon finishes its stop.
  const auto code = d.process().stop(SIGTERM, 10s);
  INFO(d.log());
  CHECK(code.value_or(-1) == 0);
  CHECK(describe_processes("sunbridge-fetch") == "sunbridge-fetch: none running");
}

TEST_CASE("forecasts are fetched through the helper process and without it the daemon says why",
          "[integration][weather]") {
  testkit::TempDir dir;
  Sim sim(dir);
  testkit::HttpServer server;
  server.respond(200, testkit::read_file(std::string(SUNBRIDGE_SOURCE_DIR) +
                                         "/tests/fixtures/weather/open-meteo-takamatsu.json"));
  json config = fast_config(dir, sim.link());
  config["profiles"] = {
      {"weather",
       {{"provider", "open-meteo"}, {"url", server.url("/v1/forecast?latitude=34.34")}}}};
  {
    Daemon d(dir, config, "d");
    d.wait_for([](const json& s) { return fresh(s, "battery.soc"); });
    // The first fetch starts with the daemon; a refresh asked meanwhile is told to wait.
    const auto refresh = [&] {
      json reply;
      testkit::wait_until(
          [&] {
            reply = d.call({{"cmd", "weather.refresh"}});
            return reply.value("error", "").find("in progress") == std::string::npos;
          },
          20s);
      return reply;
    };
    const json reply = refresh();
    INFO(reply.dump() << d.log());
    REQUIRE(reply["ok"] == true);
    REQUIRE(reply.contains("forecast"));
    CHECK(reply["forecast"]["provider"] == "open-meteo");
    CHECK(reply["forecast"]["days"].size() == 7);
    CHECK(server.request_lines().back() == "GET /v1/forecast?latitude=34.34 HTTP/1.1");
    // The server's refusal comes back through the helper with its reason.
    server.respond(503, "busy");
    const json refused = refresh();
    CHECK(refused["ok"] == false);
    CHECK_THAT(refused["error"].get<std::string>(), Catch::Contains("HTTP 503"));
  }
  // A copy of the daemon with no helper beside it (and none installed here) refuses to start
  // with a configuration that needs one, and says what is missing.
  const std::string lone = dir.file("lone/sunbridged");
  std::filesystem::create_directories(dir.file("lone"));
  std::filesystem::copy_file(SUNBRIDGED_PATH, lone);
  std::filesystem::permissions(lone, std::filesystem::perms::owner_all);
  testkit::write_file(dir.file("lone.json"), config.dump());
  auto r = testkit::run({lone, "--config", dir.file("lone.json")}, 20s);
  CHECK(r.status == 1);
  CHECK_THAT(r.out + r.err, Catch::Contains("cannot start: sunbridge-fetch, which fetches "
                                            "forecasts and sends e-mail, is not installed"));
  // `--check-config` says so too, before anything starts; beside the helper, it passes.
  r = testkit::run({lone, "--check-config", dir.file("lone.json")}, 20s);
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Catch::Contains(dir.file("lone.json") +
                                    ": sunbridge-fetch, which fetches forecasts and sends "
                                    "e-mail, is not installed"));
  r = testkit::run({SUNBRIDGED_PATH, "--check-config", dir.file("lone.json")}, 20s);
  INFO(r.err);
  CHECK(r.status == 0);
}
