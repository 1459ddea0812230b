// SPDX-License-Identifier: Apache-2.0
// The `sunbridge` command line against a running daemon, and without one.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/text.hpp"

using namespace sb::it;

TEST_CASE("sunbridge status --json: points.md names with value, unit, quality, ts",
          "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  sim.set("battery.current", -20.3);
  Daemon d(dir, sim.link());
  d.wait_for(
      [](const json& st) { return fresh(st, "battery.current") && fresh(st, "setting.p07"); });
  auto r = cli({"--socket", d.socket(), "status", "--json"});
  REQUIRE(r.status == 0);
  json j = json::parse(r.out);
  REQUIRE(j.contains("battery.current"));
  CHECK(j["battery.current"]["value"] == -20.3);
  CHECK(j["battery.current"]["unit"] == "A");
  CHECK(j["battery.current"]["quality"] == "ok");
  CHECK(j["battery.current"]["ts"].is_string());
  CHECK(j["grid.l2.voltage"]["value"] == 100.7);
  // The screen, via --config to find the socket; --all with every point.
  r = cli({"--config", d.config_path(), "status"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("inverter online") != std::string::npos);
  CHECK(r.out.find("-20.3 A") != std::string::npos);
  r = cli({"--config", d.config_path(), "status", "--all"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("link online") != std::string::npos);
  CHECK(r.out.find("grid.l2.voltage") != std::string::npos);
  // Shown with the precision their point declares; JSON keeps every digit.
  const double power = j["battery.power"]["value"].get<double>();
  CHECK(j["battery.power"]["decimals"] == 0);
  CHECK(r.out.find(" " + std::to_string(std::lround(power)) + " W") != std::string::npos);
  CHECK(j["battery.voltage"]["decimals"] == 1);
}

TEST_CASE("sunbridge params get: decoded like the LCD", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  sim.control({{"cmd", "poke"}, {"address", "0xE20A"}, {"value", 600}});  // someone set 60 A
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return maybe_number(st, "setting.p07") == 60.0; });
  auto r = cli({"--socket", d.socket(), "params", "get", "07", "41", "09", "62"});
  REQUIRE(r.status == 0);
  std::istringstream lines(r.out);
  std::string l07, l41, l09, l62;
  std::getline(lines, l07);
  std::getline(lines, l41);
  std::getline(lines, l09);
  std::getline(lines, l62);
  CHECK(l07.rfind("07 60 A", 0) == 0);
  CHECK(l41.rfind("41 03:00", 0) == 0);
  CHECK(l09.rfind("09 57.6 V", 0) == 0);
  CHECK(l62.rfind("62 45%", 0) == 0);
  CHECK(l07.find("0xE20A") != std::string::npos);
  r = cli({"--socket", d.socket(), "params", "get", "7", "--json"});
  REQUIRE(r.status == 0);
  CHECK(json::parse(r.out)["setting.p07"]["value"] == 60.0);
  r = cli({"--socket", d.socket(), "params", "get", "99"});
  CHECK(r.status == 1);
  CHECK(r.err.find("unknown LCD parameter(s): 99") != std::string::npos);
}

