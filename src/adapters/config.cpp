// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/config.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sunbridge/core/local_time.hpp"

namespace sb::adapters {

using nlohmann::json;
using schema::Schema;

namespace {

std::optional<std::string> check_endpoint(const json& v) {
  if (!transport::parse_endpoint(v.get<std::string>(), {})) {
    return "expected a device path, tcp://host:port or solarman://host[:port]?serial=N";
  }
  return std::nullopt;
}

std::optional<std::string> check_baud(const json& v) {
  switch (v.get<int>()) {
    case 1200:
    case 2400:
    case 4800:
    case 9600:
    case 19200:
    case 38400:
    case 57600:
    case 115200:
      return std::nullopt;
    default:
      return "not a standard baud rate (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)";
  }
}

std::optional<std::string> check_timezone(const json& v) {
  if (!timezone_exists(v.get<std::string>())) {
    return "unknown time zone '" + v.get<std::string>() + "' (a tz database name like Asia/Tokyo)";
  }
  return std::nullopt;
}

std::optional<std::string> check_absolute_or_relative_path(const json& v) {
  if (v.get<std::string>().find('\0') != std::string::npos) return "invalid path";
  return std::nullopt;
}

std::string resolve(const std::string& base_dir, const std::string& path) {
  return resolve_path(base_dir, path);
}

// Whether a configuration key holds a secret (passwords, keys). A *_file entry is where a secret
// lives, not the secret.
bool is_secret_key(const std::string& key) {
  const bool is_path = key.size() >= 5 && key.compare(key.size() - 5, 5, "_file") == 0;
  return !is_path &&
         (key.find("password") != std::string::npos || key.find("secret") != std::string::npos ||
          (key.size() >= 3 && key.compare(key.size() - 3, 3, "key") == 0));
}

// The dotted paths of the secrets in `doc` (the ones redacted() hides), in document order.
std::vector<std::string> secret_paths(const json& doc, const std::string& prefix) {
  std::vector<std::string> out;
  if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) {
      auto inner = secret_paths(doc[i], prefix + "[" + std::to_string(i) + "]");
      out.insert(out.end(), inner.begin(), inner.end());
    }
    return out;
  }
  if (!doc.is_object()) return out;
  for (const auto& [key, value] : doc.items()) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (is_secret_key(key) && value.is_string()) {
      if (!value.get<std::string>().empty()) out.push_back(path);  // an unset default is no secret
    } else {
      auto inner = secret_paths(value, path);
      out.insert(out.end(), inner.begin(), inner.end());
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> read_secret_file(const std::string& path, const std::string& where,
                                            schema::Issues& issues) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    issues.push_back({where, "cannot read the secret file " + path});
    return std::nullopt;
  }
  // Like ssh with its keys: a secret others can read is no longer a secret.
  if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    issues.push_back({where, path + " is accessible by others (mode " + mode +
                                 "): chmod 0600, or 0640 with the daemon's group"});
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    issues.push_back({where, "cannot read the secret file " + path + ": " + std::strerror(errno) +
                                 " (run as the daemon's user?)"});
    return std::nullopt;
  }
  std::string text(4097, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > 4096) {
    issues.push_back({where, path + " is longer than 4096 bytes: not a key or password file"});
    return std::nullopt;
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  if (first == std::string::npos) {
    issues.push_back({where, path + " is empty"});
    return std::nullopt;
  }
  return text.substr(first, last - first + 1);
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  std::string out = (std::filesystem::path(base_dir) / path).lexically_normal().string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();  // "dir/." normalises to "dir/"
  return out;
}

