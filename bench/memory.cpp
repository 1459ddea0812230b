// SPDX-License-Identifier: Apache-2.0
#include "bench/memory.hpp"

#include <unistd.h>

#include "bench/broker.hpp"
#include "bench/proc_stats.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "testkit/process.hpp"

namespace sb::bench {

namespace {

using namespace std::chrono_literals;

struct Resident {
  double rss_kb = 0;
  double private_kb = 0;        // pages no other process maps: clean and dirty
  double private_dirty_kb = 0;  // written pages: the memory this process really costs
};

// Resident and private kB per mapping name from /proc/PID/smaps: files by their base name,
// anonymous memory as "[anonymous]" (thread stacks and malloc arenas other than the main heap).
std::map<std::string, Resident> mappings(pid_t pid) {
  std::map<std::string, Resident> out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
  std::string line, name;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string first;
    fields >> first;
    if (first.find('-') != std::string::npos && first.back() != ':') {
      std::string perms, offset, dev, inode, path;
      fields >> perms >> offset >> dev >> inode;
      std::getline(fields >> std::ws, path);
      name = path.empty() ? "[anonymous]" : std::filesystem::path(path).filename().string();
      if (path.front() == '[') name = path;
      continue;
    }
    double kb = 0;
    fields >> kb;
    if (first == "Rss:") out[name].rss_kb += kb;
    if (first == "Private_Clean:" || first == "Private_Dirty:") out[name].private_kb += kb;
    if (first == "Private_Dirty:") out[name].private_dirty_kb += kb;
  }
  return out;
}

}  // namespace

int run_memory(const MemoryOptions& opt) {
  testkit::TempDir dir("sunbridge-bench-memory");
  LoopbackBroker broker(dir);
  const std::string link = dir.file("inverter.tty"), packs = dir.file("packs.tty");
  testkit::Process sim(
      {opt.sim_path, "--link", link, "--pack-modbus-link", packs, "--log-level", "error"},
      dir.file("sim.log"));
  if (!broker.wait_listening() ||
      !testkit::wait_until([&] { return std::filesystem::exists(packs); }, 10s)) {
    std::fprintf(stderr, "sunbridge-bench: mosquitto or the simulator did not start\n");
    return 1;
  }
  // The daemon as installed, with the cloud link and the packs on: every poll is recorded,
  // rolled up and published.
  const nlohmann::json config = {
      {"inverter", {{"device", link}, {"poll_interval", 1}}},
      {"bms", {{"mode", "modbus"}, {"device", packs}, {"poll_interval", 5}}},
      {"mqtt", {{"url", broker.url()}, {"device_id", "BENCH"}, {"telemetry_interval_s", 1}}},
      {"storage", {{"path", dir.file("h.db")}}},
      {"ipc", {{"socket", dir.file("d.sock")}}},
      {"site", {{"time_source", "trust"}}}};
  testkit::write_file(dir.file("d.json"), config.dump());
  // A program file written moments ago (a fresh build) has dirty pages in the page cache until
  // they reach the disk, and smaps counts those as written by the process that maps them: the
  // daemon's whole code would read as "written". Flushed first.
  ::sync();
  testkit::Process daemon({opt.daemon_path, "--config", dir.file("d.json")}, dir.file("d.log"));
  const std::vector<std::string> status = {opt.cli_path, "--socket", dir.file("d.sock"), "status",
                                           "--json"};
  if (!testkit::wait_until(
          [&] {
            auto r = testkit::run(status, 5s);
            return r.status == 0 && r.out.find("\"bank.soc\"") != std::string::npos;
          },
          30s)) {
    std::fprintf(stderr, "sunbridge-bench: the daemon did not read the packs (%s)\n",
                 testkit::read_file(dir.file("d.log")).c_str());
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(opt.seconds));
  const pid_t pid = daemon.pid();
  const double peak_kb = proc_status_kb(pid, "VmHWM:");
  const double rss_kb = proc_status_kb(pid, "VmRSS:");
  const auto maps = mappings(pid);
  double private_kb = 0, dirty_kb = 0;
  for (const auto& [_, r] : maps) {
    private_kb += r.private_kb;
    dirty_kb += r.private_dirty_kb;
  }
  std::vector<std::pair<std::string, Resident>> by_rss(maps.begin(), maps.end());
  std::sort(by_rss.begin(), by_rss.end(),
            [](const auto& a, const auto& b) { return a.second.rss_kb > b.second.rss_kb; });
  const bool published = broker.log().find("BENCH") != std::string::npos;
  daemon.stop(SIGTERM, 10s);

  if (opt.json) {
    nlohmann::json top = nlohmann::json::array();
    for (std::size_t i = 0; i < std::min<std::size_t>(by_rss.size(), 12); ++i) {
      top.push_back({{"name", by_rss[i].first},
                     {"rss_kb", by_rss[i].second.rss_kb},
                     {"private_kb", by_rss[i].second.private_kb}});
    }
    const nlohmann::json j = {{"seconds", opt.seconds},
                              {"peak_rss_mb", peak_kb / 1024},
                              {"rss_mb", rss_kb / 1024},
                              {"private_mb", private_kb / 1024},
                              {"private_dirty_mb", dirty_kb / 1024},
                              {"mqtt_client_connected", published},
                              {"largest_mappings", top}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf(
      "sunbridge-bench memory: sunbridged after %d s polling every 1 s, packs over Modbus, "
      "MQTT to mosquitto on 127.0.0.1%s\n",
      opt.seconds, published ? "" : " (the broker's log does not show the daemon)");
  std::printf("  peak RSS       %.1f MB  (target <= 8 MB)\n", peak_kb / 1024);
  std::printf("  RSS now        %.1f MB\n", rss_kb / 1024);
  std::printf(
      "  private        %.1f MB  (target <= 2 MB), of which written %.1f MB; the rest is "
      "code no other process maps\n",
      private_kb / 1024, dirty_kb / 1024);
  std::printf("  largest resident mappings (kB resident / private):\n");
  for (std::size_t i = 0; i < std::min<std::size_t>(by_rss.size(), 12); ++i) {
    std::printf("    %-28s %7.0f / %6.0f\n", by_rss[i].first.c_str(), by_rss[i].second.rss_kb,
                by_rss[i].second.private_kb);
  }
  return 0;
}

}  // namespace sb::bench
