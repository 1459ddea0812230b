// SPDX-License-Identifier: Apache-2.0
// Home Assistant MQTT discovery: retained config messages that make the main points, each pack
// and the four profile parameters appear as (read-only) sensors. Unique ids come from the
// inverter serial and the pack ids, so two gateways never collide.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace sb::adapters {

struct DiscoveryContext {
  std::string discovery_prefix = "homeassistant";
  std::string prefix = "sunbridge";  // the device's own topics
  std::string device_id;             // the inverter serial (or configured id)
  std::chrono::seconds expire_after{190};
};

struct DiscoveryMessage {
  std::string topic;
  std::string payload;  // JSON, published retained
};

// The inverter's sensors (telemetry topic) and the profile parameters.
std::vector<DiscoveryMessage> inverter_discovery(const DiscoveryContext& ctx);
// One problem binary sensor per check (`check_names`: "pq.voltage", ...): on while the check's
// level is warning or critical (the check.NAME.state point in the telemetry).
std::vector<DiscoveryMessage> check_discovery(const DiscoveryContext& ctx,
                                              const std::vector<std::string>& check_names);
// One pack's sensors (battery/{pack} topic); `battery_id` is the pack serial.
std::vector<DiscoveryMessage> pack_discovery(const DiscoveryContext& ctx, int pack,
                                             const std::string& battery_id);

}  // namespace sb::adapters
