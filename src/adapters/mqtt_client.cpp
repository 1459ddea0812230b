// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/mqtt_client.hpp"

#include <MQTTAsync.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>

namespace sb::adapters {

namespace {
constexpr const char* kComponent = "mqtt";

// By default Paho initialises OpenSSL when the first client is created, whether or not the broker
// uses TLS: OpenSSL then reads its configuration file and loads its error strings, about 1.5 MB
// more resident memory for a daemon that talks to a broker on the same machine. Told not to,
// Paho leaves it to OpenSSL, which initialises itself (with the same configuration file) when
// the first TLS connection is made. Paho wants this once per process, before any client exists.
void leave_openssl_uninitialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    MQTTAsync_init_options init = MQTTAsync_init_options_initializer;
    init.do_openssl_init = 0;
    MQTTAsync_global_init(&init);
  });
}
}  // namespace

namespace {
std::vector<std::string> levels(const std::string& s) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (;;) {
    const std::size_t slash = s.find('/', from);
    out.push_back(s.substr(from, slash == std::string::npos ? std::string::npos : slash - from));
    if (slash == std::string::npos) return out;
    from = slash + 1;
  }
}
}  // namespace

bool topic_matches(const std::string& filter, const std::string& topic) {
  const auto f = levels(filter);
  const auto t = levels(topic);
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return true;  // the rest, including the parent level ("a/#" matches "a")
    if (i >= t.size()) return false;
    if (f[i] != "+" && f[i] != t[i]) return false;
  }
  return f.size() == t.size() || (f.size() == t.size() + 1 && f.back() == "#");
}

// Paho's callbacks run on Paho's threads: each one only posts to the loop.
struct MqttClient::Impl {
  MQTTAsync handle = nullptr;
  EventLoop* loop = nullptr;
  MqttClient* owner = nullptr;
  std::shared_ptr<bool> alive;
  std::map<int, Done> pending;  // token -> completion, loop thread only
  std::string will_payload = "offline";

  void post(std::function<void()> fn) {
    loop->post([alive = alive, fn = std::move(fn)] {
      if (*alive) fn();
    });
  }
  void complete(int token, Status outcome) {
    post([this, token, outcome = std::move(outcome)] {
      auto it = pending.find(token);
      if (it == pending.end()) return;
      Done done = std::move(it->second);
      pending.erase(it);
      if (done) done(outcome);
    });
  }

