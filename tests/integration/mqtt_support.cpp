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

namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Broker::Broker(const testkit::TempDir& dir)
    : conf_(dir.file("mosquitto.conf")), log_(dir.file("mosquitto.log")), port_(free_port()) {
  testkit::write_file(conf_, "listener " + std::to_string(port_) +
                                 " 127.0.0.1\nallow_anonymous true\npersistence true\n"
                                 "persistence_location " +
                                 dir.path() +
                                 "/\n"
                                 "max_queued_messages 0\n"
                                 // Started as root, mosquitto would drop to its own user and
                                 // could not save its persistence file here.
                                 "user " +
                                 std::string(::getpwuid(::getuid())->pw_name) + "\n");
  start();
}

Broker::~Broker() {
  stop();
}

void Broker::start() {
  process_ = std::make_unique<testkit::Process>(
      std::vector<std::string>{"/usr/sbin/mosquitto", "-c", conf_}, log_);
  INFO(testkit::read_file(log_));
  REQUIRE(testkit::wait_until([&] { return port_open(port_); }, 10s));
}

void Broker::stop() {
  if (process_) (void)process_->stop(SIGTERM, 5s);
  process_.reset();
}

struct Subscriber::Impl {
  MQTTAsync handle = nullptr;
  mutable std::mutex mu;
  std::vector<Received> got;
  std::string filter;
  bool up = false;

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
  static void connected(void* ctx, char*) {
    auto* self = static_cast<Impl*>(ctx);
    MQTTAsync_responseOptions o = MQTTAsync_responseOptions_initializer;
    MQTTAsync_subscribe(self->handle, self->filter.c_str(), 1, &o);
    std::lock_guard lock(self->mu);
    self->up = true;
  }
  static void lost(void* ctx, char*) {
    auto* self = static_cast<Impl*>(ctx);
    std::lock_guard lock(self->mu);
    self->up = false;
  }
};

Subscriber::Subscriber(const std::string& url, const std::string& filter,
                       const std::string& client_id)
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
  REQUIRE(MQTTAsync_connect(impl_->handle, &o) == MQTTASYNC_SUCCESS);
  REQUIRE(testkit::wait_until([&] { return connected(); }, 10s));
  std::this_thread::sleep_for(200ms);  // the subscription is acknowledged
}

Subscriber::~Subscriber() {
  MQTTAsync_disconnectOptions d = MQTTAsync_disconnectOptions_initializer;
  MQTTAsync_disconnect(impl_->handle, &d);
  std::this_thread::sleep_for(100ms);
  MQTTAsync_destroy(&impl_->handle);
}

std::vector<Received> Subscriber::messages() const {
  std::lock_guard lock(impl_->mu);
  return impl_->got;
}

bool Subscriber::connected() const {
  std::lock_guard lock(impl_->mu);
  return impl_->up;
}

}  // namespace sb::it
