// SPDX-License-Identifier: Apache-2.0
// The "mqtt" configuration section. Reference: docs/mqtt.md.
#include <cmath>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/remote_command.hpp"
#include "sunbridge/protocol/register_map.hpp"

namespace sb::adapters {

using nlohmann::json;
using schema::Schema;

namespace {

std::optional<std::string> check_broker_url(const json& v) {
  const std::string s = v.get<std::string>();
  for (const char* scheme : {"tcp://", "mqtt://", "ssl://", "mqtts://"}) {
    if (s.rfind(scheme, 0) == 0 && s.size() > std::string(scheme).size()) return std::nullopt;
  }
  return "expected tcp://host:port or ssl://host:port";
}

std::optional<std::vector<std::uint8_t>> parse_hex(const std::string& s) {
  if (s.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int hi = nibble(s[i]), lo = nibble(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

// A role's HMAC key: hex, at least 32 bytes (openssl rand -hex 32), inline or from a file.
constexpr const char* kRoleKeyRule = "expected hexadecimal digits (32 bytes or more)";
std::optional<std::vector<std::uint8_t>> parse_role_key(const std::string& text) {
  auto bytes = parse_hex(text);
  if (!bytes || bytes->size() < 32) return std::nullopt;
  return bytes;
}

std::optional<std::string> check_role_key(const json& v) {
  if (!parse_role_key(v.get<std::string>())) return kRoleKeyRule;
  return std::nullopt;
}

// A role key given inline (`field`) or in a file (`field`_file), hex either way. Empty: neither.
std::vector<std::uint8_t> role_key(json& role, const std::string& field,
                                   const std::string& base_dir, const std::string& where,
                                   Secrets secret_files, schema::Issues& issues) {
  const std::string file_field = field + "_file";
  if (role.contains(field) && role.contains(file_field)) {
    issues.push_back(
        {where + "." + file_field, "give " + field + " or " + file_field + ", not both"});
    return {};
  }
  // The schema checked an inline key.
  if (role.contains(field)) {
    return parse_role_key(role[field].get<std::string>()).value_or(std::vector<std::uint8_t>{});
  }
  if (!role.contains(file_field)) return {};
  role[file_field] = resolve_path(base_dir, role[file_field].get<std::string>());
  if (secret_files == Secrets::kSkip) return {};
  auto text =
      read_secret_file(role[file_field].get<std::string>(), where + "." + file_field, issues);
  if (!text) return {};
  auto bytes = parse_role_key(*text);
  if (!bytes) {
    issues.push_back(
        {where + "." + file_field, role[file_field].get<std::string>() + ": " + kRoleKeyRule});
    return {};
  }
  return *bytes;
}

bool is_tls(const std::string& url) {
  return url.rfind("ssl://", 0) == 0 || url.rfind("mqtts://", 0) == 0;
}

}  // namespace

Schema mqtt_section_schema() {
  Schema path = Schema::string(1, 4096);
  Schema tls = Schema::object({
      schema::optional("ca_file", path),
      schema::optional("cert_file", path),
      schema::optional("key_file", path),
  });
  // A role's key: at least 32 random bytes, hex (openssl rand -hex 32), inline or in a file;
  // previous_key(_file) is also accepted while a new key is rolled out.
  Schema key = Schema::string(64, 1024).with_check(check_role_key);
  Schema role =
      Schema::object(
          {
              schema::optional("key", key),
              schema::optional("key_file", path),
              schema::optional("previous_key", key),
              schema::optional("previous_key_file", path),
              schema::optional("commands",
                               Schema::array_of(Schema::choice(remote_command_names()), 0, 6)
                                   .with_default(json::array())),
              schema::optional(
                  "params",
                  Schema::array_of(Schema::string(1, 3), 0, 200).with_default(json::array())),
          })
          .with_check([](const json& r) -> std::optional<std::string> {
            // Also keeps a role that is not in the file from being filled in with defaults.
            if (!r.contains("key") && !r.contains("key_file")) return "needs key or key_file";
            return std::nullopt;
          });
  Schema roles = Schema::object({
      schema::optional("owner", role),
      schema::optional("installer", role),
      schema::optional("aggregator", role),
  });
  Schema commands = Schema::object({
      schema::optional("max_validity_s", Schema::integer(10, 86400).with_default(3600)),
      schema::optional("max_clock_ahead_s", Schema::integer(0, 3600).with_default(60)),
      schema::optional("max_lease_h", Schema::integer(1, 2160).with_default(24)),
  });
  return Schema::object({
      schema::optional("roles", roles),
      schema::optional("commands", commands),
      schema::optional("url", Schema::string(8, 1024).with_check(check_broker_url)),
      schema::optional("prefix", Schema::string(1, 64).with_default("sunbridge")),
      schema::optional("device_id", Schema::string(1, 64)),
      schema::optional("client_id", Schema::string(1, 128)),
      schema::optional("username", Schema::string(1, 256)),
      schema::optional("password", Schema::string(1, 256)),
      schema::optional("password_file", path),
      schema::optional("tls", tls),
      schema::optional("version", Schema::choice({"3.1.1", "5"}).with_default("3.1.1")),
      schema::optional("keepalive_s", Schema::integer(5, 3600).with_default(60)),
      schema::optional("reconnect_min_s", Schema::integer(1, 3600).with_default(1)),
      schema::optional("reconnect_max_s", Schema::integer(1, 3600).with_default(60)),
      schema::optional("allow_plaintext", Schema::boolean().with_default(false)),
      schema::optional("telemetry_interval_s", Schema::number(0.1, 86400).with_default(60)),
      schema::optional("drain_per_s", Schema::number(1, 100000).with_default(50)),
      schema::optional("max_inflight", Schema::integer(1, 1000).with_default(20)),
      schema::optional("outbox_max_rows", Schema::integer(100, 10000000).with_default(100000)),
      schema::optional("homeassistant", Schema::boolean().with_default(true)),
      schema::optional("discovery_prefix", Schema::string(1, 64).with_default("homeassistant")),
  });
}

void load_mqtt_section(json& doc, const std::string& base_dir, Config& c, schema::Issues& issues,
                       Secrets secret_files) {
  json& m = doc["mqtt"];
  MqttConfig& mc = c.mqtt;
  mc.enabled = m.contains("url");
  mc.prefix = m["prefix"].get<std::string>();
  for (char ch : mc.prefix) {
    if (ch == '+' || ch == '#' || ch == '/') {
      issues.push_back({"mqtt.prefix", "must not contain '+', '#' or '/'"});
      break;
    }
  }
  if (m.contains("device_id")) mc.device_id = m["device_id"].get<std::string>();
  MqttSettings& s = mc.client;
  s.version = m["version"].get<std::string>() == "5" ? 5 : 4;
  s.keepalive = std::chrono::seconds(m["keepalive_s"].get<int>());
  s.reconnect_min = std::chrono::seconds(m["reconnect_min_s"].get<int>());
  s.reconnect_max = std::chrono::seconds(m["reconnect_max_s"].get<int>());
  if (s.reconnect_min > s.reconnect_max) {
    issues.push_back({"mqtt.reconnect_min_s", "must not exceed reconnect_max_s"});
  }
  if (m.contains("client_id")) s.client_id = m["client_id"].get<std::string>();
  if (m.contains("username")) s.username = m["username"].get<std::string>();
  if (m.contains("password")) s.password = m["password"].get<std::string>();
  if (m.contains("password_file")) {
    m["password_file"] = resolve_path(base_dir, m["password_file"].get<std::string>());
    if (m.contains("password")) {
      issues.push_back({"mqtt.password_file", "give password or password_file, not both"});
    } else if (secret_files == Secrets::kRead) {
      auto p =
          read_secret_file(m["password_file"].get<std::string>(), "mqtt.password_file", issues);
      if (p) s.password = *p;
    }
  }
  if (m.contains("tls")) {
    json& t = m["tls"];
    for (const char* key : {"ca_file", "cert_file", "key_file"}) {
      if (!t.contains(key)) continue;
      t[key] = resolve_path(base_dir, t[key].get<std::string>());
    }
    s.ca_file = t.value("ca_file", "");
    s.cert_file = t.value("cert_file", "");
    s.key_file = t.value("key_file", "");
    if (s.cert_file.empty() != s.key_file.empty()) {
      issues.push_back({"mqtt.tls", "cert_file and key_file go together"});
    }
  }
  mc.telemetry_interval =
      std::chrono::milliseconds(std::llround(m["telemetry_interval_s"].get<double>() * 1000));
  mc.drain_per_s = m["drain_per_s"].get<double>();
  mc.max_inflight = m["max_inflight"].get<int>();
  mc.outbox_max_rows = m["outbox_max_rows"].get<std::int64_t>();
  mc.homeassistant = m["homeassistant"].get<bool>();
  mc.discovery_prefix = m["discovery_prefix"].get<std::string>();
  const json& cmd = m["commands"];
  mc.remote.max_validity = std::chrono::seconds(cmd["max_validity_s"].get<int>());
  mc.remote.max_clock_ahead = std::chrono::seconds(cmd["max_clock_ahead_s"].get<int>());
  mc.remote.max_lease = std::chrono::hours(cmd["max_lease_h"].get<int>());
  for (auto& [name, r] : m["roles"].items()) {
    RoleGrant g;
    const std::string where = "mqtt.roles." + name;
    g.key = role_key(r, "key", base_dir, where, secret_files, issues);
    g.previous_key = role_key(r, "previous_key", base_dir, where, secret_files, issues);
    for (const auto& name_json : r["commands"])
      g.commands.insert(name_json.get<std::string>());
    for (const auto& p : r["params"])
      g.params.insert(protocol::normalize_lcd_id(p.get<std::string>()));
    mc.remote.roles[name] = std::move(g);
  }
  if (!mc.enabled) return;
  s.url = m["url"].get<std::string>();
  // Credentials and telemetry never cross a network in clear text (docs/mqtt.md, security).
  if (!is_tls(s.url) && !is_loopback_url(s.url) && !m["allow_plaintext"].get<bool>()) {
    issues.push_back({"mqtt.url",
                      "plaintext MQTT to a non-loopback broker is refused: use ssl://host:8883 "
                      "with mqtt.tls.ca_file, or set mqtt.allow_plaintext: true if you accept "
                      "that telemetry and credentials travel unencrypted"});
  }
  if (!is_tls(s.url) && (!s.ca_file.empty() || !s.cert_file.empty())) {
    issues.push_back({"mqtt.tls", "is only used with an ssl:// URL"});
  }
}

}  // namespace sb::adapters