  static int on_message(void* ctx, char* topic, int, MQTTAsync_message* message) {
    auto* self = static_cast<Impl*>(ctx);
    std::string t(topic);
    // Bounded by the broker's maximum packet size; copied, then handed to the loop.
    std::string payload(static_cast<const char*>(message->payload),
                        static_cast<std::size_t>(std::max(message->payloadlen, 0)));
    MQTTAsync_freeMessage(&message);
    MQTTAsync_free(topic);
    self->post([self, t = std::move(t), payload = std::move(payload)] {
      self->owner->dispatch(t, payload);
    });
    return 1;
  }
  static void on_connection_lost(void* ctx, char*) {
    auto* self = static_cast<Impl*>(ctx);
    self->post([self] {
      // Completions of what was in flight may never come: the owner re-sends from its outbox.
      self->pending.clear();
      self->owner->connected_ = false;
      if (self->owner->on_lost_) self->owner->on_lost_();
    });
  }
  static void on_connected(void* ctx, char*) {
    auto* self = static_cast<Impl*>(ctx);
    self->post([self] {
      MqttClient& c = *self->owner;
      c.connected_ = true;
      c.backoff_ = c.settings_.reconnect_min;
      if (c.failing_) c.log_.info(kComponent, "connected to " + c.describe());
      c.failing_ = false;
      c.resubscribe();
      if (c.on_connected_) c.on_connected_();
    });
  }
  static void on_connect_failure(void* ctx, MQTTAsync_failureData* data) {
    auto* self = static_cast<Impl*>(ctx);
    std::string why = data != nullptr && data->message != nullptr
                          ? data->message
                          : "code " + std::to_string(data != nullptr ? data->code : -1);
    self->post([self, why] {
      MqttClient& c = *self->owner;
      if (!c.failing_) c.log_.warn(kComponent, "cannot connect to " + c.describe() + ": " + why);
      c.failing_ = true;
      c.schedule_reconnect();
    });
  }
  // MQTT 5: Paho rejects a request with v3 callbacks on a v5 client (MQTTASYNC_WRONG_MQTT_VERSION:
  // nothing was published), and a v5 acknowledgement can carry a refusal (reason code >= 0x80,
  // e.g. 0x87 not authorised by the ACL; Paho reports it to onFailure5).
  static void on_connect_failure5(void* ctx, MQTTAsync_failureData5* data) {
    MQTTAsync_failureData v3{};
    v3.token = data != nullptr ? data->token : -1;
    v3.code = data != nullptr ? data->code : -1;
    std::string why = reason5(data);
    v3.message = why.c_str();
    on_connect_failure(ctx, &v3);
  }
  static void on_publish_success5(void* ctx, MQTTAsync_successData5* data) {
    const int token = data != nullptr ? data->token : -1;
    if (data != nullptr && data->reasonCode >= MQTTREASONCODE_UNSPECIFIED_ERROR) {
      static_cast<Impl*>(ctx)->complete(token, refusal(data->reasonCode));
      return;
    }
    static_cast<Impl*>(ctx)->complete(token, Status{});
  }
  // A PUBACK refusal (MQTT 5.0 section 3.4.2.1). Not authorised, a topic or payload the broker
  // does not accept: the same message will be refused again. Quota, busy, unspecified: later.
  static Error refusal(enum MQTTReasonCodes code) {
    std::string why = std::string("refused by the broker: ") + MQTTReasonCode_toString(code);
    const bool permanent =
        code == MQTTREASONCODE_NOT_AUTHORIZED || code == MQTTREASONCODE_TOPIC_NAME_INVALID ||
        code == MQTTREASONCODE_PAYLOAD_FORMAT_INVALID || code == MQTTREASONCODE_PACKET_TOO_LARGE;
    Error e = permanent ? Error::invalid(std::move(why)) : Error::io(0, std::move(why));
    e.code = static_cast<int>(code);
    return e;
  }
  static void on_publish_failure5(void* ctx, MQTTAsync_failureData5* data) {
    if (data != nullptr && data->reasonCode >= MQTTREASONCODE_UNSPECIFIED_ERROR) {
      static_cast<Impl*>(ctx)->complete(data->token, refusal(data->reasonCode));
      return;
    }
    static_cast<Impl*>(ctx)->complete(data != nullptr ? data->token : -1,
                                      Error::disconnected(reason5(data)));
  }
  static std::string reason5(const MQTTAsync_failureData5* data) {
    if (data == nullptr) return "not delivered";
    if (data->message != nullptr) return data->message;
    if (data->reasonCode != MQTTREASONCODE_SUCCESS) {
      return MQTTReasonCode_toString(data->reasonCode);
    }
    return "code " + std::to_string(data->code);
  }
  static void on_publish_success(void* ctx, MQTTAsync_successData* data) {
    static_cast<Impl*>(ctx)->complete(data != nullptr ? data->token : -1, Status{});
  }
  static void on_publish_failure(void* ctx, MQTTAsync_failureData* data) {
    std::string why = data != nullptr && data->message != nullptr ? data->message : "not delivered";
    static_cast<Impl*>(ctx)->complete(data != nullptr ? data->token : -1,
                                      Error::disconnected(std::move(why)));
  }
};