Schema config_schema() {
  Schema path = Schema::string(1, 4096).with_check(check_absolute_or_relative_path);
  Schema inverter = Schema::object({
      schema::optional(
          "device",
          Schema::string(1, 4096).with_check(check_endpoint).with_default("/dev/ttyUSB0")),
      schema::optional("baud",
                       Schema::integer(1200, 115200).with_check(check_baud).with_default(9600)),
      schema::optional("parity", Schema::choice({"N", "E", "O"}).with_default("N")),
      schema::optional("data_bits", Schema::integer(7, 8).with_default(8)),
      schema::optional("stop_bits", Schema::integer(1, 2).with_default(1)),
      schema::optional("slave", Schema::integer(1, 255).with_default(1)),
      schema::optional("response_timeout_ms", Schema::integer(50, 10000).with_default(1000)),
      schema::optional("byte_timeout_ms", Schema::integer(5, 5000).with_default(500)),
      schema::optional("inter_transaction_gap_ms", Schema::integer(0, 5000).with_default(200)),
      schema::optional("retries", Schema::integer(0, 5).with_default(2)),
      schema::optional("poll_interval", Schema::number(0.1, 3600).with_default(10)),
      schema::optional("settings_interval", Schema::number(1, 86400).with_default(300)),
      schema::optional("offline_after", Schema::integer(1, 100).with_default(3)),
      schema::optional("backoff_min_ms", Schema::integer(10, 600000).with_default(1000)),
      schema::optional("backoff_max_ms", Schema::integer(10, 3600000).with_default(60000)),
      schema::optional("voltage_scale",
                       Schema::choice({"auto", "normalized", "real"}).with_default("auto")),
      schema::optional("state_encoding",
                       Schema::choice({"split-phase", "srne"}).with_default("split-phase")),
      schema::optional("max_gap_registers", Schema::integer(0, 31).with_default(10)),
      schema::optional("bms_protocol_list_base", Schema::integer(0, 1).with_default(0)),
      schema::optional("register_map", path),
      schema::optional("lock_dir", path.with_default("/run/lock")),
  });
  Schema cross_check = Schema::object({
      schema::optional("soc_gap_pct", Schema::number(1, 100).with_default(10)),
      schema::optional("voltage_gap_v", Schema::number(0.1, 20).with_default(1.0)),
      schema::optional("sustain_s", Schema::integer(0, 86400).with_default(600)),
  });
  Schema bms = Schema::object({
      schema::optional("mode",
                       Schema::choice({"none", "sniff", "ascii", "modbus"}).with_default("none")),
      schema::optional("device", Schema::string(1, 4096)),
      schema::optional("baud",
                       Schema::integer(1200, 115200).with_check(check_baud).with_default(9600)),
      schema::optional("packs", Schema::integer(1, 15).with_default(4)),
      schema::optional("master", Schema::integer(1, 15).with_default(1)),
      schema::optional("poll_interval", Schema::number(1, 3600).with_default(10)),
      // PACE: more than 100 ms between frames, 200 ms response timeout (bms.md section 3).
      schema::optional("frame_gap_ms", Schema::integer(100, 5000).with_default(100)),
      schema::optional("response_timeout_ms", Schema::integer(50, 5000).with_default(200)),
      schema::optional("retries", Schema::integer(0, 5).with_default(1)),
      schema::optional("offline_after", Schema::integer(1, 100).with_default(3)),
      schema::optional("dialect", Schema::choice({"pace", "pylon"}).with_default("pace")),
      schema::optional("sniff_window_ms", Schema::integer(100, 10000).with_default(1000)),
      schema::optional("sniff_stale_after_s", Schema::integer(1, 3600).with_default(30)),
      schema::optional("pack_sample_interval_s", Schema::integer(1, 86400).with_default(300)),
      schema::optional("cross_check", cross_check),
  });
  Schema storage = Schema::object({
      schema::optional("path", path.with_default("/var/lib/sunbridge/sunbridge.db")),
      schema::optional("commit_interval_s", Schema::integer(1, 3600).with_default(600)),
      schema::optional("sample_interval_s", Schema::integer(1, 3600).with_default(60)),
      schema::optional("retention_days", Schema::integer(1, 3650).with_default(7)),
      schema::optional("minute_days", Schema::integer(1, 3650).with_default(90)),
      schema::optional("quarter_days", Schema::integer(1, 36500).with_default(1095)),
  });
  Schema ipc = Schema::object({
      schema::optional("socket", path.with_default("/run/sunbridge/sunbridged.sock")),
  });
  Schema site = Schema::object({
      schema::optional("timezone",
                       Schema::string(1, 64).with_check(check_timezone).with_default("Asia/Tokyo")),
      schema::optional("time_source", Schema::choice({"kernel", "trust"}).with_default("kernel")),
      schema::optional("battery_kwh", Schema::number(0.1, 1000).with_default(20.48)),
  });
  Schema tariff = Schema::object({
      schema::optional("name", Schema::string(1, 60).with_default("shikoku-seasonal-tou")),
      schema::optional("directory", Schema::string(0, 4096).with_default("")),
  });
  Schema log = Schema::object({
      schema::optional("level",
                       Schema::choice({"debug", "info", "warning", "error"}).with_default("info")),
  });
  return Schema::object({
      schema::optional("inverter", inverter),
      schema::optional("bms", bms),
      schema::optional("storage", storage),
      schema::optional("ipc", ipc),
      schema::optional("site", site),
      schema::optional("tariff", tariff),
      schema::optional("log", log),
      schema::optional("profiles", profiles_section_schema()),
      schema::optional("settings", settings_section_schema()),
      schema::optional("checks", checks_section_schema()),
      schema::optional("mqtt", mqtt_section_schema()),
      schema::optional("email", email_section_schema()),
      schema::optional("notify", notify_section_schema()),
      schema::optional("http", http_section_schema()),
  });
}

