// SPDX-License-Identifier: Apache-2.0
// sunbridge-sim: a stand-in for the LVYUAN SPI-10K-U on a pseudo-terminal, faithful to the
// spec's quirks (docs/simulator.md).
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "sim/control.hpp"
#include "sim/household_model.hpp"
#include "sim/modbus_server.hpp"
#include "sim/register_image.hpp"
#include "sim/replay.hpp"
#include "sim/year_physics.hpp"
#include "sunbridge/adapters/ipc_server.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/version.hpp"

namespace {

bool parse_range(const std::string& text, std::pair<std::uint16_t, std::uint16_t>& out) {
  auto dash = text.find('-');
  if (dash == std::string::npos) return false;
  try {
    out.first = static_cast<std::uint16_t>(std::stoul(text.substr(0, dash), nullptr, 0));
    out.second = static_cast<std::uint16_t>(std::stoul(text.substr(dash + 1), nullptr, 0));
  } catch (const std::exception&) {
    return false;
  }
  return out.first <= out.second;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sunbridge-sim - simulated SRNE/LVYUAN SPI-10K-U inverter (Modbus RTU on a pty)"};
  app.set_version_flag("--version", "sunbridge-sim " + sb::version_string(),
                       "print the version and exit");
  sb::sim::ServeOptions serve;
  sb::sim::Firmware fw;
  sb::sim::FaultPlan faults;
  std::string control_path;
  std::string site_timezone = "Asia/Tokyo";
  std::vector<std::string> holes;
  std::vector<std::string> standby_only;
  unsigned seed = 1;
  bool freeze = false;
  bool no_pacing = false;
  int turnaround_ms = 0;
  int delay_ms = 0;
  int step_ms = 1000;
  long long clock_offset_s = 0;
  int tcp_port = 0;
  std::string log_level = "info";
  int packs = 4;
  std::string pack_modbus_link, pack_ascii_link, pack_sniff_link, sniff_protocol = "modbus";
  int sniff_period_ms = 250;
  int pack_turnaround_ms = 20;
  std::string replay_path;
  double replay_speed = 1.0;
  std::string physics = "day";
  int solarman_port = 0;
  std::uint32_t solarman_serial = 3528830226u;
  sb::sim::SolarmanQuirks solarman_quirks;
  int solarman_latency_ms = 0;
  int solarman_reset_s = 0;
  std::string solarman_address = "127.0.0.1";
  int solarman_discovery_port = 0;
  sb::sim::YearPhysicsOptions year_options;

  app.add_option("--link", serve.link_path,
                 "symlink to create to the pty (e.g. var/sim/inverter.tty)");
  app.add_option("--control", control_path, "control socket path (JSON lines)");
  app.add_option("--baud", serve.baud, "line speed the pacing imitates")
      ->check(CLI::Range(1200, 115200));
  app.add_flag("--no-pacing", no_pacing,
               "answer at once (fast unit tests; never for the benchmark)");
  app.add_option("--turnaround-ms", turnaround_ms, "device think time per request")
      ->check(CLI::Range(0, 10000));
  app.add_option("--delay-ms", delay_ms, "extra delay per reply (fault)")
      ->check(CLI::Range(0, 60000));
  app.add_option("--drop-rate", faults.drop_rate, "probability a reply is dropped")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--crc-error-rate", faults.corrupt_rate, "probability a reply has a bad CRC")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--seed", seed, "random seed (dynamics and faults)");
  app.add_flag("--freeze", freeze, "values change only through the control socket");
  app.add_option("--step-ms", step_ms, "physics step")->check(CLI::Range(10, 60000));
  app.add_option("--protocol", fw.protocol_raw, "0x001C protocol version (194 = V1.94)");
  app.add_option("--battery-voltage", fw.rated_voltage, "E003 rated voltage")
      ->check(CLI::IsMember({12, 24, 36, 48}));
  app.add_option("--slave", fw.slave, "slave id")->check(CLI::Range(1, 247));
  app.add_flag("--single-mppt", fw.single_mppt, "refuse 0x010F-0x020B like a single-MPPT unit");
  app.add_flag("--real-volts", fw.real_volts, "store set-point voltages as real volts x10");
  app.add_option("--hole", holes, "extra unimplemented range, e.g. 0x0208-0x020B (repeatable)");
  app.add_option("--standby-only", standby_only,
                 "registers refused with 08 while running (default E004,E209)")
      ->delimiter(',');
  app.add_option("--clock-offset-s", clock_offset_s, "inverter clock minus system time");
  app.add_option("--replay", replay_path,
                 "play a recorded CSV of readings (time, then point names or reg_0xADDR columns)");
  app.add_option("--replay-speed", replay_speed, "times faster than recorded (replay)")
      ->check(CLI::Range(0.001, 1e7));
  app.add_option("--physics", physics,
                 "the household: 'day' (a fixed day, quick to reason about in tests) or 'year' "
                 "(the strategy benchmark's calibrated model: weather days, the season's sunlight "
                 "and load, under the settings written to the inverter)")
      ->check(CLI::IsMember({"day", "year"}));
  app.add_option("--speed", year_options.speed,
                 "with --physics year: the household's time runs this many times faster (the "
                 "inverter's clock keeps the wall clock)")
      ->check(CLI::Range(0.001, 100000.0));
  app.add_option("--panels", year_options.panels, "with --physics year: 410 W panels")
      ->check(CLI::Range(1, 40));
  app.add_flag("--slot1-charges", year_options.slot1_charges,
               "with --physics year: slot 1 (40-41) charges; by default it delivers nothing, as "
               "in the owner's data");
  app.add_option("--solarman-port", solarman_port,
                 "also serve as a Solarman Wi-Fi logger (V5 frames) on 127.0.0.1:PORT")
      ->check(CLI::Range(1, 65535));
  app.add_option("--solarman-serial", solarman_serial, "the logger's serial number");
  app.add_option("--solarman-address", solarman_address,
                 "the logger's loopback address (127.0.0.1, 127.0.0.2, ...)");
  app.add_option("--solarman-discovery-port", solarman_discovery_port,
                 "answer discovery datagrams on UDP 127.0.0.1:PORT (a real logger: 48899)")
      ->check(CLI::Range(1, 65535));
  app.add_option("--solarman-latency-ms", solarman_latency_ms,
                 "the logger's time to answer (field reports: about 400)")
      ->check(CLI::Range(0, 60000));
  app.add_option("--solarman-heartbeat-every", solarman_quirks.heartbeat_every,
                 "a heartbeat before every Nth reply")
      ->check(CLI::Range(0, 1000000));
  app.add_flag("--solarman-double-crc", solarman_quirks.double_crc,
               "two 0x00 after each reply's CRC, as some loggers send");
  app.add_option("--solarman-junk-every", solarman_quirks.junk_every,
                 "AT-command text before every Nth reply")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--solarman-stub-every", solarman_quirks.stub_every,
                 "a 'no answer from the inverter' stub instead of every Nth reply")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--solarman-thief-every", solarman_quirks.thief_every,
                 "before every Nth reply, another client's answer with the same sequence number")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--solarman-reset-every-s", solarman_reset_s, "drop the connections this often")
      ->check(CLI::Range(0, 86400));
  app.add_flag("--solarman-mute", solarman_quirks.mute,
               "accept connections but answer nothing (a logger held by its cloud)");
  app.add_option("--tcp-port", tcp_port, "also serve Modbus TCP on 127.0.0.1:PORT")
      ->check(CLI::Range(1, 65535));
  app.add_option("--timezone", site_timezone, "the inverter clock's time zone");
  app.add_option("--log-level", log_level)
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}));
  app.add_option("--packs", packs, "battery packs behind the inverter")->check(CLI::Range(0, 15));
  app.add_option("--pack-modbus-link", pack_modbus_link,
                 "pty for PACE Modbus per pack (gateway's own bus)");
  app.add_option("--pack-ascii-link", pack_ascii_link, "pty for PACE v25 ASCII through the master");
  app.add_option("--pack-sniff-link", pack_sniff_link,
                 "pty carrying the inverter <-> master exchange");
  app.add_option("--pack-sniff-protocol", sniff_protocol, "what the inverter speaks to the master")
      ->check(CLI::IsMember({"modbus", "ascii"}));
  app.add_option("--pack-sniff-period-ms", sniff_period_ms, "one pack asked this often")
      ->check(CLI::Range(20, 60000));
  app.add_option("--pack-turnaround-ms", pack_turnaround_ms, "BMS think time")
      ->check(CLI::Range(0, 1000));
  CLI11_PARSE(app, argc, argv);

  for (const auto& h : holes) {
    std::pair<std::uint16_t, std::uint16_t> r;
    if (!parse_range(h, r)) {
      std::cerr << "sunbridge-sim: --hole '" << h << "' is not FIRST-LAST\n";
      return 2;
    }
    fw.extra_holes.push_back(r);
  }
  if (!standby_only.empty()) {
    fw.standby_only.clear();
    for (const auto& a : standby_only)
      fw.standby_only.insert(static_cast<std::uint16_t>(std::stoul(a, nullptr, 16)));
  }
  serve.pacing = !no_pacing;
  serve.turnaround = std::chrono::milliseconds(turnaround_ms);
  faults.extra_delay = std::chrono::milliseconds(delay_ms);
  if (tcp_port != 0) serve.tcp_port = tcp_port;

  sb::Logger log(*sb::parse_log_level(log_level));
  if (auto tz = sb::set_process_timezone(site_timezone); !tz) {
    std::cerr << "sunbridge-sim: " << tz.error().describe() << "\n";
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);

  sb::EventLoop loop;
  loop.handle_signals({SIGTERM, SIGINT}, [&loop](int) { loop.stop(); });
  sb::sim::HouseholdModel model(seed);
  std::optional<sb::sim::Replay> replay;
  if (!replay_path.empty()) {
    try {
      replay = sb::sim::Replay::load(replay_path);
    } catch (const std::exception& e) {
      std::cerr << "sunbridge-sim: " << e.what() << "\n";
      return 2;
    }
    freeze = true;  // the recording sets the values, not the physics
  }
  model.set_frozen(freeze);
  if (physics == "year") {
    year_options.seed = seed;
    model.set_physics(std::make_unique<sb::sim::YearPhysics>(year_options));
  } else if (year_options.speed != 1.0 || year_options.slot1_charges) {
    std::cerr << "sunbridge-sim: --speed and --slot1-charges need --physics year\n";
    return 2;
  }
  sb::sim::RegisterImage image(model, fw);
  image.clock_offset = std::chrono::seconds(clock_offset_s);
  sb::sim::ModbusServer server(loop, image, serve, faults, log, seed);
  if (auto s = server.start(); !s) {
    std::cerr << "sunbridge-sim: " << s.error().describe() << "\n";
    return 1;
  }
  std::unique_ptr<sb::sim::SolarmanServer> solarman;
  if (solarman_port != 0) {
    solarman_quirks.latency = std::chrono::milliseconds(solarman_latency_ms);
    solarman_quirks.reset_every = std::chrono::seconds(solarman_reset_s);
    solarman = std::make_unique<sb::sim::SolarmanServer>(loop, image, solarman_address,
                                                         solarman_port, solarman_serial,
                                                         solarman_quirks, solarman_discovery_port);
    if (auto s = solarman->start(); !s) {
      std::cerr << "sunbridge-sim: " << s.error().describe() << "\n";
      return 1;
    }
  }
  sb::sim::PackModel pack_model(model, packs, seed);
  sb::sim::PackFaults pack_faults;
  sb::sim::PackServeOptions pack_options;
  pack_options.pacing = serve.pacing;
  pack_options.turnaround = std::chrono::milliseconds(pack_turnaround_ms);
  std::unique_ptr<sb::sim::PaceModbusServer> pack_modbus;
  std::unique_ptr<sb::sim::PaceAsciiServer> pack_ascii;
  std::unique_ptr<sb::sim::SniffPlayer> sniff;
  sb::Status pack_started;
  if (!pack_modbus_link.empty()) {
    pack_modbus = std::make_unique<sb::sim::PaceModbusServer>(loop, pack_model, pack_modbus_link,
                                                              pack_options, pack_faults);
    if (pack_started) pack_started = pack_modbus->start();
  }
  if (!pack_ascii_link.empty() && pack_started) {
    pack_ascii = std::make_unique<sb::sim::PaceAsciiServer>(loop, pack_model, pack_ascii_link,
                                                            pack_options, pack_faults);
    pack_started = pack_ascii->start();
  }
  if (!pack_sniff_link.empty() && pack_started) {
    sniff = std::make_unique<sb::sim::SniffPlayer>(
        loop, pack_model, pack_sniff_link, sniff_protocol == "ascii",
        std::chrono::milliseconds(sniff_period_ms), pack_options, pack_faults);
    pack_started = sniff->start();
  }
  if (!pack_started) {
    std::cerr << "sunbridge-sim: " << pack_started.error().describe() << "\n";
    return 1;
  }
  const auto replay_start = std::chrono::system_clock::now();
  sb::sim::SimState state{model,
                          image,
                          server,
                          faults,
                          pack_model,
                          pack_faults,
                          pack_modbus.get(),
                          pack_ascii.get(),
                          sniff.get(),
                          replay ? &*replay : nullptr,
                          solarman.get()};
  std::unique_ptr<sb::adapters::IpcServer> ctl;
  try {
    if (!control_path.empty()) {
      ctl = std::make_unique<sb::adapters::IpcServer>(
          loop, control_path,
          [&state](const nlohmann::json& req, sb::adapters::IpcServer::Reply reply) {
            reply(sb::sim::control(state, req));
          },
          log);
    }
  } catch (const std::exception& e) {
    std::cerr << "sunbridge-sim: " << e.what() << "\n";
    return 1;
  }
  std::function<void()> tick = [&] {
    if (replay && !replay->finished()) {
      replay->advance(model, replay_start, std::chrono::system_clock::now(), replay_speed);
      if (replay->finished()) {
        log.info("sim", "replay finished after " + std::to_string(replay->size()) + " rows");
      }
    }
    model.step(std::chrono::system_clock::now());
    pack_model.step();
    loop.schedule_after(std::chrono::milliseconds(step_ms), tick);
  };
  tick();

  std::printf("sunbridge-sim: serving %s%s%s at %d baud (pacing %s)%s%s\n",
              server.pty_path().c_str(), serve.link_path.empty() ? "" : " via ",
              serve.link_path.c_str(), serve.baud, serve.pacing ? "on" : "off",
              control_path.empty() ? "" : ", control ", control_path.c_str());
  std::fflush(stdout);
  loop.run();
  return 0;
}