MqttClient::MqttClient(MqttSettings settings, EventLoop& loop, Logger& log)
    : settings_(std::move(settings)), loop_(loop), log_(log), impl_(std::make_unique<Impl>()) {
  impl_->loop = &loop_;
  impl_->owner = this;
  impl_->alive = alive_;
  backoff_ = settings_.reconnect_min;
  leave_openssl_uninitialised();
  MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer;
  create.MQTTVersion = settings_.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
  int rc = MQTTAsync_createWithOptions(&impl_->handle, settings_.url.c_str(),
                                       settings_.client_id.c_str(), MQTTCLIENT_PERSISTENCE_NONE,
                                       nullptr, &create);
  if (rc != MQTTASYNC_SUCCESS) {
    throw std::runtime_error("mqtt.url " + settings_.url + ": the MQTT client refuses it (" +
                             MQTTAsync_strerror(rc) + ")");
  }
  MQTTAsync_setCallbacks(impl_->handle, impl_.get(), &Impl::on_connection_lost, &Impl::on_message,
                         nullptr);
  MQTTAsync_setConnected(impl_->handle, impl_.get(), &Impl::on_connected);
}

MqttClient::~MqttClient() {
  *alive_ = false;
  if (impl_->handle == nullptr) return;
  if (MQTTAsync_isConnected(impl_->handle)) {
    MQTTAsync_disconnectOptions opts = MQTTAsync_disconnectOptions_initializer;
    MQTTAsync_disconnectOptions opts5 = MQTTAsync_disconnectOptions_initializer5;
    MQTTAsync_disconnectOptions& o = settings_.version == 5 ? opts5 : opts;
    o.timeout = 1000;
    MQTTAsync_disconnect(impl_->handle, &o);
  }
  MQTTAsync_destroy(&impl_->handle);
}

std::string MqttClient::describe() const {
  return settings_.url + " as " + settings_.client_id;
}

void MqttClient::start() {
  connect();
}

void MqttClient::schedule_reconnect() {
  const auto delay = backoff_;
  backoff_ = std::min(backoff_ * 2, settings_.reconnect_max);
  loop_.schedule_after(std::chrono::duration_cast<std::chrono::milliseconds>(delay),
                       [this, alive = alive_] {
                         if (*alive) connect();
                       });
}

void MqttClient::connect() {
  const bool v5 = settings_.version == 5;
  MQTTAsync_connectOptions opts = MQTTAsync_connectOptions_initializer;
  MQTTAsync_connectOptions opts5 = MQTTAsync_connectOptions_initializer5;
  MQTTAsync_connectOptions& o = v5 ? opts5 : opts;
  o.keepAliveInterval = static_cast<int>(settings_.keepalive.count());
  if (!v5) o.cleansession = 1;
  // After a first connection Paho reconnects by itself within these bounds; a first connection
  // that fails is retried here.
  o.automaticReconnect = 1;
  o.minRetryInterval = static_cast<int>(settings_.reconnect_min.count());
  o.maxRetryInterval = static_cast<int>(settings_.reconnect_max.count());
  MQTTAsync_willOptions will = MQTTAsync_willOptions_initializer;
  if (!settings_.will_topic.empty()) {
    will.topicName = settings_.will_topic.c_str();
    will.message = impl_->will_payload.c_str();
    will.retained = 1;
    will.qos = 1;
    o.will = &will;
  }
  if (!settings_.username.empty()) o.username = settings_.username.c_str();
  if (!settings_.password.empty()) o.password = settings_.password.c_str();
  MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
  if (settings_.url.rfind("ssl://", 0) == 0 || settings_.url.rfind("mqtts://", 0) == 0) {
    if (!settings_.ca_file.empty()) ssl.trustStore = settings_.ca_file.c_str();
    if (!settings_.cert_file.empty()) ssl.keyStore = settings_.cert_file.c_str();
    if (!settings_.key_file.empty()) ssl.privateKey = settings_.key_file.c_str();
    ssl.enableServerCertAuth = 1;
    ssl.verify = 1;  // host name too
    o.ssl = &ssl;
  }
  if (v5) {
    o.onFailure5 = &Impl::on_connect_failure5;
  } else {
    o.onFailure = &Impl::on_connect_failure;
  }
  o.context = impl_.get();
  const int rc = MQTTAsync_connect(impl_->handle, &o);
  if (rc != MQTTASYNC_SUCCESS) {
    if (!failing_)
      log_.warn(kComponent, "cannot connect to " + describe() + ": " + MQTTAsync_strerror(rc));
    failing_ = true;
    schedule_reconnect();
  }
}