ConfigLoad load_config_text(std::string_view text, const std::string& base_dir,
                            Secrets secret_files) {
  ConfigLoad out;
  auto doc = schema::parse_strict(text, out.issues);
  if (!doc) return out;
  auto issues = schema::validate(config_schema(), *doc);
  out.issues.insert(out.issues.end(), issues.begin(), issues.end());
  if (!out.issues.empty()) return out;

  const json& inv = (*doc)["inverter"];
  // Relations between fields, reported with the rest.
  if (inv["byte_timeout_ms"].get<int>() > inv["response_timeout_ms"].get<int>()) {
    out.issues.push_back({"inverter.byte_timeout_ms", "must not exceed response_timeout_ms"});
  }
  if (inv["backoff_min_ms"].get<int>() > inv["backoff_max_ms"].get<int>()) {
    out.issues.push_back({"inverter.backoff_min_ms", "must not exceed backoff_max_ms"});
  }
  if (inv["poll_interval"].get<double>() > inv["settings_interval"].get<double>()) {
    out.issues.push_back({"inverter.poll_interval", "must not exceed settings_interval"});
  }
  const json& bj = (*doc)["bms"];
  const std::string bms_mode = bj["mode"].get<std::string>();
  if (bms_mode != "none") {
    if (!bj.contains("device")) {
      out.issues.push_back({"bms.device", "is required when bms.mode is " + bms_mode});
    } else if (resolve(base_dir, bj["device"].get<std::string>()) ==
               resolve(base_dir, inv["device"].get<std::string>())) {
      out.issues.push_back({"bms.device",
                            "must not be the inverter's port: the gateway is never "
                            "a second master on the inverter's bus"});
    }
    if (bj["master"].get<int>() > bj["packs"].get<int>()) {
      out.issues.push_back({"bms.master", "must be one of the packs 1..bms.packs"});
    }
  }
  Config c;
  load_profiles_sections(*doc, base_dir, c, out.issues);
  load_mqtt_section(*doc, base_dir, c, out.issues, secret_files);
  load_notify_sections(*doc, base_dir, c, out.issues, secret_files);
  load_http_section(*doc, c, out.issues, out.warnings, base_dir);
  if (!out.issues.empty()) return out;

  InverterConfig& ic = c.inverter;
  std::string device = inv["device"].get<std::string>();
  if (device.find("://") == std::string::npos) device = resolve(base_dir, device);  // a path
  transport::SerialLine line;
  line.baud = inv["baud"].get<int>();
  line.parity = inv["parity"].get<std::string>()[0];
  line.data_bits = inv["data_bits"].get<int>();
  line.stop_bits = inv["stop_bits"].get<int>();
  ic.endpoint = *transport::parse_endpoint(device, line);
  ic.device = device;
  ic.slave = inv["slave"].get<int>();
  ic.timing.response_timeout = std::chrono::milliseconds(inv["response_timeout_ms"].get<int>());
  ic.timing.byte_timeout = std::chrono::milliseconds(inv["byte_timeout_ms"].get<int>());
  ic.link.inter_transaction_gap =
      std::chrono::milliseconds(inv["inter_transaction_gap_ms"].get<int>());
  ic.link.retries = inv["retries"].get<int>();
  const std::string vs = inv["voltage_scale"].get<std::string>();
  ic.link.voltage_scale = vs == "real"         ? protocol::VoltageScale::kReal
                          : vs == "normalized" ? protocol::VoltageScale::kNormalized
                                               : protocol::VoltageScale::kAuto;
  ic.link.state_encoding = inv["state_encoding"].get<std::string>();
  ic.link.list_base = inv["bms_protocol_list_base"].get<int>();
  ic.link.plan.max_gap = inv["max_gap_registers"].get<int>();
  ic.link.health.offline_after = inv["offline_after"].get<int>();
  ic.link.health.backoff_min = std::chrono::milliseconds(inv["backoff_min_ms"].get<int>());
  ic.link.health.backoff_max = std::chrono::milliseconds(inv["backoff_max_ms"].get<int>());
  ic.poll_interval =
      std::chrono::milliseconds(std::llround(inv["poll_interval"].get<double>() * 1000));
  ic.settings_interval =
      std::chrono::milliseconds(std::llround(inv["settings_interval"].get<double>() * 1000));
  if (inv.contains("register_map")) {
    ic.register_map_path = resolve(base_dir, inv["register_map"].get<std::string>());
  }
  ic.lock_dir = resolve(base_dir, inv["lock_dir"].get<std::string>());

  BmsConfig& bc = c.bms;
  bc.options.mode = bms_mode == "sniff"    ? device::BmsMode::kSniff
                    : bms_mode == "ascii"  ? device::BmsMode::kAscii
                    : bms_mode == "modbus" ? device::BmsMode::kModbus
                                           : device::BmsMode::kNone;
  bc.options.addresses.clear();
  for (int p = 1; p <= bj["packs"].get<int>(); ++p)
    bc.options.addresses.push_back(p);
  bc.options.master = bj["master"].get<int>();
  bc.options.frame_gap = std::chrono::milliseconds(bj["frame_gap_ms"].get<int>());
  bc.options.response_timeout = std::chrono::milliseconds(bj["response_timeout_ms"].get<int>());
  bc.options.retries = bj["retries"].get<int>();
  bc.options.health.offline_after = bj["offline_after"].get<int>();
  bc.options.dialect = bj["dialect"].get<std::string>() == "pylon" ? protocol::AsciiDialect::kPylon
                                                                   : protocol::AsciiDialect::kPace;
  bc.options.sniff_window = std::chrono::milliseconds(bj["sniff_window_ms"].get<int>());
  bc.options.sniff_stale_after = std::chrono::seconds(bj["sniff_stale_after_s"].get<int>());
  if (bj.contains("device")) {
    bc.device = resolve(base_dir, bj["device"].get<std::string>());
    (*doc)["bms"]["device"] = bc.device;
  }
  bc.line.device = bc.device;
  bc.line.baud = bj["baud"].get<int>();
  bc.poll_interval =
      std::chrono::milliseconds(std::llround(bj["poll_interval"].get<double>() * 1000));
  bc.pack_sample_interval = std::chrono::seconds(bj["pack_sample_interval_s"].get<int>());
  bc.cross_check.soc_gap_pct = bj["cross_check"]["soc_gap_pct"].get<double>();
  bc.cross_check.voltage_gap_v = bj["cross_check"]["voltage_gap_v"].get<double>();
  bc.cross_check.sustain = std::chrono::seconds(bj["cross_check"]["sustain_s"].get<int>());

  const json& st = (*doc)["storage"];
  c.storage.path = resolve(base_dir, st["path"].get<std::string>());
  c.storage.commit_interval = std::chrono::seconds(st["commit_interval_s"].get<int>());
  c.storage.retention.raw_days = st["retention_days"].get<int>();
  c.storage.retention.minute_days = st["minute_days"].get<int>();
  c.storage.retention.quarter_days = st["quarter_days"].get<int>();
  c.storage.sample_interval = std::chrono::seconds(st["sample_interval_s"].get<int>());
  c.ipc.socket = resolve(base_dir, (*doc)["ipc"]["socket"].get<std::string>());
  c.site.timezone = (*doc)["site"]["timezone"].get<std::string>();
  c.site.time_source = (*doc)["site"]["time_source"].get<std::string>();
  c.site.battery_kwh = (*doc)["site"]["battery_kwh"].get<double>();
  c.tariff.name = (*doc)["tariff"]["name"].get<std::string>();
  c.tariff.directory = resolve(base_dir, (*doc)["tariff"]["directory"].get<std::string>());
  c.log_level = *parse_log_level((*doc)["log"]["level"].get<std::string>());
  read_checks((*doc)["checks"], c.bms.options.addresses, c.checks, c.cooling, out.issues);
  if (!out.issues.empty()) return out;

  // Record the resolved paths in the effective document too.
  (*doc)["inverter"]["device"] = ic.device;
  (*doc)["inverter"]["lock_dir"] = ic.lock_dir;
  if (!ic.register_map_path.empty()) (*doc)["inverter"]["register_map"] = ic.register_map_path;
  (*doc)["storage"]["path"] = c.storage.path;
  (*doc)["ipc"]["socket"] = c.ipc.socket;
  c.effective = std::move(*doc);
  out.config = std::move(c);
  return out;
}

