// SPDX-License-Identifier: Apache-2.0
// The "checks" section: thresholds, hysteresis and minimum durations, with the site's values as
// defaults (docs/checks.md).
#include "sunbridge/adapters/config.hpp"

namespace sb::adapters {

using nlohmann::json;
using schema::Schema;

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
  });
}

void read_checks(const json& j, const std::vector<int>& pack_addresses,
                 domain::checks::ChecksConfig& c, schema::Issues& issues) {
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
