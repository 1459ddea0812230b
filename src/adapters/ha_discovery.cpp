// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/ha_discovery.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

namespace sb::adapters {

using nlohmann::json;

namespace {

struct Sensor {
  const char* point;  // points.md name
  const char* name;
  const char* unit;          // "" = none
  const char* device_class;  // "" = none
};

// The main points (points.md) and the profile engine's parameters.
const Sensor kInverter[] = {
    {"battery.soc", "Battery SOC", "%", "battery"},
    {"battery.voltage", "Battery voltage", "V", "voltage"},
    {"battery.current", "Battery current", "A", "current"},
    {"battery.power", "Battery power", "W", "power"},
    {"pv.power", "PV power", "W", "power"},
    {"load.power", "Load power", "W", "power"},
    {"grid.power", "Grid power", "W", "power"},
    {"grid.frequency", "Grid frequency", "Hz", "frequency"},
    {"energy.pv.today", "PV energy today", "kWh", "energy"},
    {"energy.load.today", "Load energy today", "kWh", "energy"},
    {"energy.grid.today", "Grid energy today", "kWh", "energy"},
    // The gateway's own counters for the energy dashboard: never decreasing, kept across
    // restarts and inverter counter resets; import/export and battery in/out separate.
    {"energy.pv.lifetime", "PV energy", "kWh", "energy"},
    {"energy.load.lifetime", "Load energy", "kWh", "energy"},
    {"energy.grid.import.lifetime", "Grid import", "kWh", "energy"},
    {"energy.grid.export.lifetime", "Grid export", "kWh", "energy"},
    {"energy.battery.charge.lifetime", "Battery charge", "kWh", "energy"},
    {"energy.battery.discharge.lifetime", "Battery discharge", "kWh", "energy"},
    {"inverter.state", "Inverter state", "", ""},
    {"profile.active", "Active profile", "", ""},
    // The energy dashboard's "use an entity with the current price".
    {"tariff.price", "Electricity price", "JPY/kWh", ""},
    {"tariff.band", "Tariff band", "", ""},
    {"setting.p07", "Max charge current (07)", "A", "current"},
    {"setting.p10", "Absorption time (10)", "min", "duration"},
    {"setting.p41", "Slot 1 charge end (41)", "", ""},
    {"setting.p62", "Switch back to battery SOC (62)", "%", "battery"},
};

std::string object_id(const std::string& s) {
  std::string out;
  for (char c : s)
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
               : '_';
  return out;
}

json device(const DiscoveryContext& ctx) {
  return {{"identifiers", json::array({"sunbridge_" + object_id(ctx.device_id)})},
          {"name", "sunbridge " + ctx.device_id},
          {"manufacturer", "LVYUAN (SRNE)"},
          {"model", "SPI-10K-U"}};
}

DiscoveryMessage make(const DiscoveryContext& ctx, const std::string& uid, const std::string& name,
                      const std::string& state_topic, const std::string& tmpl, const char* unit,
                      const char* device_class) {
  json c = {{"name", name},
            {"unique_id", uid},
            {"object_id", uid},
            {"state_topic", state_topic},
            {"value_template", tmpl},
            {"availability_topic", ctx.prefix + "/" + ctx.device_id + "/status"},
            {"payload_available", "online"},
            {"payload_not_available", "offline"},
            // Values older than this show as unavailable in Home Assistant too.
            {"expire_after", ctx.expire_after.count()},
            {"device", device(ctx)}};
  if (*unit != 0) {
    c["unit_of_measurement"] = unit;
    c["state_class"] = std::string(device_class) == "energy" ? "total_increasing" : "measurement";
  }
  if (*device_class != 0) c["device_class"] = device_class;
  return {ctx.discovery_prefix + "/sensor/" + uid + "/config", c.dump()};
}

}  // namespace

std::vector<DiscoveryMessage> inverter_discovery(const DiscoveryContext& ctx) {
  std::vector<DiscoveryMessage> out;
  const std::string state = ctx.prefix + "/" + ctx.device_id + "/telemetry";
  for (const Sensor& s : kInverter) {
    const std::string uid = "sunbridge_" + object_id(ctx.device_id) + "_" + object_id(s.point);
    out.push_back(make(ctx, uid, s.name, state,
                       "{{ value_json.points['" + std::string(s.point) + "'] }}", s.unit,
                       s.device_class));
  }
  return out;
}

std::vector<DiscoveryMessage> check_discovery(const DiscoveryContext& ctx,
                                              const std::vector<std::string>& check_names) {
  std::vector<DiscoveryMessage> out;
  const std::string state = ctx.prefix + "/" + ctx.device_id + "/telemetry";
  for (const std::string& name : check_names) {
    const std::string point = "check." + name + ".state";
    const std::string uid = "sunbridge_" + object_id(ctx.device_id) + "_" + object_id(point);
    DiscoveryMessage m = make(ctx, uid, "Check " + name, state,
                              "{% set s = value_json.points.get('" + point +
                                  "') %}{{ 'ON' if s in ['warning', 'critical'] else 'OFF' }}",
                              "", "problem");
    m.topic = ctx.discovery_prefix + "/binary_sensor/" + uid + "/config";
    json c = json::parse(m.payload);
    c["payload_on"] = "ON";
    c["payload_off"] = "OFF";
    m.payload = c.dump();
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<DiscoveryMessage> pack_discovery(const DiscoveryContext& ctx, int pack,
                                             const std::string& battery_id) {
  std::vector<DiscoveryMessage> out;
  const std::string state = ctx.prefix + "/" + ctx.device_id + "/battery/" + std::to_string(pack);
  const Sensor fields[] = {{"soc", "SOC", "%", "battery"},
                           {"power_output", "power output", "W", "power"},
                           {"temperature", "temperature", "C", "temperature"},
                           {"health_score", "health score", "", ""}};
  for (const Sensor& f : fields) {
    const std::string uid =
        "sunbridge_" + object_id(ctx.device_id) + "_pack_" + object_id(battery_id) + "_" + f.point;
    out.push_back(make(ctx, uid, "Pack " + std::to_string(pack) + " " + f.name, state,
                       "{{ value_json." + std::string(f.point) + " }}",
                       std::string(f.unit) == "C" ? "°C" : f.unit, f.device_class));
  }
  return out;
}

}  // namespace sb::adapters