TEST_CASE("sunbridge history: table and CSV", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  std::this_thread::sleep_for(2500ms);  // a few recorded samples
  auto r = cli({"--socket", d.socket(), "history", "--since", "5m", "--csv", "--points",
                "battery.soc,battery.current"});
  REQUIRE(r.status == 0);
  std::istringstream lines(r.out);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  CHECK(header == "ts,battery.soc,battery.current");
  CHECK(first.find(",56,-8.5") != std::string::npos);
  r = cli({"--socket", d.socket(), "history", "--since", "5m"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("battery.soc [%]") != std::string::npos);
  r = cli({"--socket", d.socket(), "history", "--since", "yesterday"});
  CHECK(r.status == 2);
  // A misspelled point is an error that names the right one, not an empty period.
  r = cli({"--socket", d.socket(), "history", "--points", "battery.socc"});
  CHECK(r.status == 1);
  CHECK(r.err.find("unknown point 'battery.socc' (did you mean 'battery.soc'?)") !=
        std::string::npos);
}

TEST_CASE("sunbridge doctor with the daemon: identity and the verification list", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  auto r = cli({"--socket", d.socket(), "doctor"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("sunbridged is running") != std::string::npos);
  CHECK(r.out.find("inverter answers") != std::string::npos);
  CHECK(r.out.find("LVY10KU2408250123") != std::string::npos);
  CHECK(r.out.find("0xE008  144") != std::string::npos);
  CHECK(r.out.find("12 V-normalised") != std::string::npos);
  CHECK(r.out.find("0-based protocol list: 7 = WOW") != std::string::npos);
  r = cli({"--socket", d.socket(), "doctor", "--json"});
  REQUIRE(r.status == 0);
  json j = json::parse(r.out);
  CHECK(j["survey"]["verification"].size() == 18);
}

TEST_CASE("sunbridge doctor without the daemon reads the inverter itself", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  sim.control({{"cmd", "poke"}, {"address", "0xE21B"}, {"value", 8}});  // a 1-based firmware
  json config = fast_config(dir, sim.link());
  sb::testkit::write_file(dir.file("c.json"), config.dump());
  auto r = cli({"--config", dir.file("c.json"), "doctor"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("not running: reading the inverter directly") != std::string::npos);
  CHECK(r.out.find("opened and locked") != std::string::npos);
  CHECK(r.out.find("numbers the protocol list from 1") != std::string::npos);
  // A missing port is a failure with a hint.
  json missing = fast_config(dir, dir.file("nothing.tty"));
  sb::testkit::write_file(dir.file("m.json"), missing.dump());
  r = cli({"--config", dir.file("m.json"), "doctor"});
  CHECK(r.status == 1);
  CHECK(r.out.find("is missing") != std::string::npos);
}

TEST_CASE("the CLI says clearly when no daemon runs", "[integration]") {
  sb::testkit::TempDir dir;
  auto r = cli({"--socket", dir.file("none.sock"), "status"});
  CHECK(r.status == 1);
  CHECK(r.err.find("sunbridged is not running") != std::string::npos);
}

TEST_CASE("the benchmark prints its figures, the simulator enforces the wire time",
          "[integration]") {
  auto r = sb::testkit::run({SUNBRIDGE_BENCH_PATH, "poll", "--cycles", "3", "--rounds", "3",
                             "--json", "--sim", SUNBRIDGE_SIM_PATH},
                            120s);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  json j = json::parse(r.out);
  CHECK(j["transactions_per_cycle"] == 7);
  CHECK(j["bytes_per_cycle"] == 457);
  // Not a timing assertion on our code: a ratio below 1 would mean the simulator answered
  // faster than a 9600-baud line can carry the frames, i.e. its pacing is broken.
  CHECK(j["ratio"].get<double>() >= 0.99);
  CHECK(j["wire_time_s"].get<double>() == Approx(0.5271).margin(0.001));
  // The floor loop read the same blocks: its figures are there and positive (no values asserted:
  // this is a benchmark's smoke run).
  CHECK(j["floor_cpu_per_cycle_s"].get<double>() > 0.0);
  CHECK(j["transport_cpu_per_cycle_s"].get<double>() > 0.0);
  CHECK(j["cpu_ratio_to_floor"].get<double>() > 0.0);
  REQUIRE(j["cpu_ratio_to_floor_per_round"].size() == 3);  // one per round, the median among them
  std::vector<double> rounds = j["cpu_ratio_to_floor_per_round"];
  std::sort(rounds.begin(), rounds.end());
  CHECK(rounds.front() <= j["cpu_ratio_to_floor"].get<double>() + 1e-9);
  CHECK(rounds.back() >= j["cpu_ratio_to_floor"].get<double>() - 1e-9);
  // The paired cycles: one ratio for each loop against the floor, from the printed means.
  CHECK(j["paired_cpu_ratio_to_floor"].get<double>() ==
        Approx(j["paired_cpu_per_cycle_s"].get<double>() /
               j["paired_floor_cpu_per_cycle_s"].get<double>()));
  CHECK(j["paired_transport_cpu_ratio_to_floor"].get<double>() > 0.0);
  CHECK(j["paired_cpu_ratio_to_floor_per_100"].empty());          // 3 pairs: no stretch of 100
  CHECK(j["floor_rw_syscalls_per_cycle"].get<double>() >= 14.0);  // 7 requests and replies
  CHECK(j["private_rss_mb"].get<double>() > 0.0);
  // The same cycle on replayed words decoded every value the bus run did.
  CHECK(j["values_per_cycle"] == 99);
  CHECK(j["no_bus_cpu_per_cycle_s"].get<double>() > 0.0);
  CHECK(j["no_bus_cold_cpu_per_cycle_s"].get<double>() >= 0.0);
}

TEST_CASE("the benchmark measures a poll cycle through a Solarman logger",
          "[integration][solarman]") {
  auto r = sb::testkit::run({SUNBRIDGE_BENCH_PATH, "poll", "--transport", "solarman", "--cycles",
                             "2", "--latency-ms", "50", "--json", "--sim", SUNBRIDGE_SIM_PATH},
                            120s);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  json j = json::parse(r.out);
  CHECK(j["transport"] == "solarman");
  CHECK(j["blocks_per_cycle"] == 7);
  CHECK(j["limit_cycle_s"].get<double>() == Approx(7 * 0.15));
  // Not a timing assertion on our code: below 1 the logger's latency or the frame gap was not
  // kept, i.e. the simulator or the client skipped what a real logger imposes.
  CHECK(j["ratio_to_limit"].get<double>() >= 0.99);
}

TEST_CASE("the memory benchmark measures the daemon with the packs and MQTT on", "[integration]") {
  auto r = sb::testkit::run({SUNBRIDGE_BENCH_PATH, "memory", "--seconds", "1", "--json"}, 120s);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  json j = json::parse(r.out);
  CHECK(j["mqtt_client_connected"] == true);
  const double peak = j["peak_rss_mb"].get<double>(), rss = j["rss_mb"].get<double>();
  CHECK(rss > 0.0);
  CHECK(peak >= rss);
  CHECK(j["private_mb"].get<double>() <= rss);
  CHECK(j["private_dirty_mb"].get<double>() <= j["private_mb"].get<double>());
  bool own_code = false;
  for (const auto& m : j["largest_mappings"])
    own_code = own_code || m["name"] == "sunbridged";
  CHECK(own_code);
}

TEST_CASE("the dashboard benchmark measures the page and the daemon with live views",
          "[integration]") {
  auto r = sb::testkit::run(
      {SUNBRIDGE_BENCH_PATH, "dashboard", "--seconds", "3", "--clients", "2", "--json"}, 120s);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  json j = json::parse(r.out);
  // Chart.js alone is 66 kB compressed; the whole page stays under the 150 kB target.
  CHECK(j["page_kb_compressed"].get<double>() > 66);
  CHECK(j["page_kb_compressed"].get<double>() < 150);
  CHECK(j["on"]["live_values_received"].get<long>() > 0);
  CHECK(j["on"]["peak_rss_mb"].get<double>() > 0);
  CHECK(j["off"]["peak_rss_mb"].get<double>() > 0);
}

TEST_CASE("the history benchmark prints bytes per tier and a database size", "[integration]") {
  // A simulated day for each figure: a smoke run (docs/benchmarks.md has a year).
  auto r = sb::testkit::run(
      {SUNBRIDGE_BENCH_PATH, "history", "--days", "1", "--year-days", "1", "--json"}, 300s);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  json j = json::parse(r.out);
  const json& per_day = j["bytes_per_day"];
  // Every tier was written; the raw samples of a day (1440 of about 90 points and 288 of the
  // packs) and the minute tier (1440 buckets) are the big ones; a day has one daily bucket.
  CHECK(per_day["raw"].get<double>() > 1e6);
  CHECK(per_day["1m"].get<double>() > per_day["15m"].get<double>() * 5);
  CHECK(per_day["15m"].get<double>() > per_day["1d"].get<double>());
  CHECK(per_day["1d"].get<double>() > 0);
  CHECK(j["written_per_day"].get<double>() > per_day["raw"].get<double>());
  CHECK(j["year"]["file_bytes"].get<double>() > 0);
}

namespace {

// User plus system CPU time the process has used (from /proc/PID/stat, in clock ticks).
std::chrono::milliseconds cpu_time(pid_t pid) {
  std::string stat = sb::testkit::read_file("/proc/" + std::to_string(pid) + "/stat");
  // Fields after the command name, which is in parentheses and may hold spaces.
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return std::chrono::milliseconds((utime + stime) * 1000 / ::sysconf(_SC_CLK_TCK));
}

// A slow inverter (every reply 100 ms late) and a `sunbridge doctor` run that keeps the bus busy
// for seconds, asked and waiting on the bus after `settle`.
std::unique_ptr<sb::testkit::Process> slow_doctor(const sb::testkit::TempDir& dir, Sim& sim,
                                                  Daemon& d, std::chrono::milliseconds settle) {
  sim.control({{"cmd", "delay"}, {"ms", 100}});
  auto doctor = std::make_unique<sb::testkit::Process>(
      std::vector<std::string>{SUNBRIDGE_CLI_PATH, "--socket", d.socket(), "doctor"},
      dir.file("doctor.log"));
  std::this_thread::sleep_for(settle);
  return doctor;
}

}  // namespace

TEST_CASE("Ctrl-C stops doctor at once, and the daemon is not left spinning", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "battery.soc"); });
  auto doctor = slow_doctor(dir, sim, d, 500ms);
  const auto started = std::chrono::steady_clock::now();
  auto code = doctor->stop(SIGINT, 3s);
  const auto took = std::chrono::steady_clock::now() - started;
  INFO(sb::testkit::read_file(dir.file("doctor.log")));
  REQUIRE(code);
  CHECK(*code == 130);
  CHECK(took < 2s);
  CHECK(sb::testkit::read_file(dir.file("doctor.log")).find("interrupted") != std::string::npos);
  // The daemon still holds the request it can no longer answer. It must not spin on the
  // hang-up meanwhile (a correctness check: a spinning loop uses the whole 2 s).
  const auto before = cpu_time(d.process().pid());
  std::this_thread::sleep_for(2s);
  const auto used = cpu_time(d.process().pid()) - before;
  CHECK(used < 1000ms);
  sim.control({{"cmd", "delay"}, {"ms", 0}});
  CHECK(d.call({{"cmd", "ping"}})["ok"] == true);
}