ConfigLoad load_config_file(const std::string& path, Secrets secret_files) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ConfigLoad out;
    out.issues.push_back({"", "cannot read " + path});
    return out;
  }
  std::ostringstream text;
  text << in.rdbuf();
  // Relative paths in the file are relative to its directory, made absolute so that nothing
  // depends on the daemon's working directory.
  std::error_code ec;
  auto dir = std::filesystem::absolute(std::filesystem::path(path), ec).parent_path();
  ConfigLoad out = load_config_text(
      text.str(), ec ? std::string(".") : dir.lexically_normal().string(), secret_files);
  struct stat st {};
  if (out.config && ::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0) {
    std::string inline_secrets;
    for (const auto& name : secret_paths(out.config->effective, ""))
      inline_secrets += (inline_secrets.empty() ? "" : ", ") + name;
    if (!inline_secrets.empty()) {
      out.warnings.push_back(path + " is readable by every user and holds secrets (" +
                             inline_secrets +
                             "): chmod 0640, or move them to key_file / password_file");
    }
  }
  return out;
}

std::chrono::milliseconds InverterConfig::max_age(protocol::Group group) const {
  constexpr std::chrono::milliseconds kCycleAllowance{5000};
  switch (group) {
    case protocol::Group::kIdentity:
      return std::chrono::milliseconds(0);
    case protocol::Group::kLive:
      return 3 * poll_interval + kCycleAllowance;
    case protocol::Group::kSettings:
      return 2 * settings_interval + kCycleAllowance;
  }
  return std::chrono::milliseconds(0);
}

Config default_config(const std::string& base_dir) {
  return *load_config_text("{}", base_dir).config;
}

json redacted(const json& doc) {
  if (doc.is_object()) {
    json out = json::object();
    for (const auto& [key, value] : doc.items()) {
      out[key] = is_secret_key(key) && value.is_string() ? json("***") : redacted(value);
    }
    return out;
  }
  if (doc.is_array()) {
    json out = json::array();
    for (const auto& v : doc)
      out.push_back(redacted(v));
    return out;
  }
  return doc;
}

}  // namespace sb::adapters
