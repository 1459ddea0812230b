// SPDX-License-Identifier: Apache-2.0
// The cycle through a Solarman logger is set by the logger, not the wire: each request waits for
// its answer (the logger's latency) and the next request follows the answer at least 100 ms
// later (frames, ours and the logger's, go at least that far apart). The least a cycle can take
// is therefore blocks x (latency + frame gap); the figure printed is the ratio to that.
#include "bench/poll_solarman.hpp"
#include "bench/site_zone.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/device/inverter_link.hpp"
#include "sunbridge/device/solarman_client.hpp"
#include "testkit/process.hpp"

namespace sb::bench {

namespace {

constexpr std::chrono::milliseconds kFrameGap{100};  // SolarmanClient's default

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

int run_poll_solarman(const SolarmanPollOptions& opt) {
  testkit::TempDir dir("sunbridge-bench");
  const int port = testkit::free_loopback_port();
  testkit::Process sim({opt.sim_path, "--link", dir.file("inverter.tty"), "--freeze",
                        "--solarman-port", std::to_string(port), "--solarman-latency-ms",
                        std::to_string(opt.latency_ms), "--log-level", "error"},
                       dir.file("sim.log"));
  if (!testkit::wait_until([&] { return testkit::loopback_port_open(port); },
                           std::chrono::seconds(10))) {
    std::fprintf(stderr, "sunbridge-bench: the simulated logger did not start (%s)\n",
                 testkit::read_file(dir.file("sim.log")).c_str());
    return 1;
  }
  if (!use_site_timezone()) return 1;
  SystemClock clock;
  Logger log(LogLevel::kWarning);
  const auto map = protocol::RegisterMap::embedded();
  const auto faults = protocol::FaultTable::embedded();
  transport::SolarmanEndpoint endpoint{"127.0.0.1", port, 3528830226u};
  endpoint.discovery = false;
  transport::Timing timing;
  timing.response_timeout = std::chrono::milliseconds(opt.latency_ms + 1000);
  device::SolarmanClient client(endpoint, 1, timing, &log, kFrameGap);
  device::LinkOptions options;
  options.inter_transaction_gap = std::chrono::milliseconds(0);  // the client keeps its own gap
  device::InverterLink link(client, map, faults, options, clock, log);
  (void)link.poll(protocol::Group::kIdentity);  // connects and reads the identity: not measured

  std::size_t blocks = 0;
  for (auto group : {protocol::Group::kLive, protocol::Group::kSettings})
    blocks += link.plan(group).size();
  std::vector<double> cycle_s;
  bool failed = false;
  for (int i = 0; i < opt.cycles; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto live = link.poll(protocol::Group::kLive);
    const auto settings = link.poll(protocol::Group::kSettings);
    cycle_s.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    failed |= live.outcome.failed + settings.outcome.failed > 0;
  }
  if (failed) {
    std::fprintf(stderr, "sunbridge-bench: a cycle had failed transactions: %s\n",
                 link.stats().last_error.c_str());
    return 1;
  }
  const double cycle = median(cycle_s);
  const double per_block = cycle / static_cast<double>(blocks);
  const double limit_per_block =
      opt.latency_ms / 1000.0 + std::chrono::duration<double>(kFrameGap).count();
  const double limit = limit_per_block * static_cast<double>(blocks);
  if (opt.json) {
    const nlohmann::json j = {{"transport", "solarman"},      {"cycles", opt.cycles},
                              {"latency_ms", opt.latency_ms}, {"blocks_per_cycle", blocks},
                              {"cycle_s_median", cycle},      {"block_s_median", per_block},
                              {"limit_cycle_s", limit},       {"ratio_to_limit", cycle / limit}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf(
      "poll through a simulated Solarman logger (%d cycles, latency %d ms, %lld ms "
      "between frames)\n",
      opt.cycles, opt.latency_ms, static_cast<long long>(kFrameGap.count()));
  std::printf("  blocks per cycle         %zu (live + settings)\n", blocks);
  std::printf("  cycle time               %.3f s median\n", cycle);
  std::printf("  per block                %.3f s\n", per_block);
  std::printf("  least the logger allows  %.3f s a cycle (blocks x (latency + gap))\n", limit);
  std::printf("  ratio measured / least   %.3f\n", cycle / limit);
  return 0;
}

}  // namespace sb::bench
