// SPDX-License-Identifier: Apache-2.0
#include "mqtt_support.hpp"

#include <MQTTAsync.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <thread>

#include "sunbridge/adapters/ipc_client.hpp"

namespace sb::it {

using namespace std::chrono_literals;

Broker::Broker(const testkit::TempDir& dir, const std::string& extra_config)
    : conf_(dir.file("mosquitto.conf")),
      log_(dir.file("mosquitto.log")),
      port_(testkit::free_loopback_port()) {
  testkit::write_file(conf_, "listener " + std::to_string(port_) +
                                 " 127.0.0.1\nallow_anonymous true\npersistence true\n"
                                 "persistence_location " +
                                 dir.path() +
                                 "/\n"
                                 "max_queued_messages 0\n"
                                 // Started as root, mosquitto would drop to its own user and
                                 // could not save its persistence file here.
                                 "user " +
                                 std::string(::getpwuid(::getuid())->pw_name) + "\n" +
                                 extra_config);
  start();
}

namespace {
void openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = testkit::run(argv, 30s);
  INFO(r.err);
  REQUIRE(r.status == 0);
}

void make_ca(const testkit::TempDir& dir, const std::string& name) {
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", dir.file(name + ".key"), "-out", dir.file(name + ".pem"), "-days", "2",
           "-subj", "/CN=" + name});
}

void make_cert(const testkit::TempDir& dir, const std::string& name, const std::string& cn,
               const std::string& ext) {
  openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
           dir.file(name + ".key"), "-out", dir.file(name + ".csr"), "-subj", "/CN=" + cn});
  testkit::write_file(dir.file(name + ".ext"), ext + "\n");
  openssl({"x509", "-req", "-in", dir.file(name + ".csr"), "-CA", dir.file("test-ca.pem"), "-CAkey",
           dir.file("test-ca.key"), "-CAcreateserial", "-out", dir.file(name + ".pem"), "-days",
           "2", "-extfile", dir.file(name + ".ext")});
}
}  // namespace

TestPki::TestPki(const testkit::TempDir& dir, const std::string& client_cn) {
  make_ca(dir, "test-ca");
  make_ca(dir, "other-ca");
  make_cert(dir, "server", "127.0.0.1", "subjectAltName=IP:127.0.0.1");
  make_cert(dir, "client", client_cn, "extendedKeyUsage=clientAuth");
  ca = dir.file("test-ca.pem");
  other_ca = dir.file("other-ca.pem");
  server_cert = dir.file("server.pem");
  server_key = dir.file("server.key");
  client_cert = dir.file("client.pem");
  client_key = dir.file("client.key");
}

Broker::Broker(const testkit::TempDir& dir, const TestPki& pki)
    : conf_(dir.file("mosquitto.conf")),
      log_(dir.file("mosquitto.log")),
      port_(testkit::free_loopback_port()),
      tls_port_(testkit::free_loopback_port()) {
  testkit::write_file(conf_,
                      "per_listener_settings false\nallow_anonymous true\n"
                      "user " +
                          std::string(::getpwuid(::getuid())->pw_name) + "\n" + "listener " +
                          std::to_string(port_) + " 127.0.0.1\n" + "listener " +
                          std::to_string(tls_port_) + " 127.0.0.1\n" + "cafile " + pki.ca +
                          "\ncertfile " + pki.server_cert + "\nkeyfile " + pki.server_key +
                          "\nrequire_certificate true\n");
  start();
  REQUIRE(testkit::wait_until([&] { return testkit::loopback_port_open(tls_port_); }, 10s));
}

Broker::~Broker() {
  stop();
}

void Broker::start() {
  process_ = std::make_unique<testkit::Process>(
      std::vector<std::string>{"/usr/sbin/mosquitto", "-c", conf_}, log_);
  INFO(testkit::read_file(log_));
  REQUIRE(testkit::wait_until([&] { return testkit::loopback_port_open(port_); }, 10s));
}

void Broker::stop() {
  if (process_) (void)process_->stop(SIGTERM, 5s);
  process_.reset();
}

void Broker::freeze() {
  REQUIRE(process_);
  REQUIRE(::kill(process_->pid(), SIGSTOP) == 0);
}

void Broker::kill() {
  if (process_) (void)process_->stop(SIGKILL, 5s);
  process_.reset();
}

struct Subscriber::Impl {
  MQTTAsync handle = nullptr;
  mutable std::mutex mu;
  std::vector<Received> got;
  std::string filter;
  bool up = false;
  bool subscribed = false;    // the broker acknowledged the subscription (SUBACK)
  bool disconnected = false;  // our DISCONNECT went out (or failed)

