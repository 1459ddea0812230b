// SPDX-License-Identifier: Apache-2.0
// The daemon's configuration file: strict JSON, unknown keys are errors, every problem reported
// at once with its path. Relative paths are resolved against the file's directory.
// Reference: docs/configuration.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/history_tiers.hpp"
#include "sunbridge/adapters/mqtt_client.hpp"
#include "sunbridge/adapters/weather.hpp"
#include "sunbridge/core/event.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/schema.hpp"
#include "sunbridge/device/bms.hpp"
#include "sunbridge/device/inverter_link.hpp"
#include "sunbridge/domain/checks/engine.hpp"
#include "sunbridge/domain/cross_check.hpp"
#include "sunbridge/domain/selection.hpp"
#include "sunbridge/domain/write_budget.hpp"
#include "sunbridge/transport/endpoint.hpp"

namespace sb::adapters {

struct InverterConfig {
  transport::Endpoint endpoint;
  std::string device;  // as configured (resolved), for locks and messages
  int slave = 1;
  transport::Timing timing;
  device::LinkOptions link;
  std::chrono::milliseconds poll_interval{10000};
  std::chrono::milliseconds settings_interval{300000};
  std::string register_map_path;  // empty: the embedded map
  std::string lock_dir = "/run/lock";
  // How long a value of `group` stays current: three missed live polls or two settings polls,
  // plus room for a slow cycle; identity never ages (0). The poll reports and a settings
  // transaction's read-back both age their values by it.
  [[nodiscard]] std::chrono::milliseconds max_age(protocol::Group group) const;
};

struct BmsConfig {
  device::BmsOptions options;  // mode none: no BMS link
  std::string device;
  transport::SerialLine line;
  std::chrono::milliseconds poll_interval{10000};
  // Per-pack values (cells, temperatures) are recorded at this slower cadence; bank values go
  // with the inverter samples.
  std::chrono::seconds pack_sample_interval{300};
  domain::CrossCheckPolicy cross_check;
};

struct StorageConfig {
  std::string path = "/var/lib/sunbridge/sunbridge.db";
  std::chrono::seconds commit_interval{600};
  // Live values are recorded at most this often (every settings poll is recorded too).
  std::chrono::seconds sample_interval{60};
  HistoryRetention retention;
};

struct IpcConfig {
  std::string socket = "/run/sunbridge/sunbridged.sock";
};

struct SiteConfig {
  std::string timezone = "Asia/Tokyo";
  // Whether the system clock is synchronised: "kernel" asks the kernel (an NTP client such as
  // systemd-timesyncd or chrony tells it); "trust" takes the time as right, for machines with a
  // good clock but no NTP client (some VMs and containers).
  std::string time_source = "kernel";
  double battery_kwh = 20.48;  // the bank's usable capacity, for equivalent cycles in reports
};

// Which electricity tariff prices the energy (docs/reports.md): a shipped one or the user's own.
struct TariffConfig {
  std::string name = "shikoku-seasonal-tou";
  std::string directory;  // the user's own tariff files (*.json); empty: the shipped ones only
};

// Automatic mode (docs/strategy.md "Automatic mode"): where the array is and what it is, and
// when a change is worth a write.
struct AutoModeConfig {
  double latitude_deg = 34.34;  // the weather section's site
  double longitude_deg = 134.05;
  double pv_kw = 2.46;  // 6 x 410 W
  double tilt_deg = 30;
  double azimuth_deg = 180;
  double system_efficiency = 0.85;
  double min_saving_yen_per_write = 20;
  int horizon_days = 3;
  std::chrono::minutes decide_at{22 * 60};
};

// Which profile is active and how the weather is fetched (docs/configuration.md, "profiles").
struct ProfilesConfig {
  // type-b | type-a | type-a-monthly | auto | a profile's name
  std::string mode = "type-b";
  AutoModeConfig auto_mode;
  std::string directory;      // the user's own profile files (*.json); empty: none
  std::string baseline_path;  // empty: the shipped baseline
  domain::WeatherPolicy rules;
  WeatherSource weather;
  std::vector<std::chrono::minutes> fetch_times;  // local times of day
  std::chrono::minutes fetch_retry{30};
};

// The settings writer (docs/configuration.md, "settings").
struct SettingsConfig {
  bool apply = true;  // false: select and report only, never write on schedule
  std::chrono::milliseconds settle{300};
  domain::BudgetPolicy budget;
  bool reassert_drift = false;  // drift_policy "reassert"
  bool clock_sync = true;
  std::chrono::seconds clock_max_skew{60};
  std::chrono::minutes clock_min_interval{360};
  std::optional<double> bank_charge_limit_a;
  std::chrono::minutes retry_after{15};  // after a failed transaction
};

// The cloud link (docs/mqtt.md). Disabled unless `mqtt.url` is set.
// Remote commands and desired configuration (docs/mqtt.md "Authorisation").
struct RoleGrant {
  std::vector<std::uint8_t> key;   // HMAC-SHA256 key; never logged
  std::set<std::string> commands;  // profile, hold, param, sync-clock, refresh, config
  std::set<std::string> params;    // LCD ids (normalised, "07") that param / desired may set
  // During a key rotation the key being replaced is accepted too (empty: none).
  std::vector<std::uint8_t> previous_key;
};

struct RemotePolicy {
  std::map<std::string, RoleGrant> roles;    // owner, installer, aggregator: configured ones
  std::chrono::seconds max_validity{3600};   // expires_at - issued_at
  std::chrono::seconds max_clock_ahead{60};  // issued_at may be this far in our future
  std::chrono::hours max_lease{24};          // a remote hold / pin ends by then at the latest
};

struct MqttConfig {
  bool enabled = false;
  MqttSettings client;  // client_id empty: the device id
  std::string prefix = "sunbridge";
  std::string device_id;  // empty: the inverter serial
  std::chrono::milliseconds telemetry_interval{60000};
  double drain_per_s = 50;
  int max_inflight = 20;
  std::int64_t outbox_max_rows = 100000;
  bool homeassistant = true;  // discovery configs (retained)
  std::string discovery_prefix = "homeassistant";
  RemotePolicy remote;
};

// The cabinet fan's switch (docs/checks.md "Cabinet fan"); the decision is checks.fan's.
struct CoolingConfig {
  std::string backend = "none";  // none | gpio | mqtt | command
  std::string on_exit = "off";   // off | on | leave: the fan's state when the daemon stops
  std::string gpio_chip = "gpiochip0";
  unsigned gpio_line = 0;
  bool gpio_active_low = false;
  MqttSettings mqtt;  // a smart plug's broker
  std::string mqtt_topic;
  std::string payload_on = "ON", payload_off = "OFF";
  bool mqtt_retain = true;
  std::vector<std::string> command;  // program and arguments; "on" or "off" is appended
};

// An SMTP server for the reports and notifications (docs/reports.md "E-mail").
struct EmailConfig {
  bool enabled = false;  // url given
  std::string url;  // smtps://host:465, or smtp://host:587 (STARTTLS required off this machine)
  std::string from;
  std::vector<std::string> to;
  std::string username, password;  // password: from password_file when given
  std::string ca_file;
  std::chrono::seconds timeout{30};
  bool daily_report = true, weekly_report = true, attach_plot = true;
};

// Which events reach a person, and how (docs/reports.md "Notifications").
struct NotifyConfig {
  Severity min_severity = Severity::kWarning;
  bool email = true;                 // when an e-mail server is configured
  std::vector<std::string> command;  // program and arguments; the events as JSON on stdin
  std::chrono::seconds group{120};   // events within this time go out together
  int max_per_hour = 6;              // messages per hour; more wait and are grouped
  std::chrono::seconds retry_max{3600};
};

// The local web dashboard (docs/dashboard.md). Off unless `http.listen` is set.
struct HttpConfig {
  bool enabled = false;
  std::string host = "127.0.0.1";
  int port = 8080;
  // Control (a profile override, a parameter) from the page, after a login; read-only otherwise.
  bool control = false;
  std::string password_hash;  // "pbkdf2-sha256$ITERATIONS$SALT$HASH" (sunbridged --hash-password)
  std::string tls_cert_file, tls_key_file;  // both or neither: HTTPS
  int threads = 4;                          // for pages and API requests
  int max_live_clients = 20;                // open live-value streams, each holding a thread
  std::chrono::hours session_lifetime{12};
};

struct Config {
  InverterConfig inverter;
  BmsConfig bms;
  StorageConfig storage;
  IpcConfig ipc;
  SiteConfig site;
  TariffConfig tariff;
  ProfilesConfig profiles;
  SettingsConfig settings;
  domain::checks::ChecksConfig checks;  // docs/checks.md
  CoolingConfig cooling;
  MqttConfig mqtt;
  EmailConfig email;
  NotifyConfig notify;
  HttpConfig http;
  LogLevel log_level = LogLevel::kInfo;
  // The complete document with defaults filled in (for --check-config; secrets redacted there).
  nlohmann::json effective;
};

struct ConfigLoad {
  std::optional<Config> config;  // set only when there are no issues
  schema::Issues issues;
  // Accepted but worth fixing (e.g. secrets in a file others can read): printed by
  // --check-config and logged at start-up.
  std::vector<std::string> warnings;
};

schema::Schema config_schema();
// The "profiles" and "settings" sections (config_profiles.cpp).
schema::Schema profiles_section_schema();
schema::Schema settings_section_schema();
// The weather rules (profiles.rules; also config/desired "rules"): schema and typed reader of a
// validated object; relation problems go to `issues` under `path`.
schema::Schema rules_schema();
domain::WeatherPolicy read_rules(const nlohmann::json& r, const std::string& path,
                                 schema::Issues& issues);
// The "checks" section (config_checks.cpp): schema, and the reader of a validated one; the
// packs whose sensors are judged are the BMS addresses. Relation problems go to `issues`.
schema::Schema checks_section_schema();
void read_checks(const nlohmann::json& doc, const std::vector<int>& pack_addresses,
                 domain::checks::ChecksConfig& checks, CoolingConfig& cooling,
                 schema::Issues& issues);
// The "mqtt" section (config_mqtt.cpp).
schema::Schema mqtt_section_schema();
// `secret_files`: read key_file / password_file (the daemon); the homeowner CLI, which may not
// be allowed to read them and needs none of them, passes Secrets::kSkip.
enum class Secrets { kRead, kSkip };
// The "http" section (config_http.cpp): the schema, and the typed reader of a validated one.
schema::Schema http_section_schema();
void load_http_section(const nlohmann::json& doc, Config& c, schema::Issues& issues,
                       std::vector<std::string>& warnings, const std::string& base_dir);
void load_mqtt_section(nlohmann::json& doc, const std::string& base_dir, Config& c,
                       schema::Issues& issues, Secrets secret_files);
// Reads the validated sections into `c`; relation problems go to `issues`.
void load_profiles_sections(nlohmann::json& doc, const std::string& base_dir, Config& c,
                            schema::Issues& issues);
// The secret held in a file (a key or password file: one line, surrounding white space ignored),
// or nullopt with the problem in `issues` under `where`: missing, not a regular file, empty, or
// readable or writable by others.
std::optional<std::string> read_secret_file(const std::string& path, const std::string& where,
                                            schema::Issues& issues);
// Resolves `path` against `base_dir` unless absolute.
std::string resolve_path(const std::string& base_dir, const std::string& path);

// The "email" and "notify" sections (config_notify.cpp).
schema::Schema email_section_schema();
schema::Schema notify_section_schema();
void load_notify_sections(nlohmann::json& doc, const std::string& base_dir, Config& c,
                          schema::Issues& issues, Secrets secret_files);

// `base_dir` resolves relative paths ("" = current directory).
ConfigLoad load_config_text(std::string_view text, const std::string& base_dir,
                            Secrets secret_files = Secrets::kRead);
ConfigLoad load_config_file(const std::string& path, Secrets secret_files = Secrets::kRead);
// The built-in defaults, as if loading "{}" (paths resolved against `base_dir`).
Config default_config(const std::string& base_dir = "");

// The effective document with passwords, keys and secrets replaced by "***".
nlohmann::json redacted(const nlohmann::json& doc);

}  // namespace sb::adapters
