// SPDX-License-Identifier: Apache-2.0
// A real mosquitto on 127.0.0.1 (a free port, persistence in the test's directory) and a
// Paho subscriber with a persistent session that collects what arrives.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "testkit/process.hpp"

namespace sb::it {

// A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made with
// the openssl command (TLS tests use generated certificates, never real ones).
struct TestPki {
  explicit TestPki(const testkit::TempDir& dir, const std::string& client_cn = "client");
  std::string ca, server_cert, server_key, client_cert, client_key;
  // Another CA that signed nothing here: a client trusting it must refuse the server.
  std::string other_ca;
};

class Broker {
 public:
  // `extra_config`: more mosquitto.conf lines (e.g. an acl_file).
  explicit Broker(const testkit::TempDir& dir, const std::string& extra_config = "");
  // A TLS listener (client certificates required) plus a plain one for test subscribers.
  Broker(const testkit::TempDir& dir, const TestPki& pki);
  ~Broker();
  void start();
  void stop();  // SIGTERM: mosquitto saves its persistence file
  // SIGSTOP: connections stay open, nothing is read or answered (no PUBACK), until kill().
  void freeze();
  void kill();  // SIGKILL: what it received since its last save is lost
  [[nodiscard]] std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string tls_url() const {
    return "ssl://127.0.0.1:" + std::to_string(tls_port_);
  }

 private:
  std::string conf_;
  std::string log_;
  int port_ = 0;
  int tls_port_ = 0;
  std::unique_ptr<testkit::Process> process_;
};

struct Received {
  std::string topic;
  std::string payload;
  bool retained = false;
};

class Subscriber {
 public:
  // Persistent session (clean session off, QoS 1): messages queue in the broker while the
  // subscriber or the broker is away.
  // `username`: the broker identity its ACL sees (no password: the test brokers allow anonymous).
  Subscriber(const std::string& url, const std::string& filter, const std::string& client_id,
             const std::string& username = "");
  ~Subscriber();
  [[nodiscard]] std::vector<Received> messages() const;
  [[nodiscard]] bool connected() const;
  // QoS 1; returns once the broker acknowledged it (or after 5 s).
  void publish(const std::string& topic, const std::string& payload, bool retained = false);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::it
