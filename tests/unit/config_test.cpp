// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "issues.hpp"

#include "sunbridge/adapters/config.hpp"

using namespace sb::adapters;

TEST_CASE("an empty configuration gives the embedded defaults", "[unit][config]") {
  Config c = default_config();
  CHECK(c.inverter.device == "/dev/ttyUSB0");
  CHECK(c.inverter.endpoint.serial->baud == 9600);
  CHECK(c.inverter.endpoint.serial->parity == 'N');
  CHECK(c.inverter.slave == 1);
  CHECK(c.inverter.poll_interval == std::chrono::seconds(10));
  CHECK(c.inverter.settings_interval == std::chrono::seconds(300));
  CHECK(c.inverter.timing.response_timeout == std::chrono::seconds(1));
  CHECK(c.inverter.link.inter_transaction_gap == std::chrono::milliseconds(200));
  CHECK(c.inverter.link.voltage_scale == sb::protocol::VoltageScale::kAuto);
  CHECK(c.storage.path == "/var/lib/sunbridge/sunbridge.db");
  CHECK(c.ipc.socket == "/run/sunbridge/sunbridged.sock");
  // The CLI without --config uses the plain struct's socket (it skips the schema): the same.
  CHECK(Config{}.ipc.socket == c.ipc.socket);
  CHECK(c.site.timezone == "Asia/Tokyo");
  CHECK(c.effective["inverter"]["baud"] == 9600);
}

TEST_CASE("every configuration problem is reported at once with its path", "[unit][config]") {
  auto load = load_config_text(R"({
    "inverter": {"baud": 9601, "slave": 300, "poll_intervall": 5, "voltage_scale": "volts",
                 "device": "tcp://host"},
    "storage": {"path": 7},
    "site": {"timezone": "Mars/Olympus"},
    "mqttt": {}
  })",
                               "");
  REQUIRE_FALSE(load.config.has_value());
  CHECK(sb::test::has_issue(load.issues, "inverter.baud", "standard baud"));
  CHECK(sb::test::has_issue(load.issues, "inverter.slave", "must be in [1, 255]"));
  CHECK(
      sb::test::has_issue(load.issues, "inverter.poll_intervall", "did you mean 'poll_interval'"));
  CHECK(sb::test::has_issue(load.issues, "inverter.voltage_scale",
                            "must be one of auto, normalized, real"));
  CHECK(sb::test::has_issue(load.issues, "inverter.device", "tcp://host:port"));
  CHECK(sb::test::has_issue(load.issues, "storage.path", "expected a string"));
  CHECK(sb::test::has_issue(load.issues, "site.timezone", "unknown time zone"));
  CHECK(sb::test::has_issue(load.issues, "mqttt", "did you mean 'mqtt'"));
  CHECK(load.issues.size() == 8);
}

TEST_CASE("relations between fields are checked", "[unit][config]") {
  auto load = load_config_text(R"({"inverter": {"byte_timeout_ms": 2000, "response_timeout_ms": 500,
      "backoff_min_ms": 9000, "backoff_max_ms": 100, "poll_interval": 600, "settings_interval": 300}})",
                               "");
  REQUIRE_FALSE(load.config.has_value());
  CHECK(sb::test::has_issue(load.issues, "inverter.byte_timeout_ms", "must not exceed"));
  CHECK(sb::test::has_issue(load.issues, "inverter.backoff_min_ms", "must not exceed"));
  CHECK(sb::test::has_issue(load.issues, "inverter.poll_interval", "must not exceed"));
}

TEST_CASE("relative paths resolve against the configuration file's directory", "[unit][config]") {
  auto load = load_config_text(R"({"inverter": {"device": "sim/inverter.tty", "lock_dir": "."},
      "storage": {"path": "data/sb.db"}, "ipc": {"socket": "/run/x.sock"}})",
                               "/etc/sunbridge");
  REQUIRE(load.config.has_value());
  CHECK(load.config->inverter.device == "/etc/sunbridge/sim/inverter.tty");
  CHECK(load.config->inverter.lock_dir == "/etc/sunbridge");
  CHECK(load.config->storage.path == "/etc/sunbridge/data/sb.db");
  CHECK(load.config->ipc.socket == "/run/x.sock");
  auto tcp = load_config_text(R"({"inverter": {"device": "tcp://127.0.0.1:1502"}})", "/etc");
  REQUIRE(tcp.config.has_value());
  CHECK(tcp.config->inverter.endpoint.tcp->port == 1502);
  CHECK_FALSE(tcp.config->inverter.endpoint.serial.has_value());
}

TEST_CASE("fractional poll intervals are milliseconds", "[unit][config]") {
  auto load = load_config_text(R"({"inverter": {"poll_interval": 0.25}})", "");
  REQUIRE(load.config.has_value());
  CHECK(load.config->inverter.poll_interval == std::chrono::milliseconds(250));
}