void MqttClient::subscribe(const std::string& filter, int qos, Handler handler) {
  subscriptions_.push_back({filter, qos, std::move(handler)});
  if (connected_) {
    MQTTAsync_responseOptions o = MQTTAsync_responseOptions_initializer;
    MQTTAsync_subscribe(impl_->handle, filter.c_str(), qos, &o);
  }
}

void MqttClient::resubscribe() {
  for (const auto& s : subscriptions_) {
    MQTTAsync_responseOptions o = MQTTAsync_responseOptions_initializer;
    MQTTAsync_subscribe(impl_->handle, s.filter.c_str(), s.qos, &o);
  }
}

void MqttClient::dispatch(const std::string& topic, const std::string& payload) {
  for (const auto& s : subscriptions_) {
    if (topic_matches(s.filter, topic)) s.handler(topic, payload);
  }
}

namespace {
// Paho copies the payload when the message is queued.
MQTTAsync_message message_of(const std::string& payload, int qos, bool retained) {
  MQTTAsync_message msg = MQTTAsync_message_initializer;
  msg.payload = const_cast<char*>(payload.data());
  msg.payloadlen = static_cast<int>(payload.size());
  msg.qos = qos;
  msg.retained = retained ? 1 : 0;
  return msg;
}
}  // namespace

Status MqttClient::publish_and_wait(const std::string& topic, const std::string& payload,
                                    bool retained, std::chrono::milliseconds timeout) {
  if (!connected_) return Error::disconnected("MQTT broker not connected");
  MQTTAsync_message msg = message_of(payload, 1, retained);
  MQTTAsync_responseOptions opts = MQTTAsync_responseOptions_initializer;  // no callbacks
  int rc = MQTTAsync_sendMessage(impl_->handle, topic.c_str(), &msg, &opts);
  if (rc == MQTTASYNC_SUCCESS) {
    rc = MQTTAsync_waitForCompletion(impl_->handle, opts.token,
                                     static_cast<unsigned long>(timeout.count()));
  }
  if (rc != MQTTASYNC_SUCCESS) {
    return Error::timeout(std::string("publish to ") + topic + ": " + MQTTAsync_strerror(rc));
  }
  return {};
}

Status MqttClient::publish(const std::string& topic, const std::string& payload, int qos,
                           bool retained, Done done) {
  if (!connected_) return Error::disconnected("MQTT broker not connected");
  MQTTAsync_message msg = message_of(payload, qos, retained);
  MQTTAsync_responseOptions opts = MQTTAsync_responseOptions_initializer;
  if (settings_.version == 5) {
    opts.onSuccess5 = &Impl::on_publish_success5;
    opts.onFailure5 = &Impl::on_publish_failure5;
  } else {
    opts.onSuccess = &Impl::on_publish_success;
    opts.onFailure = &Impl::on_publish_failure;
  }
  opts.context = impl_.get();
  const int rc = MQTTAsync_sendMessage(impl_->handle, topic.c_str(), &msg, &opts);
  if (rc != MQTTASYNC_SUCCESS) {
    return Error::disconnected(std::string("publish to ") + topic + ": " + MQTTAsync_strerror(rc));
  }
  // Registered before any completion can run: completions are posted to this (the loop) thread.
  impl_->pending[opts.token] = std::move(done);
  return {};
}

}  // namespace sb::adapters
