// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/cloud_link.hpp"

#include <cmath>

#include "sunbridge/adapters/ha_discovery.hpp"
#include "sunbridge/adapters/point_json.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/pack_message.hpp"

namespace sb::app {

using nlohmann::json;

namespace {
constexpr const char* kComponent = "mqtt";
// Retained messages unacknowledged at a time. With the outbox's own (max_inflight, 20 by
// default) this stays well inside the client's buffer of 100 messages, which refuses whatever
// comes beyond it, connected or not.
constexpr int kRetainedInFlight = 10;
// The state table's key for what the broker holds of Home Assistant's pack configs.
constexpr const char* kDiscoveryKey = "mqtt.discovery";
}  // namespace

CloudLink::CloudLink(const adapters::MqttConfig& config, adapters::SqliteDb& db, EventLoop& loop,
                     const Clock& clock, Logger& log, domain::PointStore& points)
    : config_(config),
      db_(db),
      outbox_(db),
      loop_(loop),
      clock_(clock),
      log_(log),
      points_(points) {
  if (auto n = outbox_.size()) backlog_ = *n;
  tokens_ = config_.drain_per_s;
  refilled_ = clock_.mono_now();
  publish_points();
}

CloudLink::~CloudLink() {
  *alive_ = false;
  // A clean shutdown does not fire the will: say it ourselves, and wait for its PUBACK (the
  // loop no longer runs; bounded so a dead broker cannot hold up the stop).
  if (client_ && client_->connected()) {
    (void)client_->publish_and_wait(topic("status"), "offline", true, std::chrono::seconds(2));
  }
}

std::string CloudLink::topic(const std::string& leaf) const {
  return config_.prefix + "/" + device_id_ + "/" + leaf;
}

void CloudLink::start(const std::string& device_id) {
  if (client_) return;
  device_id_ = device_id;
  // With discovery off too: what an earlier run announced is removed from the broker.
  load_discovery_memory();
  adapters::MqttSettings s = config_.client;
  if (s.client_id.empty()) s.client_id = device_id_;
  s.will_topic = topic("status");
  client_ = std::make_unique<adapters::MqttClient>(s, loop_, log_);
  client_->on_connected([this] {
    // Retained "online" after every connect; the will says "offline" when we vanish.
    (void)client_->publish(topic("status"), "online", 1, true, nullptr);
    publish_discovery();
    for (const auto& [leaf, payload] : state_)
      send_retained(topic(leaf), payload);
    sent_upto_ = 0;
    inflight_ = 0;
    publish_points();
    drain();
  });
  client_->on_lost([this] {
    ++connection_;
    sent_upto_ = 0;  // what was in flight is sent again, in order (QoS 1: duplicates possible)
    inflight_ = 0;
    retained_inflight_ = 0;  // the connect sends every retained message again
    publish_points();
  });
  if (config_.homeassistant) {
    // Home Assistant restarts without its retained state: announce again when it comes back.
    client_->subscribe(config_.discovery_prefix + "/status", 1,
                       [this](const std::string&, const std::string& payload) {
                         if (payload == "online") publish_discovery();
                       });
  }
  for (const auto& [leaf, handler] : subscriptions_)
    client_->subscribe(topic(leaf), 1, handler);
  log_.info(kComponent, "publishing to " + client_->describe() + " under " + topic(""));
  client_->start();
}

void CloudLink::subscribe(const std::string& leaf_filter, adapters::MqttClient::Handler handler) {
  subscriptions_.emplace_back(leaf_filter, handler);
  if (client_) client_->subscribe(topic(leaf_filter), 1, std::move(handler));
}

void CloudLink::record_result(const json& body) {
  append("cmd/result", "result", body);
}

void CloudLink::publish_state(const std::string& leaf, const std::string& payload) {
  state_[leaf] = payload;
  if (client_ && client_->connected()) send_retained(topic(leaf), payload);
}

void CloudLink::append(const std::string& leaf, const std::string& kind, const json& body) {
  if (device_id_.empty()) return;  // not started: nothing to address it to yet
  const WallTime now = clock_.wall_now();
  auto seq = outbox_.append(topic(leaf), kind, body, now);
  if (!seq) {
    log_.error(kComponent, "cannot store in the outbox: " + seq.error().describe());
    return;
  }
  ++backlog_;
  if (backlog_ > config_.outbox_max_rows) {
    if (auto dropped = outbox_.enforce_cap(config_.outbox_max_rows); dropped && *dropped > 0) {
      if (dropped_ == 0) {
        log_.warn(kComponent, "outbox full (" + std::to_string(config_.outbox_max_rows) +
                                  " rows): dropping the oldest telemetry, never events");
      }
      dropped_ += *dropped;
      backlog_ -= *dropped;
    }
  }
  publish_points();
  drain();
}

void CloudLink::record_telemetry(const std::vector<Point>& points, WallTime ts) {
  json values = json::object();
  for (const Point& p : points) {
    if (p.name.rfind("link.mqtt.", 0) == 0) continue;  // about this link itself
    values[p.name] = p.quality == Quality::kOk ? adapters::value_to_json(p.value) : json(nullptr);
  }
  append("telemetry", "telemetry", {{"ts", format_iso8601_utc(ts)}, {"points", values}});
}

void CloudLink::record_packs(const std::vector<Point>& points, WallTime ts) {
  if (device_id_.empty()) return;  // not started: nothing to address it to yet
  std::map<std::string, Point> by_name;
  for (const Point& p : points) {
    if (p.name.rfind("pack.", 0) == 0) by_name.emplace(p.name, p);
  }
  if (by_name.empty()) return;
  for (int pack = 1; pack <= 15; ++pack) {
    auto s = domain::summarize_pack(by_name, pack);
    if (!s) continue;
    packs_read_.insert(pack);
    std::string& announced = packs_announced_[pack];
    // A pack whose serial is not read yet (a start, or it has just answered again) keeps the
    // serial it was announced under: a swap shows when the new serial is read.
    if (config_.homeassistant && announced != s->battery_id &&
        (s->serial_known || announced.empty())) {
      if (!announced.empty()) retract_pack(pack, announced);
      announced = s->battery_id;
      save_discovery_memory();
      publish_pack_discovery(pack);
    }
    // Seed 000's SCADA fields, plus the cells.
    append("battery/" + std::to_string(pack), "pack",
           {{"timestamp", format_iso8601_utc(ts)},
            {"battery_id", s->battery_id},
            {"soc", s->soc_pct},
            {"power_output", s->power_output_w},
            {"temperature", s->temperature_c ? json(*s->temperature_c) : json(nullptr)},
            {"health_score", s->health_score},
            {"cells_mv", s->cells_mv}});
  }
}

void CloudLink::record_event(const Event& e) {
  append("event", "event",
         {{"ts", format_iso8601_utc(e.ts)},
          {"kind", e.kind},
          {"severity", to_string(e.severity)},
          {"message", e.message},
          {"details", e.details}});
}

void CloudLink::schedule_drain(std::chrono::milliseconds delay) {
  if (drain_scheduled_) return;
  drain_scheduled_ = true;
  loop_.schedule_after(delay, [this, alive = alive_] {
    if (!*alive) return;
    drain_scheduled_ = false;
    drain();
  });
}

void CloudLink::drain() {
  if (!client_ || !client_->connected()) return;
  // Token bucket: at most drain_per_s messages per second, bursts up to one second's worth.
  const MonoTime now = clock_.mono_now();
  tokens_ = std::min(
      config_.drain_per_s,
      tokens_ + std::chrono::duration<double>(now - refilled_).count() * config_.drain_per_s);
  refilled_ = now;
  while (inflight_ < config_.max_inflight) {
    if (tokens_ < 1) {
      schedule_drain(std::chrono::milliseconds(
          static_cast<long long>(std::ceil((1 - tokens_) / config_.drain_per_s * 1000))));
      return;
    }
    const int want = std::min(config_.max_inflight - inflight_, static_cast<int>(tokens_));
    auto rows = outbox_.oldest(sent_upto_, want);
    if (!rows) {
      log_.error(kComponent, "cannot read the outbox: " + rows.error().describe());
      return;
    }
    if (rows->empty()) return;
    for (const auto& r : *rows) {
      const std::int64_t seq = r.seq;
      const std::uint64_t conn = connection_;
      Status s = client_->publish(
          r.topic, r.payload(), 1, false,
          [this, seq, conn, topic = r.topic, alive = alive_](const Status& outcome) {
            if (!*alive || conn != connection_) return;
            --inflight_;
            if (outcome.ok()) {
              if (outbox_.remove(seq)) --backlog_;
              publish_points();
              drain();
            } else if (!outcome.error().retryable()) {
              refused(seq, topic, outcome.error());
              drain();
            } else {
              log_.debug(kComponent, "publish of seq " + std::to_string(seq) +
                                         " failed: " + outcome.error().describe());
              sent_upto_ = std::min(sent_upto_, seq - 1);  // resend in order, a little later
              schedule_drain(std::chrono::seconds(1));
            }
          });
      if (!s) return;  // disconnected meanwhile: the reconnect drains
      sent_upto_ = seq;
      ++inflight_;
      tokens_ -= 1;
    }
  }
}

void CloudLink::refused(std::int64_t seq, const std::string& topic, const Error& why) {
  // The broker refuses this record for good (MQTT 5: not authorised, invalid topic or payload):
  // kept, it would be sent again forever and hold up everything behind it. Counted and logged
  // once per topic; not raised as an event, since the event could be refused in turn.
  if (outbox_.remove(seq)) --backlog_;
  ++refused_;
  if (refused_topics_.insert(topic).second) {
    log_.warn(kComponent, "the broker refuses records on " + topic + " (" + why.describe() +
                              "): they are dropped from the outbox; check its ACL");
  }
  publish_points();
}

adapters::DiscoveryContext CloudLink::discovery_context() const {
  adapters::DiscoveryContext ctx;
  ctx.discovery_prefix = config_.discovery_prefix;
  ctx.prefix = config_.prefix;
  ctx.device_id = device_id_;
  // Three missed records and a value shows as unavailable.
  ctx.expire_after =
      std::chrono::duration_cast<std::chrono::seconds>(3 * config_.telemetry_interval) +
      std::chrono::seconds(10);
  return ctx;
}

void CloudLink::retract_pack(int pack, const std::string& battery_id) {
  for (const auto& m : adapters::pack_discovery(discovery_context(), pack, battery_id)) {
    retractions_.insert(m.topic);
    announced_.erase(m.topic);
  }
}

bool CloudLink::announce(adapters::DiscoveryMessage message) {
  const bool inserted = announced_.insert(message.topic).second;
  const bool was_retracted = retractions_.erase(message.topic) > 0;
  send_retained(std::move(message.topic), std::move(message.payload));
  return inserted || was_retracted;
}

void CloudLink::send_retractions() {
  const std::set<std::string> topics = retractions_;  // a completion may change the set
  for (const auto& topic : topics)
    send_retained(topic, "");
}

std::set<std::string> CloudLink::wanted_configs(bool discovery_on) const {
  std::set<std::string> wanted;
  if (!discovery_on) return wanted;
  const auto ctx = discovery_context();
  for (const auto& m : adapters::inverter_discovery(ctx))
    wanted.insert(m.topic);
  for (const auto& m : adapters::check_discovery(ctx, check_names_))
    wanted.insert(m.topic);
  for (const auto& [pack, id] : packs_announced_) {
    if (id.empty()) continue;
    for (const auto& m : adapters::pack_discovery(ctx, pack, id))
      wanted.insert(m.topic);
  }
  return wanted;
}

void CloudLink::load_discovery_memory() {
  auto stored = adapters::SettingsStore(db_).get(kDiscoveryKey);
  if (!stored) {
    log_.warn(kComponent, "cannot read which Home Assistant configs the broker holds: " +
                              stored.error().describe());
    return;
  }
  if (!*stored) return;
  const json& memory = **stored;
  // The configs of another device id are that device's (a gateway given a new id keeps them).
  if (memory.value("device", "") != device_id_) return;
  if (memory.contains("packs") && memory["packs"].is_object()) {
    for (const auto& [pack, id] : memory["packs"].items()) {
      const int n = std::atoi(pack.c_str());
      if (n >= 1 && n <= 15 && id.is_string() && !id.get<std::string>().empty())
        packs_announced_[n] = id.get<std::string>();
    }
  }
  const auto topics = [&memory](const char* key, std::set<std::string>& into) {
    if (!memory.contains(key) || !memory[key].is_array()) return;
    for (const auto& topic : memory[key]) {
      if (topic.is_string()) into.insert(topic.get<std::string>());
    }
  };
  topics("retract", retractions_);
  // Written before the memory listed every config, it held only the packs': the inverter's and
  // the checks' were announced with them.
  const bool listed = memory.contains("announced");
  if (listed) {
    topics("announced", announced_);
  } else {
    announced_ = wanted_configs(true);
  }
  // A pack taken out of the configuration (or the BMS link turned off) is not read again; a
  // check turned off no longer has a state; with discovery off, nothing is announced. Their
  // configs would stay on the broker, and Home Assistant would show them unavailable for good.
  bool changed = !listed;
  for (auto it = packs_announced_.begin(); it != packs_announced_.end();) {
    if (config_.homeassistant && configured_packs_.count(it->first) != 0) {
      ++it;
    } else {
      it = packs_announced_.erase(it);
      changed = true;
    }
  }
  const std::set<std::string> wanted = wanted_configs(config_.homeassistant);
  for (auto it = announced_.begin(); it != announced_.end();) {
    if (wanted.count(*it) != 0) {
      ++it;
    } else {
      retractions_.insert(*it);
      it = announced_.erase(it);
      changed = true;
    }
  }
  if (changed) save_discovery_memory();
}

void CloudLink::save_discovery_memory() {
  json packs = json::object();
  for (const auto& [pack, id] : packs_announced_) {
    if (!id.empty()) packs[std::to_string(pack)] = id;
  }
  const json memory = {{"device", device_id_},
                       {"packs", packs},
                       {"announced", announced_},
                       {"retract", retractions_}};
  if (Status s = adapters::SettingsStore(db_).put(kDiscoveryKey, memory, clock_.wall_now()); !s) {
    log_.warn(kComponent, "cannot store which Home Assistant configs the broker holds: " +
                              s.error().describe());
  }
}

void CloudLink::publish_discovery() {
  if (!client_ || !client_->connected()) return;
  send_retractions();  // with discovery off too: what an earlier run announced goes
  if (!config_.homeassistant) return;
  const auto ctx = discovery_context();
  auto messages = adapters::inverter_discovery(ctx);
  auto checks = adapters::check_discovery(ctx, check_names_);
  messages.insert(messages.end(), checks.begin(), checks.end());
  for (const auto& [pack, id] : packs_announced_) {
    // A pack remembered from before but not read since is not announced again: it may be gone.
    if (id.empty() || packs_read_.count(pack) == 0) continue;
    auto more = adapters::pack_discovery(ctx, pack, id);
    messages.insert(messages.end(), more.begin(), more.end());
  }
  bool changed = false;
  for (auto& m : messages)
    changed = announce(std::move(m)) || changed;
  if (changed) save_discovery_memory();
}

void CloudLink::publish_pack_discovery(int pack) {
  // Only this pack's configs (and the old ones it replaces): the rest is already retained.
  if (!config_.homeassistant || !client_ || !client_->connected()) return;
  send_retractions();
  bool changed = false;
  for (auto& m : adapters::pack_discovery(discovery_context(), pack, packs_announced_[pack]))
    changed = announce(std::move(m)) || changed;
  if (changed) save_discovery_memory();
}

void CloudLink::send_retained(std::string topic, std::string payload) {
  // Only the newest payload of a topic matters: one still waiting is replaced, not repeated.
  const std::uint64_t generation = ++retained_generation_[topic];
  for (auto& r : retained_queue_) {
    if (r.topic == topic) {
      r.payload = std::move(payload);
      r.generation = generation;
      return;
    }
  }
  retained_queue_.push_back({std::move(topic), std::move(payload), generation});
  flush_retained();
}

void CloudLink::flush_retained() {
  while (client_ && client_->connected() && retained_inflight_ < kRetainedInFlight &&
         !retained_queue_.empty()) {
    Retained& next = retained_queue_.front();
    const std::uint64_t conn = connection_;
    Status s = client_->publish(
        next.topic, next.payload, 1, true,
        [this, conn, sent = next, alive = alive_](const Status& outcome) mutable {
          if (!*alive || conn != connection_) return;  // the reconnect sends it again
          --retained_inflight_;
          const bool newest = retained_generation_[sent.topic] == sent.generation;
          // A removal is done once the broker has it, or refuses it for good.
          if (newest && sent.payload.empty() && (outcome.ok() || !outcome.error().retryable()) &&
              retractions_.erase(sent.topic)) {
            save_discovery_memory();
          }
          if (!outcome.ok()) {
            if (!outcome.error().retryable()) {
              if (refused_topics_.insert(sent.topic).second) {
                log_.warn(kComponent, "the broker refuses " + sent.topic + " (" +
                                          outcome.error().describe() + "); check its ACL");
              }
            } else if (newest) {
              // Again, unless something newer for this topic was asked for since.
              retained_queue_.push_back(std::move(sent));
            }
          }
          flush_retained();
        });
    if (!s) {
      // The client's buffer is full (a backlog being drained): the rest a little later.
      schedule_retained_retry();
      return;
    }
    retained_queue_.pop_front();
    ++retained_inflight_;
  }
}

void CloudLink::schedule_retained_retry() {
  if (retained_retry_scheduled_) return;
  retained_retry_scheduled_ = true;
  loop_.schedule_after(std::chrono::seconds(1), [this, alive = alive_] {
    if (!*alive) return;
    retained_retry_scheduled_ = false;
    flush_retained();
  });
}

void CloudLink::publish_points() {
  const WallTime now = clock_.wall_now();
  std::string note;
  if (dropped_ > 0) note = std::to_string(dropped_) + " telemetry records dropped (outbox full)";
  if (refused_ > 0) {
    note +=
        (note.empty() ? "" : "; ") + std::to_string(refused_) + " records refused by the broker";
  }
  points_.set(
      Point{"link.mqtt.backlog", static_cast<double>(backlog_), "", Quality::kOk, now, note});
  const bool up = client_ && client_->connected();
  points_.set(Point{"link.mqtt.state", std::string(up ? "online" : "offline"), "", Quality::kOk,
                    now, client_ ? client_->describe() : "not started"});
}

}  // namespace sb::app
