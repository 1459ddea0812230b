// SPDX-License-Identifier: Apache-2.0
// `sunbridge setup`: the first run on a gateway. Lists the serial adapters, finds the inverter
// by reading its identity (slave ids 1-3 at 9600 baud unless told otherwise), asks the few things
// only the owner knows (or takes them as flags with --yes), and writes a configuration that
// passes --check-config, keeping a backup of any previous one. A new installation observes
// until the owner chooses to let it write settings. See docs/installation.md.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace sb::cli {

struct SetupArgs {
  std::vector<std::string> ports;  // empty: every serial port this machine has
  std::string slaves = "1-3";
  int baud = 9600;
  int timeout_ms = 300;
  bool yes = false;  // no questions: the flags and the defaults
  std::string profile = "type-b";
  std::string bms = "none";
  std::string bms_port;
  std::string timezone = "Asia/Tokyo";
  std::string mqtt_url;
  bool apply = false;  // let the gateway write settings (otherwise it observes)
  std::string output = "/etc/sunbridge/sunbridged.json";
  std::string lock_dir = "/run/lock";
  std::string systemd_dir = "/etc/systemd/system";
  // Look for Solarman Wi-Fi loggers on the LAN instead of serial ports (docs/solarman.md).
  bool wifi_logger = false;
  std::string discover = "255.255.255.255:48899";  // where the discovery question goes
  int logger_port = 8899;
};

CLI::App* add_setup_command(CLI::App& app, SetupArgs& args);
int run_setup(SetupArgs args);

// "1-3" or "1,2,5" -> ids; empty when malformed or outside 1-247.
std::vector<int> parse_slave_ids(const std::string& text);

}  // namespace sb::cli
