// SPDX-License-Identifier: Apache-2.0
// The broker connection (Eclipse Paho MQTT C, asynchronous client). Paho calls back on its own
// threads; every callback here only hands a closure to `post` (the daemon's event loop), so all
// state is touched on the loop thread. Reconnects with capped exponential back-off; the last
// will marks the device offline (retained).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sunbridge/adapters/urls.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/core/result.hpp"

namespace sb::adapters {

struct MqttSettings {
  std::string url;  // tcp://host:1883, ssl://host:8883
  std::string client_id;
  std::string username;
  std::string password;
  std::string ca_file, cert_file, key_file;  // TLS (ssl:// URLs)
  int version = 4;                           // 4 = MQTT 3.1.1, 5 = MQTT 5
  std::chrono::seconds keepalive{60};
  std::chrono::seconds reconnect_min{1};
  std::chrono::seconds reconnect_max{60};
  std::string will_topic;  // payload "offline", retained
};

class MqttClient {
 public:
  // The outcome of a publish: ok, or an error whose retry class says whether sending the same
  // message again can succeed (an MQTT 5 refusal such as "not authorised" cannot).
  using Done = std::function<void(const Status& outcome)>;

  // Throws std::runtime_error when Paho refuses the URL or options (a start-up failure).
  MqttClient(MqttSettings settings, EventLoop& loop, Logger& log);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Called on the loop after every (re)connect and after a loss.
  void on_connected(std::function<void()> fn) { on_connected_ = std::move(fn); }
  void on_lost(std::function<void()> fn) { on_lost_ = std::move(fn); }

  void start();  // connects in the background, retrying with back-off
  // Publishes; `done` runs on the loop when the broker acknowledged (QoS 1: PUBACK), refused
  // (MQTT 5 reason code) or the request failed.
  Status publish(const std::string& topic, const std::string& payload, int qos, bool retained,
                 Done done);
  // For a clean shutdown, when the loop no longer runs: publishes QoS 1 and blocks until the
  // broker acknowledged it or `timeout` passed (a clean DISCONNECT does not fire the will, so the
  // retained "offline" must really arrive before the client goes away).
  Status publish_and_wait(const std::string& topic, const std::string& payload, bool retained,
                          std::chrono::milliseconds timeout);
  // Subscribes now (if connected) and after every reconnect; `handler` runs on the loop with the
  // topic and payload of each message that matches `filter`.
  using Handler = std::function<void(const std::string& topic, const std::string& payload)>;
  void subscribe(const std::string& filter, int qos, Handler handler);
  [[nodiscard]] bool connected() const { return connected_; }
  [[nodiscard]] std::string describe() const;

 private:
  struct Impl;
  void connect();
  void schedule_reconnect();
  void resubscribe();
  void dispatch(const std::string& topic, const std::string& payload);
  struct Subscription {
    std::string filter;
    int qos;
    Handler handler;
  };
  std::vector<Subscription> subscriptions_;
  MqttSettings settings_;
  EventLoop& loop_;
  Logger& log_;
  std::function<void()> on_connected_, on_lost_;
  std::unique_ptr<Impl> impl_;
  bool connected_ = false;
  bool failing_ = false;
  std::chrono::seconds backoff_{1};
  // Posted closures check it: the client may be gone when the loop runs them.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// MQTT topic filter matching ('+' one level, '#' the rest).
bool topic_matches(const std::string& filter, const std::string& topic);

}  // namespace sb::adapters