TEST_CASE("a settings change the CLI stops waiting for is said to be queued, then written",
          "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "setting.p07"); });
  // The bus is busy with a slow doctor run: the change waits behind it.
  auto doctor = slow_doctor(dir, sim, d, 300ms);
  auto r = cli({"--socket", d.socket(), "--wait", "0.5", "params", "set", "07", "55"});
  INFO(r.out << r.err);
  CHECK(r.status == 3);
  CHECK(r.err.find("may still be written") != std::string::npos);
  CHECK(r.err.find("sunbridge audit") != std::string::npos);
  // As the CLI said: it is written once the bus is free, and audited.
  (void)doctor->wait(60s);
  sim.control({{"cmd", "delay"}, {"ms", 0}});
  bool written = sb::testkit::wait_until(
      [&] {
        const json rows = d.call({{"cmd", "audit"}, {"since", "1h"}})["audit"];
        for (const auto& row : rows) {
          if (row["param"] == "07" && row["result"] == "written" && row["new"] == "55") return true;
        }
        return false;
      },
      30s);
  CHECK(written);
  CHECK(sim.control({{"cmd", "get-reg"}, {"address", 0xE20A}})["words"][0] == 550);
}

TEST_CASE("params set takes a time without its leading zero", "[integration]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& st) { return fresh(st, "setting.p41"); });
  auto r = cli({"--socket", d.socket(), "params", "set", "41", "3:30"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
  CHECK(sim.control({{"cmd", "get-reg"}, {"address", 0xE027}})["words"][0] == 0x031E);
  r = cli({"--socket", d.socket(), "params", "set", "41", "3:3"});
  CHECK(r.status == 1);
  CHECK((r.out + r.err).find("is not a time H:MM or HH:MM") != std::string::npos);
}

TEST_CASE("an unknown command is named, with the nearest one and the list", "[integration][cli]") {
  auto r = cli({"frobnicate"});
  CHECK(r.status == 2);
  CHECK(r.err.find("'frobnicate' is not a command") != std::string::npos);
  CHECK(r.err.find("commands: ") != std::string::npos);
  CHECK(r.err.find("status") != std::string::npos);
  r = cli({"--socket", "/nonexistent", "stauts"});  // an option's value is not a command
  CHECK(r.status == 2);
  CHECK(r.err.find("'stauts' is not a command; did you mean 'status'?") != std::string::npos);
  r = cli({"--version"});
  CHECK(r.status == 0);
  CHECK(r.out.rfind("sunbridge 0.", 0) == 0);
  CHECK(r.out.find("(git ") != std::string::npos);
  r = cli({"events", "--help"});
  CHECK(r.status == 0);
  CHECK(r.out.find("the events as JSON") != std::string::npos);
}

TEST_CASE("one --since for history, events, pq and audit: durations, dates, date-times",
          "[integration][cli]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& s) { return fresh(s, "battery.soc"); });
  REQUIRE(sb::set_process_timezone("Asia/Tokyo").ok());
  // An hour ago on the daemon's clock, as a local date and time.
  const std::string hour_ago = sb::format_local(product_now() - 1h).substr(0, 16);
  for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
           {"events", "--since", "1w"},
           {"events", "--since", hour_ago},
           {"history", "--since", hour_ago, "--points", "battery.soc"},
           {"pq", "--since", "2w"},
           {"audit", "--since", "1w"},
           {"audit", "--since", hour_ago}}) {
    std::vector<std::string> args = {"--socket", d.socket()};
    args.insert(args.end(), cmd.begin(), cmd.end());
    auto r = cli(args);
    INFO(sb::join(cmd, " ") << "\n" << r.out << r.err);
    CHECK(r.status == 0);
  }
  auto r = cli({"--socket", d.socket(), "events", "--since", "yesterday"});
  CHECK(r.status == 2);
  CHECK(r.err.find("'yesterday' is not a duration (90s, 15m, 6h, 2d, 1w), a date (2026-12-01)") !=
        std::string::npos);
  r = cli({"--socket", d.socket(), "history", "--since", "2001-01-01"});
  CHECK(r.status == 1);
  CHECK(r.err.find("at most 3653 days back") != std::string::npos);  // ten years of daily summaries

  // --until, in the same forms: a duration counts back like --since.
  r = cli({"--socket", d.socket(), "history", "--since", "1h", "--until", "10m", "--json"});
  REQUIRE(r.status == 0);
  CHECK(json::parse(r.out)["rows"].empty());  // the daemon started seconds ago
  r = cli({"--socket", d.socket(), "history", "--since", "1h", "--until", "2030-01-01", "--json"});
  REQUIRE(r.status == 0);
  CHECK_FALSE(json::parse(r.out)["rows"].empty());  // a later end reads up to now
  r = cli({"--socket", d.socket(), "events", "--since", "1d", "--until", "2d"});
  CHECK(r.status == 1);
  CHECK(r.err.find("is not after the start") != std::string::npos);
  r = cli({"--socket", d.socket(), "audit", "--until", "soon"});
  CHECK(r.status == 2);
  CHECK(r.err.find("--until 'soon' is not a duration") != std::string::npos);
}