TEST_CASE("a missing file is one clear problem", "[unit][config]") {
  auto load = load_config_file("/nonexistent/sunbridge.json");
  REQUIRE(load.issues.size() == 1);
  CHECK(load.issues[0].message.find("cannot read /nonexistent/sunbridge.json") !=
        std::string::npos);
}

TEST_CASE("secrets are redacted in the effective configuration", "[unit][config]") {
  nlohmann::json doc = {
      {"mqtt", {{"password", "hunter2"}, {"username", "u"}, {"tls", {{"key", "/k"}}}}},
      {"auth", {{"owner_key", "abc"}, {"keys", {1, 2}}}}};
  auto r = redacted(doc);
  CHECK(r["mqtt"]["password"] == "***");
  CHECK(r["mqtt"]["username"] == "u");
  CHECK(r["mqtt"]["tls"]["key"] == "***");
  CHECK(r["auth"]["owner_key"] == "***");
  CHECK(r.dump().find("hunter2") == std::string::npos);
}

TEST_CASE("bms section: modes, required device, never the inverter's port", "[unit][config]") {
  auto load = load_config_text(R"({"inverter": {"device": "/dev/ttyUSB0"},
      "bms": {"mode": "modbus", "frame_gap_ms": 20, "master": 5, "packs": 4}})",
                               "/etc");
  REQUIRE_FALSE(load.config.has_value());
  CHECK(sb::test::has_issue(load.issues, "bms.frame_gap_ms", "must be in [100, 5000]"));
  load = load_config_text(R"({"inverter": {"device": "/dev/ttyUSB0"},
      "bms": {"mode": "sniff", "device": "/dev/ttyUSB0"}})",
                          "/etc");
  REQUIRE_FALSE(load.config.has_value());
  CHECK(sb::test::has_issue(load.issues, "bms.device", "never a second master"));
  load = load_config_text(R"({"bms": {"mode": "ascii", "master": 5}})", "/etc");
  CHECK(sb::test::has_issue(load.issues, "bms.device", "is required"));
  CHECK(sb::test::has_issue(load.issues, "bms.master", "one of the packs"));
  load = load_config_text(R"({"bms": {"mode": "sniff", "device": "tap.tty", "packs": 2,
      "cross_check": {"soc_gap_pct": 8}}})",
                          "/etc/sunbridge");
  REQUIRE(load.config.has_value());
  const auto& b = load.config->bms;
  CHECK(b.options.mode == sb::device::BmsMode::kSniff);
  CHECK(b.device == "/etc/sunbridge/tap.tty");
  CHECK(b.options.addresses == std::vector<int>{1, 2});
  CHECK(b.options.frame_gap == std::chrono::milliseconds(100));
  CHECK(b.options.response_timeout == std::chrono::milliseconds(200));
  CHECK(b.cross_check.soc_gap_pct == 8);
  CHECK(b.cross_check.sustain == std::chrono::seconds(600));
  CHECK(default_config().bms.options.mode == sb::device::BmsMode::kNone);
}

TEST_CASE("the checks section: site defaults, strict keys, relations", "[unit][config]") {
  auto load = load_config_text("{}", "");
  REQUIRE(load.config);
  const auto& c = load.config->checks;
  CHECK(c.enabled);
  CHECK(c.voltage.declared_leg_v == 101.0);
  CHECK(c.voltage.dip_pct == 90.0);
  CHECK(c.frequency_band_hz == 0.2);
  CHECK(c.battery_warning_c == 25.0);
  CHECK(c.packs == std::vector<int>{1, 2, 3, 4});
  load = load_config_text(R"({"checks": {"dip_pct": 120, "swel_pct": 111}})", "");
  REQUIRE_FALSE(load.config);
  CHECK(sb::test::has_issue(load.issues, "checks.dip_pct", ""));
  CHECK(sb::test::has_issue(load.issues, "checks.swel_pct", ""));  // unknown key
  load = load_config_text(
      R"({"checks": {"battery_warning_c": 45, "battery_critical_c": 40, "inverter_warning_c": 80}})",
      "");
  REQUIRE_FALSE(load.config);
  CHECK(sb::test::has_issue(load.issues, "checks.battery_warning_c", "must be below"));
  CHECK(sb::test::has_issue(load.issues, "checks.inverter_warning_c", "must be below"));
}

