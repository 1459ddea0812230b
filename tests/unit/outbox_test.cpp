// SPDX-License-Identifier: Apache-2.0
// The MQTT outbox: sequence numbers, order, deletion on acknowledgement, the size cap (oldest
// telemetry dropped, never events), and the mqtt configuration's security rules.
#include <unistd.h>

#include <filesystem>

#include <catch2/catch.hpp>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/mqtt_client.hpp"
#include "sunbridge/adapters/outbox.hpp"

using namespace sb;

namespace {
struct Db {
  std::string dir = "/tmp/sb-outbox-" + std::to_string(::getpid());
  std::unique_ptr<adapters::HistoryStore> store;
  Db() {
    std::filesystem::remove_all(dir);
    store = std::make_unique<adapters::HistoryStore>(dir + "/o.db");
  }
  ~Db() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
};
}  // namespace

TEST_CASE("outbox: seq in order, removed on ack, never reused", "[outbox]") {
  Db db;
  adapters::Outbox box(db.store->db());
  const WallTime t{};
  CHECK(*box.append("p/d/telemetry", "telemetry", {{"ts", "a"}}, t) == 1);
  CHECK(*box.append("p/d/event", "event", {{"kind", "x"}}, t) == 2);
  CHECK(*box.append("p/d/telemetry", "telemetry", {{"ts", "b"}}, t) == 3);
  auto rows = box.oldest(0, 10);
  REQUIRE(rows->size() == 3);
  CHECK(rows->at(0).payload() == R"({"seq":1,"ts":"a"})");
  CHECK(box.oldest(1, 1)->at(0).seq == 2);
  REQUIRE(box.remove(3));
  CHECK(*box.append("p/d/telemetry", "telemetry", {}, t) == 4);  // AUTOINCREMENT: 3 not reused
  CHECK(*box.size() == 3);
}

TEST_CASE("outbox cap drops the oldest telemetry and keeps every event", "[outbox]") {
  Db db;
  adapters::Outbox box(db.store->db());
  for (int i = 0; i < 150; ++i) {
    REQUIRE(box.append("t", i % 30 == 0 ? "event" : "telemetry", {{"i", i}}, WallTime{}));
  }
  CHECK(*box.enforce_cap(100) == 50);
  auto rows = box.oldest(0, 1000);
  REQUIRE(rows->size() == 100);
  int events = 0;
  for (const auto& r : *rows)
    events += r.kind == "event";
  CHECK(events == 5);
  CHECK(rows->back().seq == 150);  // the newest survive
}

TEST_CASE("mqtt config: plaintext only to loopback unless allowed, TLS files with ssl://",
          "[outbox][config]") {
  auto load = [](const std::string& mqtt) {
    return adapters::load_config_text(R"({"mqtt": )" + mqtt + "}", "/etc/sunbridge");
  };
  auto ok = load(R"({"url": "tcp://127.0.0.1:1883"})");
  REQUIRE(ok.config);
  CHECK(ok.config->mqtt.enabled);
  CHECK(ok.config->mqtt.prefix == "sunbridge");
  auto refused = load(R"({"url": "tcp://broker.example.com:1883", "password": "s3cret"})");
  REQUIRE_FALSE(refused.config);
  const std::string text = schema::format_issues(refused.issues);
  CHECK(text.find("plaintext MQTT to a non-loopback broker is refused") != std::string::npos);
  CHECK(text.find("s3cret") == std::string::npos);
  CHECK(load(R"({"url": "tcp://broker.example.com:1883", "allow_plaintext": true})").config);
  auto tls = load(R"({"url": "ssl://broker.example.com:8883", "tls": {"ca_file": "ca.pem"}})");
  REQUIRE(tls.config);
  CHECK(tls.config->mqtt.client.ca_file == "/etc/sunbridge/ca.pem");
  CHECK_FALSE(load(R"({"url": "http://x"})").config);
  CHECK_FALSE(load(R"({"url": "ssl://h:8883", "tls": {"cert_file": "c.pem"}})").config);
  auto redacted = adapters::redacted(
      load(R"({"url": "tcp://127.0.0.1:1883", "password": "s3cret"})").config->effective);
  CHECK(redacted["mqtt"]["password"] == "***");
  CHECK_FALSE(load(R"({"url": "tcp://127.0.0.1:1883"})").config->mqtt.client.password.size());
}

TEST_CASE("MQTT topic filters", "[outbox][mqtt]") {
  using adapters::topic_matches;
  CHECK(topic_matches("homeassistant/status", "homeassistant/status"));
  CHECK_FALSE(topic_matches("homeassistant/status", "homeassistant/status/x"));
  CHECK(topic_matches("sunbridge/+/cmd/#", "sunbridge/SN1/cmd/param"));
  CHECK(topic_matches("sunbridge/+/cmd/#", "sunbridge/SN1/cmd"));
  CHECK_FALSE(topic_matches("sunbridge/+/cmd/#", "sunbridge/SN1/telemetry"));
  CHECK(topic_matches("#", "a/b/c"));
  CHECK(topic_matches("a/+", "a/b"));
  CHECK_FALSE(topic_matches("a/+", "a/b/c"));
  CHECK_FALSE(topic_matches("a/+", "a"));
}