TEST_CASE("history samples come every sample interval, not every other one", "[integration][cli]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  // Polls every 0.5 s, a sample every second: comparing "now - last sample >= 1 s" took every
  // third poll whenever a poll finished a little earlier than the one before.
  Daemon d(dir, sim.link(),
           {{"inverter", {{"poll_interval", 0.5}}}, {"storage", {{"sample_interval_s", 1}}}});
  d.wait_for([](const json& s) { return fresh(s, "battery.soc"); });
  std::this_thread::sleep_for(9s);
  auto r = cli(
      {"--socket", d.socket(), "history", "--since", "1m", "--points", "battery.soc", "--json"});
  REQUIRE(r.status == 0);
  const json rows = json::parse(r.out)["rows"];
  REQUIRE(rows.size() >= 6);
  std::vector<double> gaps;
  for (std::size_t i = 2; i < rows.size(); ++i) {  // the first sample comes with the first poll
    auto a = sb::parse_iso8601_utc(rows[i - 1][0].get<std::string>());
    auto b = sb::parse_iso8601_utc(rows[i][0].get<std::string>());
    REQUIRE((a && b));
    gaps.push_back(std::chrono::duration<double>(*b - *a).count());
  }
  double sum = 0;
  for (double g : gaps) {
    INFO("gap " << g << " s");
    CHECK(g < 1.9);  // within one poll of the interval (and some slack for a loaded machine)
    sum += g;
  }
  INFO(rows.dump());
  CHECK(sum / static_cast<double>(gaps.size()) < 1.15);
}