TEST_CASE("the checks' charging rules, cabinet fan and early warnings: defaults and every problem",
          "[unit][config]") {
  auto load = load_config_text("{}", "");
  REQUIRE(load.config);
  const auto& c = load.config->checks;
  CHECK(c.charging.derate);
  CHECK(c.charging.freeze_c == 0.0);
  CHECK(c.charging.reduced_a == 20.0);
  CHECK(c.charging.hold == std::chrono::seconds(1800));
  CHECK_FALSE(c.fan.enabled);
  CHECK(load.config->cooling.backend == "none");
  CHECK(c.fan_health.enabled);
  CHECK(c.daily.morning_drop_pct == 10.0);
  CHECK(c.slots.min_nights == 3);
  CHECK(c.band.leg_tolerance_v == 6.0);

  load = load_config_text(
      R"({"checks": {"fan": {"backend": "command", "command": ["/usr/local/bin/relay", "1"],
                             "on_c": 40, "off_c": 33},
                     "charging": {"reduced_a": 15}}})",
      "");
  REQUIRE(load.config);
  CHECK(load.config->checks.fan.enabled);
  CHECK(load.config->checks.fan.on_c == 40.0);
  CHECK(load.config->cooling.command == std::vector<std::string>{"/usr/local/bin/relay", "1"});
  CHECK(load.config->checks.charging.reduced_a == 15.0);

  // Every problem at once: zones out of order, a fan that cannot switch, a plug in clear text
  // across the LAN, an unknown key deep inside.
  load = load_config_text(
      R"({"checks": {"charging": {"freeze_c": 6, "resume_c": 5},
                     "fan": {"backend": "mqtt", "off_c": 36,
                             "mqtt": {"url": "tcp://192.168.1.20:1883", "topc": "x"}},
                     "early_warnings": {"swing_v": 0}}})",
      "");
  REQUIRE_FALSE(load.config);
  CHECK(sb::test::has_issue(load.issues, "checks.fan.mqtt.topc", ""));
  CHECK(sb::test::has_issue(load.issues, "checks.early_warnings.swing_v", ""));
  load = load_config_text(
      R"({"checks": {"charging": {"freeze_c": 6, "resume_c": 5},
                     "fan": {"backend": "mqtt", "off_c": 36,
                             "mqtt": {"url": "tcp://192.168.1.20:1883"}}}})",
      "");
  REQUIRE_FALSE(load.config);
  CHECK(sb::test::has_issue(load.issues, "checks.charging", "freeze_c < resume_c"));
  CHECK(sb::test::has_issue(load.issues, "checks.fan.off_c", "must be below on_c"));
  CHECK(sb::test::has_issue(load.issues, "checks.fan.mqtt.url", "plaintext"));
  CHECK(sb::test::has_issue(load.issues, "checks.fan.mqtt.topic", "required"));
  load = load_config_text(R"({"checks": {"fan": {"backend": "command"}}})", "");
  REQUIRE_FALSE(load.config);
  CHECK(sb::test::has_issue(load.issues, "checks.fan.command", "required"));
}

TEST_CASE("the email and notify sections: defaults, required pairs, addresses, secrets",
          "[unit][config]") {
  auto ok = load_config_text(R"({"email": {"url": "smtps://mail.example.com:465",
      "from": "sunbridge <gw@example.com>", "to": ["owner@example.com"], "username": "gw",
      "password": "hunter2"}, "notify": {"command": ["/usr/local/bin/hook"], "group_s": 30}})",
                             "");
  REQUIRE(ok.issues.empty());
  REQUIRE(ok.config);
  CHECK(ok.config->email.enabled);
  CHECK(ok.config->email.password == "hunter2");
  CHECK(ok.config->email.daily_report);
  CHECK(ok.config->notify.min_severity == sb::Severity::kWarning);
  CHECK(ok.config->notify.group == std::chrono::seconds(30));
  CHECK(ok.config->notify.command == std::vector<std::string>{"/usr/local/bin/hook"});
  CHECK(redacted(ok.config->effective)["email"]["password"] == "***");
  CHECK_FALSE(default_config().email.enabled);

  auto bad =
      load_config_text(R"({"email": {"url": "http://mail.example.com", "to": ["not an address"],
      "port": 25}, "notify": {"min_severity": "loud", "max_per_hour": 0}})",
                       "");
  std::set<std::string> paths;
  for (const auto& i : bad.issues)
    paths.insert(i.path);
  INFO(sb::schema::format_issues(bad.issues, "x.json"));
  CHECK(paths.count("email.url"));
  CHECK(paths.count("email.port"));  // unknown key
  CHECK(paths.count("notify.min_severity"));
  CHECK(paths.count("notify.max_per_hour"));

  auto missing = load_config_text(R"({"email": {"url": "smtp://127.0.0.1:2525",
      "to": ["bad@"]}})",
                                  "");
  paths.clear();
  for (const auto& i : missing.issues)
    paths.insert(i.path);
  CHECK(paths.count("email.to[0]"));
  auto pairs = load_config_text(R"({"email": {"url": "smtp://127.0.0.1:2525",
      "to": ["owner@example.com"]}})",
                                "");
  REQUIRE(pairs.issues.size() == 1);
  CHECK(pairs.issues[0].path == "email.from");
  auto orphan = load_config_text(R"({"email": {"to": ["owner@example.com"]}})", "");
  REQUIRE(orphan.issues.size() == 1);
  CHECK(orphan.issues[0].message == "needs email.url");
}
