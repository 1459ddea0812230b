// SPDX-License-Identifier: Apache-2.0
// `sunbridge-bench poll`: full poll cycles (live + settings) against the simulator with line
// pacing on, compared with the physical limit of the same frames on the wire.
#include "bench/poll.hpp"

#include "bench/cost.hpp"
#include "bench/floor.hpp"
#include "bench/replay_client.hpp"
#include "bench/site_zone.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/device/inverter_link.hpp"
#include "sunbridge/domain/checks/engine.hpp"
#include "sunbridge/domain/point_store.hpp"
#include "sunbridge/protocol/rtu_wire.hpp"
#include "sunbridge/transport/libmodbus_client.hpp"
#include "testkit/process.hpp"

namespace sb::bench {

// The CPU time the checks engine takes per poll cycle, on the values the cycles read (every
// check enabled, the fan configured, time advancing one second per cycle).
static double checks_cpu_per_cycle(domain::PointStore& points) {
  domain::checks::ChecksConfig config;
  config.fan.enabled = true;
  domain::checks::CheckEngine engine(config);
  constexpr int kRounds = 20000;
  WallTime now = std::chrono::system_clock::now();
  // Re-stamp the values so they stay fresh while the rounds advance the clock.
  const auto snapshot = points.snapshot(now);
  int round = 0;
  std::size_t events = 0;
  const Cost cost = cost_per_cycle(
      [&] {
        now += std::chrono::seconds(1);
        if (round++ % 60 == 0) {
          for (Point p : snapshot) {
            p.ts = now;
            points.set(std::move(p));
          }
        }
        events += engine.update(points, now).size();
      },
      kRounds);
  (void)events;
  return cost.cpu_s();
}

int run_poll(const PollOptions& opt) {
  testkit::TempDir dir("sunbridge-bench");
  const std::string link_path = dir.file("inverter.tty");
  testkit::Process sim({opt.sim_path, "--link", link_path, "--freeze", "--turnaround-ms", "0",
                        "--baud", std::to_string(opt.baud), "--log-level", "error"},
                       dir.file("sim.log"));
  if (!testkit::wait_until([&] { return std::filesystem::exists(link_path); },
                           std::chrono::seconds(10))) {
    std::fprintf(stderr, "sunbridge-bench: the simulator did not start (%s)\n",
                 testkit::read_file(dir.file("sim.log")).c_str());
    return 1;
  }

  if (!use_site_timezone()) return 1;
  SystemClock clock;
  Logger log(LogLevel::kWarning);
  auto map = protocol::RegisterMap::embedded();
  auto faults = protocol::FaultTable::embedded();
  transport::SerialLine line;
  line.baud = opt.baud;
  transport::Endpoint endpoint = *transport::parse_endpoint(link_path, line);
  transport::LibmodbusClient client(endpoint, 1, {});
  device::LinkOptions options;
  options.inter_transaction_gap = std::chrono::milliseconds(0);  // the physical limit has no gap
  device::InverterLink link(client, map, faults, options, clock, log);

  // Warm-up: opens the port and reads the identity (not part of the periodic cycle).
  (void)link.poll(protocol::Group::kIdentity);

  // The floor reads exactly the blocks of the daemon's plan.
  std::vector<std::pair<std::uint16_t, std::uint16_t>> blocks;
  for (auto group : {protocol::Group::kLive, protocol::Group::kSettings}) {
    for (const auto& b : link.plan(group))
      blocks.emplace_back(b.start, b.count);
  }
  FloorPoller floor(link_path, opt.baud, 1, blocks);

  std::vector<double> cycle_s;
  bool measuring = false, failed = false;
  domain::PointStore points(map.derived());
  // Kept from one cycle to the next, as the daemon keeps them.
  device::PollReport live, settings;
  // What the daemon does each cycle, and nothing else.
  auto poll_cycle = [&] {
    link.poll(protocol::Group::kLive, live);
    link.poll(protocol::Group::kSettings, settings);
    for (const auto* report : {&live, &settings}) {
      for (const auto& g : report->groups)
        points.apply(g.update);
    }
    failed |= live.outcome.failed + settings.outcome.failed > 0;
  };
  // The same, timed on the wall for the cycle time. The two clock reads are the benchmark's own
  // and count in the rounds' CPU figure; the paired cycles below run poll_cycle untimed.
  auto our_cycle = [&] {
    auto t0 = std::chrono::steady_clock::now();
    poll_cycle();
    auto t1 = std::chrono::steady_clock::now();
    if (measuring) cycle_s.push_back(std::chrono::duration<double>(t1 - t0).count());
  };
  bool floor_failed = false;
  auto floor_cycle = [&] { floor_failed |= !floor.cycle(); };
  // Our transport alone: the same reads through the client the link uses (its settings, its
  // error mapping, a kept reply buffer as the link keeps one), without the link, decoding or
  // the store.
  bool transport_failed = false;
  std::vector<std::uint16_t> reply;
  auto transport_cycle = [&] {
    for (const auto& [start, count] : blocks)
      transport_failed |= !client.read_holding_into(start, count, reply).ok();
  };

  // Interleaved rounds (ours, then the floor, on the same simulator and port), medians: the
  // machine's background load hits both alike.
  const int rounds = std::min(opt.rounds, opt.cycles);
  const int per_round = opt.cycles / rounds;
  std::vector<Cost> ours_rounds, transport_rounds, floor_rounds;
  std::uint64_t frames = 0, bytes = 0;
  auto run_ours = [&] {
    our_cycle();  // (re)opens the port: not measured
    const device::LinkStats before = link.stats();
    measuring = true;
    ours_rounds.push_back(cost_per_cycle(our_cycle, per_round));
    measuring = false;
    const device::LinkStats after = link.stats();
    frames += after.answered_frames - before.answered_frames;
    bytes += (after.request_bytes - before.request_bytes) +
             (after.response_bytes - before.response_bytes);
    transport_rounds.push_back(cost_per_cycle(transport_cycle, per_round));
    client.close();
  };
  auto run_floor = [&] {
    if (!floor.open() || !floor.cycle()) return false;
    floor_rounds.push_back(cost_per_cycle(floor_cycle, per_round));
    floor.close();
    return true;
  };
  // The order alternates from round to round, so that whatever the first loop after a port is
  // opened pays (or the last one leaves behind) falls on both sides alike.
  for (int round = 0; round < rounds; ++round) {
    const bool floor_first = round % 2 == 1;
    if (!floor_first) run_ours();
    if (!run_floor()) {
      std::fprintf(stderr, "sunbridge-bench: the floor loop cannot read: %s\n",
                   floor.last_error().c_str());
      return 1;
    }
    if (floor_first) run_ours();
  }
  if (transport_failed) {
    std::fprintf(stderr, "sunbridge-bench: a read through our transport alone failed\n");
    return 1;
  }
  if (failed || floor_failed) {
    std::fprintf(stderr, "sunbridge-bench: a cycle had failed transactions: %s\n",
                 failed ? link.stats().last_error.c_str() : floor.last_error().c_str());
    return 1;
  }
  // Paired cycles: ours, our transport alone and the floor take turns cycle by cycle, both ports
  // open on the same simulator, each cycle timed on the thread's CPU clock. Load that comes and
  // goes over seconds (other guests of this VM's host) then falls on both alike; in rounds of a
  // hundred cycles it need not, and the rounds' ratios spread from about 1.1 to 1.6 within one run.
  std::vector<double> paired_ours_s, paired_floor_s;
  if (!floor.open()) {
    std::fprintf(stderr, "sunbridge-bench: the floor loop cannot open: %s\n",
                 floor.last_error().c_str());
    return 1;
  }
  our_cycle();    // opens our port: not measured
  floor_cycle();  // the floor's first read after opening: not measured either
  auto timed = [](auto& cycle, std::vector<double>& into) {
    const double before_s = thread_cpu_s();
    cycle();
    into.push_back(thread_cpu_s() - before_s);
  };
  // Our transport alone takes part too, each of the three loops first, second and third
  // equally often (the six orders in turn).
  std::vector<double> paired_transport_s;
  constexpr int kOrders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (int i = 0; i < per_round * rounds; ++i) {
    for (int loop : kOrders[i % 6]) {
      if (loop == 0) timed(poll_cycle, paired_ours_s);
      if (loop == 1) timed(transport_cycle, paired_transport_s);
      if (loop == 2) timed(floor_cycle, paired_floor_s);
    }
  }
  floor.close();
  client.close();
  if (failed || floor_failed || transport_failed) {
    std::fprintf(stderr, "sunbridge-bench: a paired cycle had failed transactions: %s\n",
                 failed         ? link.stats().last_error.c_str()
                 : floor_failed ? floor.last_error().c_str()
                                : "a read through our transport alone");
    return 1;
  }
  const Paired paired = compare_paired(paired_ours_s, paired_floor_s);
  const Paired paired_transport = compare_paired(paired_transport_s, paired_floor_s);

  // The same cycle with the bus replaced by the words it answered: what planning, decoding and
  // storing cost on their own (the part above the floor that is ours).
  ReplayClient replay(client);
  device::InverterLink replay_link(replay, map, faults, options, clock, log);
  domain::PointStore replay_points(map.derived());
  std::size_t values_per_cycle = 0;
  bool replay_failed = false;
  device::PollReport replay_reports[2];
  auto replay_cycle = [&] {
    values_per_cycle = 0;
    for (auto group : {protocol::Group::kLive, protocol::Group::kSettings}) {
      auto& report = replay_reports[group == protocol::Group::kLive ? 0 : 1];
      replay_link.poll(group, report);
      replay_failed |= report.outcome.failed > 0;
      for (const auto& g : report.groups) {
        replay_points.apply(g.update);
        values_per_cycle += g.update.fresh.size();
      }
    }
  };
  (void)replay_link.poll(protocol::Group::kIdentity);  // recorded, with one cycle
  replay_cycle();
  replay.stop_recording();
  client.close();
  const int replay_cycles = std::max(opt.cycles, 1000);
  const Cost no_bus = cost_per_cycle(replay_cycle, replay_cycles);
  // The same replayed cycle with the caches cold before each read, as they are when the thread
  // wakes up after the simulator (or, on a gateway, anything else) ran: 2 MB of other data is
  // walked before each answer. What the walk costs on its own is measured alone and subtracted,
  // leaving what our code costs cold.
  std::vector<unsigned char> other_data(2u << 20, 1);
  unsigned walk_sum = 0;
  auto walk_other_data = [&] {
    for (std::size_t i = 0; i < other_data.size(); i += 64)
      walk_sum += other_data[i]++;
  };
  const std::size_t reads_per_cycle = blocks.size();
  const Cost walk_alone = cost_per_cycle(
      [&] {
        for (std::size_t i = 0; i < reads_per_cycle; ++i)
          walk_other_data();
      },
      replay_cycles / 4);
  replay.set_between_reads(walk_other_data);
  const Cost cold_with_walk = cost_per_cycle(replay_cycle, replay_cycles / 4);
  replay.set_between_reads({});
  const double no_bus_cold_s = std::max(0.0, cold_with_walk.cpu_s() - walk_alone.cpu_s());
  if (walk_sum == 0) std::fprintf(stderr, "(walk)\n");  // keeps the walk from being optimised out
  if (replay_failed) {
    std::fprintf(stderr, "sunbridge-bench: the replayed cycle failed: %s\n",
                 replay_link.stats().last_error.c_str());
    return 1;
  }

  // Each round's ours/floor ratio (measured a few seconds apart): their spread says how far one
  // run's median can be trusted on this machine.
  std::vector<double> round_ratios;
  for (std::size_t r = 0; r < ours_rounds.size(); ++r)
    round_ratios.push_back(ours_rounds[r].cpu_s() / floor_rounds[r].cpu_s());
  std::vector<double> sorted_ratios = round_ratios;
  std::sort(sorted_ratios.begin(), sorted_ratios.end());
  const int measured_cycles = per_round * rounds;
  const Cost ours = median_cost(ours_rounds);
  const Cost floor_cost = median_cost(floor_rounds);
  const Cost transport = median_cost(transport_rounds);
  const double cpu_per_cycle = ours.cpu_s();
  const double floor_ratio = cpu_per_cycle / floor_cost.cpu_s();
  const Memory memory = process_memory();

  // The physical limit of exactly the frames exchanged: bytes x 10 bits / baud, plus the 3.5
  // character silence that ends each frame.
  const double char_s = static_cast<double>(line.bits_per_char()) / opt.baud;
  const double wire_total_s =
      (static_cast<double>(bytes) + 3.5 * 2.0 * static_cast<double>(frames)) * char_s;
  const double wire_s = wire_total_s / measured_cycles;
  std::sort(cycle_s.begin(), cycle_s.end());
  const double median = cycle_s[cycle_s.size() / 2];
  double mean = 0;
  for (double c : cycle_s)
    mean += c;
  mean /= static_cast<double>(cycle_s.size());
  const double ratio = mean / wire_s;
  const double checks_s = checks_cpu_per_cycle(points);

  if (opt.json) {
    nlohmann::json j = {{"cycles", opt.cycles},
                        {"baud", opt.baud},
                        {"transactions_per_cycle", blocks.size()},
                        {"bytes_per_cycle", bytes / static_cast<unsigned>(measured_cycles)},
                        {"wire_time_s", wire_s},
                        {"cycle_time_mean_s", mean},
                        {"cycle_time_median_s", median},
                        {"cycle_time_min_s", cycle_s.front()},
                        {"cycle_time_max_s", cycle_s.back()},
                        {"ratio", ratio},
                        {"cpu_per_cycle_s", cpu_per_cycle},
                        {"cpu_user_per_cycle_s", ours.user_s},
                        {"cpu_system_per_cycle_s", ours.system_s},
                        {"no_bus_cold_cpu_per_cycle_s", no_bus_cold_s},
                        {"floor_cpu_per_cycle_s", floor_cost.cpu_s()},
                        {"transport_cpu_per_cycle_s", transport.cpu_s()},
                        {"floor_cpu_user_per_cycle_s", floor_cost.user_s},
                        {"floor_cpu_system_per_cycle_s", floor_cost.system_s},
                        {"cpu_ratio_to_floor", floor_ratio},
                        {"cpu_ratio_to_floor_per_round", round_ratios},
                        {"paired_cpu_per_cycle_s", paired.mean_a_s},
                        {"paired_floor_cpu_per_cycle_s", paired.mean_b_s},
                        {"paired_cpu_ratio_to_floor", paired.ratio()},
                        {"paired_cpu_ratio_to_floor_of_medians", paired.median_ratio()},
                        {"paired_cpu_ratio_to_floor_per_100", paired.stretch_ratios},
                        {"paired_transport_cpu_ratio_to_floor", paired_transport.ratio()},
                        {"no_bus_cpu_per_cycle_s", no_bus.cpu_s()},
                        {"values_per_cycle", values_per_cycle},
                        {"context_switches_per_cycle", ours.context_switches},
                        {"floor_context_switches_per_cycle", floor_cost.context_switches},
                        {"rw_syscalls_per_cycle", ours.rw_syscalls},
                        {"floor_rw_syscalls_per_cycle", floor_cost.rw_syscalls},
                        {"private_rss_mb", memory.private_rss_mb},
                        {"checks_cpu_per_cycle_s", checks_s},
                        {"checks_share_of_cycle_cpu", checks_s / cpu_per_cycle},
                        {"peak_rss_mb", memory.peak_rss_mb}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf(
      "sunbridge-bench poll: %d full cycles (live + settings) at %d baud 8N1, "
      "turnaround 0, gap 0, simulator line pacing on; %d interleaved rounds with the floor, "
      "medians\n",
      measured_cycles, opt.baud, rounds);
  std::printf("  transactions per cycle   %zu\n", blocks.size());
  std::printf("  bytes per cycle          %llu (requests + replies)\n",
              static_cast<unsigned long long>(bytes / static_cast<unsigned>(measured_cycles)));
  std::printf(
      "  wire time per cycle      %.4f s  (physical limit: bytes x 10 bit / baud + 3.5 chars per "
      "frame)\n",
      wire_s);
  std::printf("  measured cycle time      %.4f s mean, %.4f median, %.4f min, %.4f max\n", mean,
              median, cycle_s.front(), cycle_s.back());
  std::printf("  ratio measured / wire    %.3f  (target <= 1.15)\n", ratio);
  std::printf("  CPU per cycle            %.3f ms (user %.3f, system %.3f)\n", cpu_per_cycle * 1000,
              ours.user_s * 1000, ours.system_s * 1000);
  std::printf("  floor: libmodbus alone   %.3f ms (user %.3f, system %.3f), the same %zu reads\n",
              floor_cost.cpu_s() * 1000, floor_cost.user_s * 1000, floor_cost.system_s * 1000,
              blocks.size());
  std::printf("  ratio CPU / floor        %.2f  (target <= 1.2); rounds from %.2f to %.2f\n",
              floor_ratio, sorted_ratios.front(), sorted_ratios.back());
  auto [stretch_min, stretch_max] =
      std::minmax_element(paired.stretch_ratios.begin(), paired.stretch_ratios.end());
  std::printf(
      "  paired cycles            ours %.3f ms, floor %.3f ms (means; medians %.3f and %.3f), "
      "taking turns cycle by cycle, %zu each\n",
      paired.mean_a_s * 1000, paired.mean_b_s * 1000, paired.median_a_s * 1000,
      paired.median_b_s * 1000, paired_ours_s.size());
  std::printf("  ratio CPU / floor, paired %.2f  (target <= 1.2); of the medians %.2f",
              paired.ratio(), paired.median_ratio());
  if (!paired.stretch_ratios.empty())
    std::printf("; per 100 pairs from %.2f to %.2f", *stretch_min, *stretch_max);
  std::printf("\n");
  std::printf("  our transport, paired    %.3f ms (ratio %.2f; of the medians %.2f)\n",
              paired_transport.mean_a_s * 1000, paired_transport.ratio(),
              paired_transport.median_ratio());
  std::printf(
      "  our transport alone      %.3f ms (ratio %.2f): the same reads through our Modbus client, "
      "without the link, decoding or the store\n",
      transport.cpu_s() * 1000, transport.cpu_s() / floor_cost.cpu_s());
  std::printf(
      "  without the bus          %.3f ms per cycle: plan, decode and store of %zu values, "
      "the same cycle on replayed words (%d cycles)\n",
      no_bus.cpu_s() * 1000, values_per_cycle, replay_cycles);
  std::printf(
      "  without the bus, cold    %.3f ms per cycle: the same, with the caches evicted before "
      "each read (%.3f ms with the eviction, %.3f ms the eviction alone)\n",
      no_bus_cold_s * 1000, cold_with_walk.cpu_s() * 1000, walk_alone.cpu_s() * 1000);
  std::printf("  context switches/cycle   %.1f (floor %.1f)\n", ours.context_switches,
              floor_cost.context_switches);
  std::printf("  read+write syscalls/cycle %.1f (floor %.1f)\n", ours.rw_syscalls,
              floor_cost.rw_syscalls);
  std::printf("  checks per cycle         %.3f ms CPU = %.1f %% of the cycle's (target < 5 %%)\n",
              checks_s * 1000, 100.0 * checks_s / cpu_per_cycle);
  std::printf("  memory (this process)    peak RSS %.1f MB, private %.1f MB\n", memory.peak_rss_mb,
              memory.private_rss_mb);
  return 0;
}

}  // namespace sb::bench