TEST_CASE("sunbridge report: today's energy by tariff band in kWh and yen, text, CSV and JSON",
          "[integration][cli]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  d.wait_for([](const json& s) { return fresh(s, "load.power"); });
  // Energy is booked with each history commit (every second here).
  json r;
  REQUIRE(sb::testkit::wait_until(
      [&] {
        auto out = cli({"--socket", d.socket(), "report", "day", "--json"});
        if (out.status != 0) return false;
        r = json::parse(out.out);
        return r["total"]["load_kwh"].get<double>() > 0;
      },
      20s));
  INFO(r.dump(2));
  CHECK(r["period"] == "day");
  CHECK(r["from"] == r["to"]);
  CHECK(r["tariff"] == "shikoku-seasonal-tou");
  CHECK(r["days_with_data"] == 1);
  double load = 0, yen = 0;
  for (const auto& [band, b] : r["bands"].items()) {
    load += b["load_kwh"].get<double>();
    yen += b["yen"].get<double>();
  }
  CHECK(r["total"]["load_kwh"].get<double>() == Approx(load));
  CHECK(r["total"]["yen"].get<double>() == Approx(yen));
  CHECK(r["total"]["yen_no_system"].get<double>() > 0);
  auto day = cli({"--socket", d.socket(), "report", "day"});
  REQUIRE(day.status == 0);
  CHECK(day.out.find("band     bought kWh") != std::string::npos);
  CHECK(day.out.find("\ntotal ") != std::string::npos);
  CHECK(day.out.find("yen against no system") != std::string::npos);
  auto csv = cli({"--socket", d.socket(), "report", "day", "--csv"});
  REQUIRE(csv.status == 0);
  CHECK(csv.out.rfind("band,grid_import_kwh,", 0) == 0);
  CHECK(csv.out.find("\ntotal,") != std::string::npos);
  // A month adds the bill estimate with the basic charge.
  auto month = cli({"--socket", d.socket(), "report", "month", "--json"});
  REQUIRE(month.status == 0);
  CHECK(json::parse(month.out)["bill_estimate"]["basic_yen"] == 1980.0);
  auto wrong = cli({"--socket", d.socket(), "report", "fortnight"});
  CHECK(wrong.status != 0);
  // A settings change, with the week before it and the week from it.
  REQUIRE(cli({"--socket", d.socket(), "params", "set", "07", "55"}).status == 0);
  auto changes = cli({"--socket", d.socket(), "report", "changes", "--json"});
  REQUIRE(changes.status == 0);
  const json c = json::parse(changes.out)["changes"];
  REQUIRE(c.size() == 1);
  CHECK(c[0]["params"][0] == "07 50 -> 55");  // the simulator starts at 50 A
  CHECK(c[0]["cause"] == "cli");
  CHECK(c[0]["after"]["days_with_data"] == 1);
  CHECK(c[0]["before"]["days_with_data"] == 0);
  auto text = cli({"--socket", d.socket(), "report", "changes"});
  REQUIRE(text.status == 0);
  CHECK(text.out.find("cli: 07 50 -> 55") != std::string::npos);
  CHECK(text.out.find("  after  from ") != std::string::npos);
}

TEST_CASE("sunbridge maintenance: the list, an item recorded as done, a wrong item named",
          "[integration][cli]") {
  sb::testkit::TempDir dir;
  Sim sim(dir);
  Daemon d(dir, sim.link());
  auto r = cli({"--socket", d.socket(), "maintenance", "list"});
  REQUIRE(r.status == 0);
  CHECK(r.out.find("visual: visual inspection") != std::string::npos);
  CHECK(r.out.find("every 30 days; last done (not recorded)") != std::string::npos);
  r = cli({"--socket", d.socket(), "maintenance", "done", "capacity", "--note", "19.9 kWh"});
  REQUIRE(r.status == 0);
  r = cli({"--socket", d.socket(), "maintenance", "list", "--json"});
  REQUIRE(r.status == 0);
  bool recorded = false;
  for (const auto& item : json::parse(r.out)) {
    if (item["id"] == "capacity")
      recorded = item["note"] == "19.9 kWh" && item["last_done"].is_string();
  }
  CHECK(recorded);
  r = cli({"--socket", d.socket(), "maintenance", "done", "polish"});
  CHECK(r.status == 1);
  CHECK(r.err.find("no maintenance item 'polish'") != std::string::npos);
}
