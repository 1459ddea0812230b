// SPDX-License-Identifier: Apache-2.0
// The "checks" section: thresholds, hysteresis and minimum durations, with the site's values as
// defaults (docs/checks.md).
#include "sunbridge/adapters/config.hpp"

namespace sb::adapters {

using nlohmann::json;
using schema::Schema;

namespace {

Schema charging_schema() {
  return Schema::object({
      schema::optional("derate", Schema::boolean().with_default(true)),
      schema::optional("freeze_c", Schema::number(-20, 10).with_default(0.0)),
      schema::optional("resume_c", Schema::number(-20, 20).with_default(5.0)),
      schema::optional("cool_c", Schema::number(-10, 30).with_default(10.0)),
      schema::optional("hot_c", Schema::number(30, 70).with_default(45.0)),
      schema::optional("reduced_a", Schema::number(0, 200).with_default(20.0)),
      schema::optional("bms_margin_a", Schema::number(0, 100).with_default(5.0)),
      schema::optional("hold_s", Schema::integer(0, 86400).with_default(1800)),
  });
}

Schema fan_schema() {
  return Schema::object({
      schema::optional("backend",
                       Schema::choice({"none", "gpio", "mqtt", "command"}).with_default("none")),
      schema::optional("on_c", Schema::number(0, 80).with_default(35.0)),
      schema::optional("off_c", Schema::number(0, 80).with_default(30.0)),
      schema::optional("min_on_s", Schema::integer(0, 86400).with_default(300)),
      schema::optional("min_off_s", Schema::integer(0, 86400).with_default(300)),
      schema::optional("points",
                       Schema::array_of(Schema::string(1, 64)).with_default(json::array())),
      schema::optional("on_exit", Schema::choice({"off", "on", "leave"}).with_default("off")),
      schema::optional(
          "gpio", Schema::object({
                      schema::optional("chip", Schema::string(1, 64).with_default("gpiochip0")),
                      schema::optional("line", Schema::integer(0, 1023).with_default(17)),
                      schema::optional("active_low", Schema::boolean().with_default(false)),
                  })),
      schema::optional(
          "mqtt",
          Schema::object({
              schema::optional("url", Schema::string(0, 512).with_default("")),
              schema::optional("client_id", Schema::string(0, 64).with_default("sunbridge-fan")),
              schema::optional("username", Schema::string(0, 256).with_default("")),
              schema::optional("password", Schema::string(0, 256).with_default("")),
              schema::optional("topic", Schema::string(0, 256).with_default("")),
              schema::optional("payload_on", Schema::string(1, 64).with_default("ON")),
              schema::optional("payload_off", Schema::string(1, 64).with_default("OFF")),
              schema::optional("retain", Schema::boolean().with_default(true)),
              schema::optional("allow_plaintext", Schema::boolean().with_default(false)),
          })),
      schema::optional("command",
                       Schema::array_of(Schema::string(1, 1024)).with_default(json::array())),
  });
}

Schema fan_health_schema() {
  return Schema::object({
      schema::optional("enabled", Schema::boolean().with_default(true)),
      schema::optional("sample_every_s", Schema::integer(0, 3600).with_default(300)),
      schema::optional("min_samples", Schema::integer(1, 10000).with_default(24)),
      schema::optional("min_margin_c", Schema::number(0.5, 30).with_default(3.0)),
      schema::optional("sustain_s", Schema::integer(0, 86400).with_default(1800)),
  });
}

Schema early_warnings_schema() {
  return Schema::object({
      schema::optional("morning_drop_pct", Schema::number(1, 100).with_default(10.0)),
      schema::optional("late_by_min", Schema::integer(10, 600).with_default(60)),
      schema::optional("swing_v", Schema::number(0.1, 10).with_default(1.0)),
      schema::optional("soc_margin_pct", Schema::number(1, 100).with_default(10.0)),
      schema::optional("rest_s", Schema::integer(0, 86400).with_default(1800)),
      schema::optional("pv_drop_pct", Schema::number(1, 100).with_default(20.0)),
      schema::optional("slot_min_nights", Schema::integer(1, 14).with_default(3)),
  });
}

// A section the user left out is read with its defaults filled in.
const json& section(const json& j, const char* key) {
  static const json kEmpty = json::object();
  return j.contains(key) ? j[key] : kEmpty;
}

}  // namespace

Schema checks_section_schema() {
  return Schema::object({
      schema::optional("enabled", Schema::boolean().with_default(true)),
      schema::optional("declared_leg_v", Schema::number(50, 300).with_default(101.0)),
      schema::optional("declared_l12_v", Schema::number(100, 600).with_default(202.0)),
      schema::optional("dip_pct", Schema::number(50, 99).with_default(90.0)),
      schema::optional("swell_pct", Schema::number(101, 150).with_default(110.0)),
      schema::optional("interruption_pct", Schema::number(1, 49).with_default(5.0)),
      schema::optional("hysteresis_pct", Schema::number(0.5, 10).with_default(2.0)),
      schema::optional("frequency_hz", Schema::number(45, 65).with_default(60.0)),
      schema::optional("frequency_band_hz", Schema::number(0.01, 5).with_default(0.2)),
      schema::optional("frequency_min_duration_s", Schema::integer(0, 3600).with_default(10)),
      schema::optional("battery_warning_c", Schema::number(0, 80).with_default(25.0)),
      schema::optional("battery_critical_c", Schema::number(0, 80).with_default(40.0)),
      schema::optional("inverter_warning_c", Schema::number(20, 120).with_default(55.0)),
      schema::optional("inverter_critical_c", Schema::number(20, 120).with_default(70.0)),
      schema::optional("temperature_min_duration_s", Schema::integer(0, 86400).with_default(60)),
      schema::optional("statutory_leg_tolerance_v", Schema::number(1, 50).with_default(6.0)),
      schema::optional("statutory_l12_tolerance_v", Schema::number(1, 100).with_default(20.0)),
      schema::optional("charging", charging_schema()),
      schema::optional("fan", fan_schema()),
      schema::optional("fan_health", fan_health_schema()),
      schema::optional("early_warnings", early_warnings_schema()),
  });
}

void read_checks(const json& j, const std::vector<int>& pack_addresses,
                 domain::checks::ChecksConfig& c, CoolingConfig& cooling, schema::Issues& issues) {
  c.enabled = j["enabled"].get<bool>();
  c.voltage.declared_leg_v = j["declared_leg_v"].get<double>();
  c.voltage.declared_l12_v = j["declared_l12_v"].get<double>();
  c.voltage.dip_pct = j["dip_pct"].get<double>();
  c.voltage.swell_pct = j["swell_pct"].get<double>();
  c.voltage.interruption_pct = j["interruption_pct"].get<double>();
  c.voltage.hysteresis_pct = j["hysteresis_pct"].get<double>();
  c.frequency_hz = j["frequency_hz"].get<double>();
  c.frequency_band_hz = j["frequency_band_hz"].get<double>();
  c.frequency_min_duration = std::chrono::seconds(j["frequency_min_duration_s"].get<int>());
  c.battery_warning_c = j["battery_warning_c"].get<double>();
  c.battery_critical_c = j["battery_critical_c"].get<double>();
  c.inverter_warning_c = j["inverter_warning_c"].get<double>();
  c.inverter_critical_c = j["inverter_critical_c"].get<double>();
  c.temperature_min_duration = std::chrono::seconds(j["temperature_min_duration_s"].get<int>());
  c.packs = pack_addresses;
  c.band.leg_v = c.voltage.declared_leg_v;
  c.band.l12_v = c.voltage.declared_l12_v;
  c.band.leg_tolerance_v = j["statutory_leg_tolerance_v"].get<double>();
  c.band.l12_tolerance_v = j["statutory_l12_tolerance_v"].get<double>();

  const json& ch = section(j, "charging");
  c.charging.derate = ch["derate"].get<bool>();
  c.charging.freeze_c = ch["freeze_c"].get<double>();
  c.charging.resume_c = ch["resume_c"].get<double>();
  c.charging.cool_c = ch["cool_c"].get<double>();
  c.charging.hot_c = ch["hot_c"].get<double>();
  c.charging.reduced_a = ch["reduced_a"].get<double>();
  c.charging.bms_margin_a = ch["bms_margin_a"].get<double>();
  c.charging.hold = std::chrono::seconds(ch["hold_s"].get<int>());
  if (!(c.charging.freeze_c < c.charging.resume_c && c.charging.resume_c <= c.charging.cool_c)) {
    issues.push_back({"checks.charging", "needs freeze_c < resume_c <= cool_c"});
  }

  const json& f = section(j, "fan");
  cooling.backend = f["backend"].get<std::string>();
  cooling.on_exit = f["on_exit"].get<std::string>();
  c.fan.enabled = cooling.backend != "none";
  c.fan.on_c = f["on_c"].get<double>();
  c.fan.off_c = f["off_c"].get<double>();
  c.fan.min_on = std::chrono::seconds(f["min_on_s"].get<int>());
  c.fan.min_off = std::chrono::seconds(f["min_off_s"].get<int>());
  c.fan.points = f["points"].get<std::vector<std::string>>();
  if (c.fan.off_c >= c.fan.on_c) issues.push_back({"checks.fan.off_c", "must be below on_c"});
  const json& gpio = section(f, "gpio");
  cooling.gpio_chip = gpio["chip"].get<std::string>();
  cooling.gpio_line = gpio["line"].get<unsigned>();
  cooling.gpio_active_low = gpio["active_low"].get<bool>();
  const json& mq = section(f, "mqtt");
  cooling.mqtt.url = mq["url"].get<std::string>();
  cooling.mqtt.client_id = mq["client_id"].get<std::string>();
  cooling.mqtt.username = mq["username"].get<std::string>();
  cooling.mqtt.password = mq["password"].get<std::string>();
  cooling.mqtt_topic = mq["topic"].get<std::string>();
  cooling.payload_on = mq["payload_on"].get<std::string>();
  cooling.payload_off = mq["payload_off"].get<std::string>();
  cooling.mqtt_retain = mq["retain"].get<bool>();
  cooling.command = f["command"].get<std::vector<std::string>>();
  if (cooling.backend == "mqtt") {
    if (cooling.mqtt.url.rfind("tcp://", 0) != 0 && cooling.mqtt.url.rfind("ssl://", 0) != 0) {
      issues.push_back({"checks.fan.mqtt.url", "expected tcp://host:port or ssl://host:port"});
    } else if (cooling.mqtt.url.rfind("tcp://", 0) == 0 && !is_loopback_url(cooling.mqtt.url) &&
               !mq["allow_plaintext"].get<bool>()) {
      issues.push_back({"checks.fan.mqtt.url",
                        "plaintext MQTT to a non-loopback broker is refused: use ssl://, or set "
                        "allow_plaintext: true if your plug's broker cannot do TLS"});
    }
    if (cooling.mqtt_topic.empty()) issues.push_back({"checks.fan.mqtt.topic", "is required"});
  }
  if (cooling.backend == "command" && cooling.command.empty()) {
    issues.push_back({"checks.fan.command", "is required: the program to run with on or off"});
  }

  const json& fh = section(j, "fan_health");
  c.fan_health.enabled = fh["enabled"].get<bool>();
  c.fan_health.sample_every = std::chrono::seconds(fh["sample_every_s"].get<int>());
  c.fan_health.min_samples = fh["min_samples"].get<std::size_t>();
  c.fan_health.min_margin_c = fh["min_margin_c"].get<double>();
  c.fan_health.sustain = std::chrono::seconds(fh["sustain_s"].get<int>());

  const json& ew = section(j, "early_warnings");
  c.daily.morning_drop_pct = ew["morning_drop_pct"].get<double>();
  c.daily.late_by = std::chrono::minutes(ew["late_by_min"].get<int>());
  c.daily.pv_drop_pct = ew["pv_drop_pct"].get<double>();
  c.swing.swing_v = ew["swing_v"].get<double>();
  c.ocv.margin_pct = ew["soc_margin_pct"].get<double>();
  c.ocv.rest = std::chrono::seconds(ew["rest_s"].get<int>());
  c.slots.min_nights = ew["slot_min_nights"].get<int>();
  if (c.voltage.interruption_pct >= c.voltage.dip_pct) {
    issues.push_back({"checks.interruption_pct", "must be below dip_pct"});
  }
  if (c.battery_warning_c >= c.battery_critical_c) {
    issues.push_back({"checks.battery_warning_c", "must be below battery_critical_c"});
  }
  if (c.inverter_warning_c >= c.inverter_critical_c) {
    issues.push_back({"checks.inverter_warning_c", "must be below inverter_critical_c"});
  }
}

}  // namespace sb::adapters
