// SPDX-License-Identifier: Apache-2.0
#include "cli/setup.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/urls.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/device/inverter_link.hpp"
#include "sunbridge/device/modbus_clients.hpp"
#include "sunbridge/device/solarman_client.hpp"
#include "sunbridge/protocol/fault_table.hpp"
#include "sunbridge/protocol/register_map.hpp"
#include "sunbridge/protocol/solarman_v5.hpp"
#include "sunbridge/transport/port_list.hpp"
#include "sunbridge/transport/port_lock.hpp"

namespace sb::cli {

using nlohmann::json;

namespace {

const std::vector<std::string> kProfiles = {"type-b", "type-a", "type-a-monthly", "panels-9"};
const std::vector<std::string> kBmsModes = {"none", "modbus", "ascii", "sniff"};

struct Found {
  std::string port;    // as given or enumerated
  std::string stable;  // the name written into the configuration
  int slave = 0;
  device::Identity identity;
};

std::string version_text(std::optional<std::uint16_t> raw) {
  if (!raw) return "?";
  char buf[16];
  std::snprintf(buf, sizeof buf, "V%d.%02d", *raw / 100, *raw % 100);
  return buf;
}

// Reads the identity block at `slave`; nothing when no inverter answers there.
std::optional<device::Identity> probe(const std::string& port, int slave, const SetupArgs& a) {
  transport::SerialLine line;
  line.baud = a.baud;
  auto endpoint = transport::parse_endpoint(port, line);
  if (!endpoint) return std::nullopt;
  transport::Timing timing;
  timing.response_timeout = std::chrono::milliseconds(a.timeout_ms);
  timing.byte_timeout = std::chrono::milliseconds(50);
  auto client = device::make_modbus_client(*endpoint, slave, timing);
  SystemClock clock;
  Logger quiet(LogLevel::kError);
  const auto map = protocol::RegisterMap::embedded();
  const auto faults = protocol::FaultTable::embedded();
  device::LinkOptions options;
  options.retries = 0;
  options.inter_transaction_gap = std::chrono::milliseconds(20);
  device::InverterLink link(*client, map, faults, options, clock, quiet);
  (void)link.poll(protocol::Group::kIdentity);
  if (!link.identity().read) return std::nullopt;
  return link.identity();
}

// Asks with a default; the answer must be one of `choices` when any are given.
std::string ask(const std::string& question, const std::string& fallback,
                const std::vector<std::string>& choices = {}) {
  for (;;) {
    std::cout << question;
    if (!choices.empty()) std::cout << " (" << join(choices, ", ") << ")";
    std::cout << " [" << fallback << "]: " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) return fallback;
    line = std::string(trim(line));
    if (line.empty()) return fallback;
    if (choices.empty() || std::find(choices.begin(), choices.end(), line) != choices.end()) {
      return line;
    }
    std::cout << "  please answer one of: " << join(choices, ", ") << "\n";
  }
}

bool one_of(const std::string& v, const std::vector<std::string>& choices) {
  return std::find(choices.begin(), choices.end(), v) != choices.end();
}

std::string timestamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

// Writes `text` to `path` as 0640 (root:sunbridge when run as root), keeping the previous file.
bool write_config(const std::string& path, const std::string& text, std::string& backup) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    backup = path + ".bak-" + timestamp();
    fs::copy_file(path, backup, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      std::cerr << "sunbridge setup: cannot keep a backup of " << path << ": " << ec.message()
                << "\n";
      return false;
    }
  }
  if (const auto dir = fs::path(path).parent_path(); !dir.empty()) fs::create_directories(dir, ec);
  const std::string tmp = path + ".new";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) {
      std::cerr << "sunbridge setup: cannot write " << tmp << "\n";
      return false;
    }
  }
  ::chmod(tmp.c_str(), 0640);
  if (::getuid() == 0) {
    if (const group* g = ::getgrnam("sunbridge")) (void)::chown(tmp.c_str(), 0, g->gr_gid);
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::cerr << "sunbridge setup: cannot replace " << path << ": " << ec.message() << "\n";
    return false;
  }
  return true;
}

}  // namespace

