// SPDX-License-Identifier: Apache-2.0
// Telemetry and events to the cloud broker without loss: every record is committed to the
// SQLite outbox first, then published with QoS 1 in sequence order and deleted on its PUBACK.
// After an outage or a crash the backlog drains in order, at most `drain_per_s`, at most
// `max_inflight` unacknowledged. Runs on the event loop; Paho's threads only post to it.
// Topics and payloads: docs/points.md, docs/mqtt.md.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/ha_discovery.hpp"
#include "sunbridge/adapters/mqtt_client.hpp"
#include "sunbridge/adapters/outbox.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/event.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/domain/point_store.hpp"

namespace sb::app {

class CloudLink {
 public:
  CloudLink(const adapters::MqttConfig& config, adapters::SqliteDb& db, EventLoop& loop,
            const Clock& clock, Logger& log, domain::PointStore& points);
  ~CloudLink();

  // Connects once the device id is known (configured, or the inverter serial).
  void start(const std::string& device_id);
  [[nodiscard]] bool started() const { return client_ != nullptr; }
  // Records (and then publishes) a telemetry snapshot: ok values as numbers/text, stale or
  // invalid ones as null ("unavailable", points.md).
  void record_telemetry(const std::vector<Point>& points, WallTime ts);
  // The checks the daemon runs: announced to Home Assistant as problem binary sensors.
  void set_check_names(std::vector<std::string> names) { check_names_ = std::move(names); }
  // The packs the BMS link reads (none without one), before start(): a pack remembered from an
  // earlier run but no longer configured has its Home Assistant configs removed.
  void set_configured_packs(std::set<int> packs) { configured_packs_ = std::move(packs); }
  void record_event(const Event& event);
  // One message per pack whose values are current ({prefix}/{device}/battery/{N}).
  void record_packs(const std::vector<Point>& points, WallTime ts);
  [[nodiscard]] std::string topic(const std::string& leaf) const;
  [[nodiscard]] const std::string& device_id() const { return device_id_; }

  // Subscribes {prefix}/{device}/{leaf_filter} (QoS 1) once started, again after every
  // reconnect; `handler` runs on the loop with the full topic.
  void subscribe(const std::string& leaf_filter, adapters::MqttClient::Handler handler);
  // A command result ({prefix}/{device}/cmd/result) through the outbox: kind "result", never
  // dropped by the cap.
  void record_result(const nlohmann::json& body);
  // Retained state ({prefix}/{device}/{leaf}, e.g. settings/reported): published now when
  // connected and again after every connect; only the newest matters, so it skips the outbox.
  void publish_state(const std::string& leaf, const std::string& payload);

 private:
  void append(const std::string& leaf, const std::string& kind, const nlohmann::json& body);
  void drain();
  void schedule_drain(std::chrono::milliseconds delay);
  void refused(std::int64_t seq, const std::string& topic, const Error& why);
  void publish_points();
  // Home Assistant's configs, retained: all of them (after a connect, when Home Assistant comes
  // back), or one pack's when it is first read or its serial changes.
  void publish_discovery();
  void publish_pack_discovery(int pack);
  [[nodiscard]] adapters::DiscoveryContext discovery_context() const;
  // Sends one config and counts it among those the broker holds (the memory below); true if
  // that changed the memory, which the caller then saves. Removals are listed by retract_pack
  // or at the start, and sent by send_retractions (on every connect too).
  bool announce(adapters::DiscoveryMessage message);
  void send_retractions();
  // The configs that should be on the broker (none with discovery off): the inverter's, the
  // checks' and those of the packs announced before.
  [[nodiscard]] std::set<std::string> wanted_configs(bool discovery_on) const;
  // Retained messages (state, Home Assistant's configs) go out a few at a time, in order: a
  // burst of them (15 packs are 60 configs) would overflow the MQTT client's buffer, which
  // refuses what comes beyond it.
  void send_retained(std::string topic, std::string payload);
  void flush_retained();
  void schedule_retained_retry();

  std::vector<std::pair<std::string, adapters::MqttClient::Handler>> subscriptions_;
  std::map<std::string, std::string> state_;  // leaf -> retained payload
  // Home Assistant's configs as the broker holds them, kept in the database across restarts: a
  // pack swapped while the daemon was stopped is found at its first reading, and a config no
  // longer wanted (a pack or a check taken out, discovery turned off) is removed at the start.
  void load_discovery_memory();
  void save_discovery_memory();
  void retract_pack(int pack, const std::string& battery_id);
  std::map<int, std::string> packs_announced_;  // pack -> battery_id in discovery
  std::set<int> packs_read_;                    // packs with a reading since the start
  std::set<int> configured_packs_;
  std::set<std::string> announced_;  // config topics sent with a payload, not removed since
  // Configs announced under an id that has since changed ("pack-1" until the serial was read,
  // a swapped pack's old serial): an empty retained config removes each from the broker, so
  // Home Assistant drops the entity. A topic stays here, and in the database, until the broker
  // acknowledged its removal: a removal lost with a connection or a restart is sent again.
  std::set<std::string> retractions_;
  struct Retained {
    std::string topic, payload;
    std::uint64_t generation = 0;  // a failed send is repeated only if nothing newer came
  };
  std::deque<Retained> retained_queue_;                       // not yet handed to the client
  std::map<std::string, std::uint64_t> retained_generation_;  // topic -> latest asked for
  int retained_inflight_ = 0;                                 // handed to it, not yet acknowledged
  bool retained_retry_scheduled_ = false;
  const adapters::MqttConfig& config_;
  adapters::SqliteDb& db_;
  adapters::Outbox outbox_;
  EventLoop& loop_;
  const Clock& clock_;
  Logger& log_;
  domain::PointStore& points_;
  std::string device_id_;
  std::unique_ptr<adapters::MqttClient> client_;
  std::int64_t backlog_ = 0;
  std::int64_t sent_upto_ = 0;  // highest seq handed to the client on this connection
  int inflight_ = 0;
  std::uint64_t connection_ = 0;  // bumps on every loss: late completions are ignored
  double tokens_ = 0;
  MonoTime refilled_{};
  bool drain_scheduled_ = false;
  std::int64_t dropped_ = 0;
  std::int64_t refused_ = 0;              // records the broker refused for good
  std::set<std::string> refused_topics_;  // logged once each
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::vector<std::string> check_names_;
};

}  // namespace sb::app