  static int arrived(void* ctx, char* topic, int, MQTTAsync_message* m) {
    auto* self = static_cast<Impl*>(ctx);
    {
      std::lock_guard lock(self->mu);
      self->got.push_back(
          {topic,
           std::string(static_cast<char*>(m->payload), static_cast<std::size_t>(m->payloadlen)),
           m->retained != 0});
    }
    MQTTAsync_freeMessage(&m);
    MQTTAsync_free(topic);
    return 1;
  }
  static void suback(void* ctx, MQTTAsync_successData*) {
    auto* self = static_cast<Impl*>(ctx);
    std::lock_guard lock(self->mu);
    self->subscribed = true;
  }
  static void disconnect_done(void* ctx, MQTTAsync_successData*) {
    auto* self = static_cast<Impl*>(ctx);
    std::lock_guard lock(self->mu);
    self->disconnected = true;
  }
  static void disconnect_failed(void* ctx, MQTTAsync_failureData*) {
    disconnect_done(ctx, nullptr);
  }
  static void connected(void* ctx, char*) {
    auto* self = static_cast<Impl*>(ctx);
    MQTTAsync_responseOptions o = MQTTAsync_responseOptions_initializer;
    o.onSuccess = &Impl::suback;
    o.context = self;
    MQTTAsync_subscribe(self->handle, self->filter.c_str(), 1, &o);
    std::lock_guard lock(self->mu);
    self->up = true;
  }
  bool flag(bool Impl::*which) const {
    std::lock_guard lock(mu);
    return this->*which;
  }
  static void lost(void* ctx, char*) {
    auto* self = static_cast<Impl*>(ctx);
    std::lock_guard lock(self->mu);
    self->up = false;
  }
};

Subscriber::Subscriber(const std::string& url, const std::string& filter,
                       const std::string& client_id, const std::string& username)
    : impl_(std::make_unique<Impl>()) {
  impl_->filter = filter;
  REQUIRE(MQTTAsync_create(&impl_->handle, url.c_str(), client_id.c_str(),
                           MQTTCLIENT_PERSISTENCE_NONE, nullptr) == MQTTASYNC_SUCCESS);
  MQTTAsync_setCallbacks(impl_->handle, impl_.get(), &Impl::lost, &Impl::arrived, nullptr);
  MQTTAsync_setConnected(impl_->handle, impl_.get(), &Impl::connected);
  MQTTAsync_connectOptions o = MQTTAsync_connectOptions_initializer;
  o.cleansession = 0;
  o.keepAliveInterval = 10;
  o.automaticReconnect = 1;
  o.minRetryInterval = 1;
  o.maxRetryInterval = 1;
  if (!username.empty()) o.username = username.c_str();
  REQUIRE(MQTTAsync_connect(impl_->handle, &o) == MQTTASYNC_SUCCESS);
  REQUIRE(testkit::wait_until([&] { return connected(); }, 10s));
  // Paho's subscribe success, not a guess at how long the broker takes.
  REQUIRE(testkit::wait_until([&] { return impl_->flag(&Impl::subscribed); }, 10s));
}

Subscriber::~Subscriber() {
  MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;
  d.onSuccess = &Impl::disconnect_done;
  d.onFailure = &Impl::disconnect_failed;
  d.context = impl_.get();
  if (MQTTAsync_disconnect(impl_->handle, &d) == MQTTASYNC_SUCCESS) {
    (void)testkit::wait_until([&] { return impl_->flag(&Impl::disconnected); }, 2s);
  }
  MQTTAsync_destroy(&impl_->handle);
}

std::vector<Received> Subscriber::messages() const {
  std::lock_guard lock(impl_->mu);
  return impl_->got;
}

void Subscriber::publish(const std::string& topic, const std::string& payload, bool retained) {
  MQTTAsync_message m = MQTTAsync_message_initializer;
  m.payload = const_cast<char*>(payload.data());
  m.payloadlen = static_cast<int>(payload.size());
  m.qos = 1;
  m.retained = retained ? 1 : 0;
  MQTTAsync_responseOptions o = MQTTAsync_responseOptions_initializer;
  REQUIRE(MQTTAsync_sendMessage(impl_->handle, topic.c_str(), &m, &o) == MQTTASYNC_SUCCESS);
  // The broker's PUBACK: it has taken the message (a retained one is stored or cleared) before
  // the test goes on. Not required: a broker the test stopped never answers.
  (void)MQTTAsync_waitForCompletion(impl_->handle, o.token, 5000);
}

bool Subscriber::connected() const {
  std::lock_guard lock(impl_->mu);
  return impl_->up;
}

}  // namespace sb::it