std::vector<int> parse_slave_ids(const std::string& text) {
  std::vector<int> out;
  int a = 0, b = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%d-%d%c", &a, &b, &extra) == 2) {
    if (a < 1 || b > 247 || a > b) return {};
    for (int i = a; i <= b; ++i)
      out.push_back(i);
    return out;
  }
  for (const auto& part : split(text, ',')) {
    int id = 0;
    if (std::sscanf(std::string(trim(part)).c_str(), "%d%c", &id, &extra) != 1 || id < 1 ||
        id > 247) {
      return {};
    }
    out.push_back(id);
  }
  return out;
}

namespace {

// A logger answers within about 0.4 s (field reports): the serial default of 300 ms is too short.
constexpr int kLoggerTimeoutMs = 1500;

// The loggers that answer the discovery question, as inverter.device URLs.
std::vector<transport::PortInfo> find_loggers(const SetupArgs& a) {
  std::vector<transport::PortInfo> out;
  const auto ask = transport::parse_host_port(a.discover, protocol::v5::kDiscoveryPort);
  if (!ask) {
    std::cerr << "sunbridge setup: --discover '" << a.discover << "' is not ADDRESS[:PORT]\n";
    return out;
  }
  auto loggers = device::discover_loggers(ask->host, ask->port, std::chrono::milliseconds(2000));
  if (!loggers) {
    std::cerr << "sunbridge setup: cannot ask the network: " << loggers.error().describe() << "\n";
    return out;
  }
  const bool default_question = a.discover == SetupArgs{}.discover;
  for (const auto& logger : *loggers) {
    transport::PortInfo info;
    info.device = "solarman://" + logger.ip +
                  (a.logger_port == 8899 ? "" : ":" + std::to_string(a.logger_port)) +
                  "?serial=" + std::to_string(logger.serial) +
                  (default_question ? "" : "&discover=" + a.discover);
    info.description =
        "logger " + std::to_string(logger.serial) + " at " + logger.ip + ", MAC " + logger.mac;
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace

CLI::App* add_setup_command(CLI::App& app, SetupArgs& a) {
  auto* cmd = app.add_subcommand(
      "setup",
      "first run: find the inverter on a serial adapter (or its Wi-Fi logger) and write the "
      "configuration");
  cmd->add_option("--port", a.ports, "a port to try (repeatable; default: every serial port)");
  cmd->add_option("--slaves", a.slaves, "Modbus slave ids to try: 1-3 or 1,2,5");
  cmd->add_option("--baud", a.baud, "line speed")->check(CLI::IsMember({2400, 4800, 9600, 19200}));
  cmd->add_option("--timeout-ms", a.timeout_ms, "how long to wait for each answer")
      ->check(CLI::Range(50, 5000));
  cmd->add_flag("--yes,-y", a.yes, "ask nothing: take the flags and the defaults");
  cmd->add_option("--profile", a.profile, "profile mode: " + join(kProfiles, ", "));
  cmd->add_option("--bms", a.bms, "battery packs: none, modbus, ascii or sniff");
  cmd->add_option("--bms-port", a.bms_port, "the packs' serial port (modbus, ascii, sniff)");
  cmd->add_option("--timezone", a.timezone, "the site's time zone");
  cmd->add_option("--mqtt-url", a.mqtt_url, "an MQTT broker (ssl://host:8883), optional");
  cmd->add_flag("--apply", a.apply,
                "let the gateway write the profile's settings (otherwise it only observes)");
  cmd->add_option("--output,-o", a.output, "where to write the configuration");
  cmd->add_option("--lock-dir", a.lock_dir, "where port locks live");
  cmd->add_flag("--wifi-logger", a.wifi_logger,
                "look for the inverter's Solarman Wi-Fi logger on this network instead of a "
                "serial adapter");
  cmd->add_option("--discover", a.discover,
                  "with --wifi-logger: where to ask for loggers (ADDRESS[:PORT])");
  cmd->add_option("--logger-port", a.logger_port, "with --wifi-logger: the loggers' TCP port")
      ->check(CLI::Range(1, 65535));
  return cmd;
}

int run_setup(SetupArgs a) {
  const std::vector<int> slaves = parse_slave_ids(a.slaves);
  if (slaves.empty()) {
    std::cerr << "sunbridge setup: --slaves '" << a.slaves << "' is not like 1-3 or 1,2,5\n";
    return 2;
  }
  if (!a.yes && !::isatty(STDIN_FILENO)) {
    std::cerr << "sunbridge setup: no terminal to ask on: add --yes to take the flags and "
                 "defaults\n";
    return 2;
  }
  // 1. The ports: serial adapters, or the Wi-Fi loggers that answer on the LAN.
  std::vector<transport::PortInfo> ports;
  if (a.wifi_logger) {
    ports = find_loggers(a);
    if (ports.empty()) {
      std::cerr << "sunbridge setup: no Solarman Wi-Fi logger answered on this network. Is the "
                   "gateway on the same network as the logger, and the inverter on? Nothing "
                   "was written.\n";
      return 1;
    }
    a.timeout_ms = std::max(a.timeout_ms, kLoggerTimeoutMs);
  } else if (a.ports.empty()) {
    ports = transport::list_serial_ports();
    if (ports.empty()) {
      std::cerr << "sunbridge setup: no serial port found. Is the USB-RS485 adapter plugged in? "
                   "(`ls /dev/serial/by-id` lists what the system sees) Without a cable, "
                   "--wifi-logger looks for the inverter's Solarman Wi-Fi logger.\n";
      return 1;
    }
  } else {
    for (const auto& p : a.ports) {
      transport::PortInfo info;
      info.device = p;
      info.by_id = transport::link_to("/dev/serial/by-id", p);
      ports.push_back(info);
    }
  }
  std::cout << (a.wifi_logger ? "Solarman Wi-Fi loggers:\n" : "Serial ports:\n");
  for (const auto& p : ports) {
    std::cout << "  " << p.device;
    if (!p.usb_id.empty()) std::cout << "  USB " << p.usb_id;
    if (!p.description.empty()) std::cout << "  " << p.description;
    if (!p.usb_serial.empty()) std::cout << "  serial " << p.usb_serial;
    if (p.stable_name() != p.device) std::cout << "\n    stable name " << p.stable_name();
    std::cout << "\n";
  }

  // 2. The inverter: the identity block at each slave id, on each port.
  std::cout << "\nLooking for the inverter (slave " << a.slaves
            << (a.wifi_logger ? "" : ", " + std::to_string(a.baud) + " baud") << "):\n";
  std::optional<Found> found;
  for (const auto& p : ports) {
    // A logger is not a port of this machine: nothing to lock (it serves one client well: the
    // daemon must be stopped, docs/solarman.md).
    std::optional<transport::PortLock> held;
    if (!a.wifi_logger) {
      auto lock = transport::PortLock::acquire(a.lock_dir, p.device);
      if (!lock) {
        std::cout << "  " << p.device << ": in use (" << lock.error().detail
                  << "); if sunbridged holds it: sudo systemctl stop sunbridged\n";
        continue;
      }
      held = std::move(*lock);
    }
    std::optional<device::Identity> id;
    int at = 0;
    for (int s : slaves) {
      id = probe(p.device, s, a);
      if (id) {
        at = s;
        break;
      }
    }
    if (!id) {
      std::cout << "  " << p.device << ": no answer\n";
      continue;
    }
    std::cout << "  " << p.device << ": inverter at slave " << at << "\n";
    if (!found) found = Found{p.device, p.stable_name(), at, *id};
  }
  if (!found) {
    std::cerr << "\nsunbridge setup: no inverter answered. Check the wiring (A to A, B to B, "
                 "ground), that the inverter is on, and its Modbus address (LCD menu); "
                 "docs/installation.md has the details. Nothing was written.\n";
    return 1;
  }
  const auto& id = found->identity;
  std::cout << "\nFound: serial " << (id.serial.empty() ? "?" : id.serial) << ", firmware "
            << version_text(id.firmware_raw) << ", protocol " << version_text(id.protocol_raw)
            << ", battery "
            << (id.rated_voltage_raw ? std::to_string(*id.rated_voltage_raw) + " V"
                                     : std::string("?"))
            << "\n\n";

  // 3. What only the owner knows.
  if (!a.yes) {
    a.profile = ask("Profile mode", a.profile, kProfiles);
    a.bms = ask("Battery packs (BMS)", a.bms, kBmsModes);
    if (a.bms != "none") a.bms_port = ask("The packs' serial port", a.bms_port);
    a.timezone = ask("Time zone", a.timezone);
    a.mqtt_url = ask("MQTT broker URL (empty: none)", a.mqtt_url.empty() ? "none" : a.mqtt_url);
    if (a.mqtt_url == "none") a.mqtt_url.clear();
    a.apply = ask("Let the gateway change the inverter's charge settings now? Answer no to "
                  "watch first (sunbridge profile show says what it would do)",
                  a.apply ? "yes" : "no", {"yes", "no"}) == "yes";
  }
  if (!one_of(a.profile, kProfiles)) {
    std::cerr << "sunbridge setup: --profile '" << a.profile << "' is not one of "
              << join(kProfiles, ", ") << "\n";
    return 2;
  }

  // 4. The configuration, checked like the daemon checks it.
  json config = {{"inverter", {{"device", found->stable}, {"slave", found->slave}}},
                 {"site", {{"timezone", a.timezone}}},
                 {"profiles", {{"mode", a.profile}}},
                 {"settings", {{"apply", a.apply}}}};
  if (a.baud != 9600 && !a.wifi_logger) config["inverter"]["baud"] = a.baud;
  if (a.lock_dir != "/run/lock") config["inverter"]["lock_dir"] = a.lock_dir;
  if (a.bms != "none") config["bms"] = {{"mode", a.bms}, {"device", a.bms_port}};
  if (!a.mqtt_url.empty()) config["mqtt"] = {{"url", a.mqtt_url}};
  const std::string text = config.dump(2) + "\n";
  const std::string dir = std::filesystem::path(a.output).parent_path().string();
  auto load = adapters::load_config_text(text, dir.empty() ? "." : dir, adapters::Secrets::kSkip);
  if (!load.config) {
    std::cerr << schema::format_issues(load.issues, a.output) << "sunbridge setup: nothing "
              << "written\n";
    return 2;
  }
  std::string backup;
  if (!write_config(a.output, text, backup)) return 1;
  std::cout << "Wrote " << a.output;
  if (!backup.empty()) std::cout << " (the previous one is kept as " << backup << ")";
  std::cout << ".\n";
  if (!a.apply) {
    std::cout << "The gateway will watch and write nothing to the inverter: `sunbridge profile "
                 "show` says what it would change. To let it, set \"settings\": {\"apply\": "
                 "true} in "
              << a.output << " and restart the service.\n";
  }
  // A cloud broker needs the internet, which the service's sandbox allows only when told to.
  if (!a.mqtt_url.empty() && !adapters::is_loopback_url(a.mqtt_url)) {
    const std::string dropin = a.systemd_dir + "/sunbridged.service.d/internet.conf";
    std::error_code ec;
    std::filesystem::create_directories(a.systemd_dir + "/sunbridged.service.d", ec);
    std::ofstream out(dropin, std::ios::trunc);
    out << "# Written by sunbridge setup: the MQTT broker is not on this machine.\n"
           "[Service]\nIPAddressAllow=any\n";
    if (out) {
      std::cout << "Wrote " << dropin << " (the service may reach the internet for MQTT).\n";
    } else {
      std::cout << "Let the service reach the broker: copy /usr/share/sunbridge/systemd/"
                   "internet.conf to "
                << dropin << " (as root).\n";
    }
  }
  std::cout << "\nNext:\n  sudo systemctl enable --now sunbridged\n  sunbridge doctor\n";
  return 0;
}

}  // namespace sb::cli
