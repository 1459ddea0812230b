// SPDX-License-Identifier: Apache-2.0
// The cloud link against a real mosquitto on 127.0.0.1: nothing is lost across a broker outage,
// order is kept, gaps are detectable by seq.
#include <algorithm>
#include <csignal>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "mqtt_support.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/core/local_time.hpp"

using namespace sb;
using namespace sb::it;

namespace {

// The outbox's sequence numbers as received: one sequence for every record the outbox carries
// (telemetry and events here: a link coming up is an event too).
std::vector<std::int64_t> outbox_seqs(const Subscriber& sub) {
  std::vector<std::int64_t> out;
  for (const auto& m : sub.messages()) {
    const bool telemetry =
        m.topic.size() > 10 && m.topic.substr(m.topic.size() - 10) == "/telemetry";
    const bool event = m.topic.size() > 6 && m.topic.substr(m.topic.size() - 6) == "/event";
    if (!telemetry && !event) continue;
    out.push_back(json::parse(m.payload).at("seq").get<std::int64_t>());
  }
  return out;
}

// Home Assistant's configs among `messages` from index `from` on: the newest payload per
// ".../config" topic; an empty one removes the topic (Home Assistant forgets the entity).
std::map<std::string, std::string> latest_configs(const std::vector<Received>& messages,
                                                  std::size_t from = 0) {
  std::map<std::string, std::string> out;
  for (std::size_t i = from; i < messages.size(); ++i) {
    const Received& m = messages[i];
    if (m.topic.size() <= 7 || m.topic.substr(m.topic.size() - 7) != "/config") continue;
    if (m.payload.empty()) {
      out.erase(m.topic);
    } else {
      out[m.topic] = m.payload;
    }
  }
  return out;
}

// Whether the Home Assistant configs the broker holds, as a new subscriber (Home Assistant
// starting) sees them, satisfy `matches` (or come to within the wait).
bool broker_configs_match(
    const Broker& broker,
    const std::function<bool(const std::map<std::string, std::string>&)>& matches) {
  static int subscribers = 0;  // a new client id each time: a new session, as Home Assistant's
  Subscriber sub(broker.url(), "homeassistant/+/+/config",
                 "test-configs-" + std::to_string(++subscribers));
  // The broker sends what it retains at the subscription, so before this marker.
  const std::string marker = "homeassistant/sensor/test_marker/config";
  sub.publish(marker, "here");
  REQUIRE(testkit::wait_until(
      [&] {
        const auto all = sub.messages();
        return std::any_of(all.begin(), all.end(),
                           [&](const Received& m) { return m.topic == marker; });
      },
      10s));
  return testkit::wait_until(
      [&] {
        auto configs = latest_configs(sub.messages());
        configs.erase(marker);
        return matches(configs);
      },
      20s);
}

// Whether the broker holds the four Home Assistant configs of the pack with this serial id, or
// none of them.
bool broker_holds_pack(const Broker& broker, const std::string& serial_id, bool present) {
  return broker_configs_match(broker, [&](const std::map<std::string, std::string>& configs) {
    int n = 0;
    for (const auto& [topic, payload] : configs)
      n += topic.find("_pack_" + serial_id + "_") != std::string::npos;
    return present ? n == 4 : n == 0;
  });
}

json mqtt_config(const testkit::TempDir& dir, Sim& sim, const Broker& broker) {
  json c = fast_config(dir, sim.link());
  c["mqtt"] = {{"url", broker.url()},  {"device_id", "SPI10K-TEST"}, {"telemetry_interval_s", 0.2},
               {"reconnect_min_s", 1}, {"reconnect_max_s", 1},       {"keepalive_s", 5}};
  return c;
}

// The packs over the Modbus BMS link (the simulator's pm.tty), read every second, and their
// messages recorded every second: what the Home Assistant pack tests need.
json pack_config(const testkit::TempDir& dir, Sim& sim, const Broker& broker) {
  json c = mqtt_config(dir, sim, broker);
  c["bms"] = {{"mode", "modbus"}, {"device", dir.file("pm.tty")}, {"poll_interval", 1}};
  c["mqtt"]["telemetry_interval_s"] = 1;
  return c;
}

// What the Home Assistant pack tests start from: a broker, the simulator with its four packs on
// the Modbus BMS link, and pack_config.
struct PackRig {
  testkit::TempDir dir;
  Broker broker{dir};
  Sim sim{dir, {"--pack-modbus-link", dir.file("pm.tty")}};
  json config = pack_config(dir, sim, broker);
};

}  // namespace

TEST_CASE("telemetry reaches the broker with seq, status online retained", "[integration][mqtt]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  Subscriber sub(broker.url(), "sunbridge/#", "test-sub-1");
  Daemon d(dir, mqtt_config(dir, sim, broker), "d");
  REQUIRE(testkit::wait_until([&] { return outbox_seqs(sub).size() >= 5; }, 15s));
  auto msgs = sub.messages();
  bool online = false;
  for (const auto& m : msgs)
    online |= m.topic == "sunbridge/SPI10K-TEST/status" && m.payload == "online";
  CHECK(online);
  json first;
  for (const auto& m : msgs) {
    if (m.topic == "sunbridge/SPI10K-TEST/telemetry") {
      first = json::parse(m.payload);
      break;
    }
  }
  CHECK(first.contains("ts"));
  CHECK(first["points"].contains("battery.soc"));
  auto seqs = outbox_seqs(sub);
  for (std::size_t i = 1; i < seqs.size(); ++i)
    CHECK(seqs[i] == seqs[i - 1] + 1);
  auto status = d.status();
  CHECK(point(status, "link.mqtt.state")["value"] == "online");
}

TEST_CASE("a broker outage loses nothing: the backlog drains in order, no gaps by seq",
          "[integration][mqtt]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  auto sub = std::make_unique<Subscriber>(broker.url(), "sunbridge/+/+", "test-sub-2");
  Daemon d(dir, mqtt_config(dir, sim, broker), "d");
  REQUIRE(testkit::wait_until([&] { return outbox_seqs(*sub).size() >= 3; }, 15s));
  broker.stop();
  // Records keep coming while the broker is away: they wait in the outbox.
  auto during =
      d.wait_for([](const json& s) { return maybe_number(s, "link.mqtt.backlog") >= 10.0; }, 20s);
  CHECK(point(during, "link.mqtt.state")["value"] == "offline");
  broker.start();
  // Both clients reconnect; the persistent session keeps the subscription.
  auto drained = d.wait_for(
      [](const json& s) {
        return point(s, "link.mqtt.state")["value"] == "online" &&
               maybe_number(s, "link.mqtt.backlog").value_or(1e9) <= 1;
      },
      30s);
  // The subscriber reconnects on its own schedule: wait until it has everything the daemon had
  // committed when the backlog drained (the newest seq then is at least the count below).
  const auto committed =
      static_cast<std::size_t>(number(drained, "link.mqtt.backlog")) + static_cast<std::size_t>(13);
  testkit::wait_until(
      [&] {
        auto seqs = outbox_seqs(*sub);
        std::vector<std::int64_t> u(seqs.begin(), seqs.end());
        std::sort(u.begin(), u.end());
        u.erase(std::unique(u.begin(), u.end()), u.end());
        return u.size() >= committed && u.back() == static_cast<std::int64_t>(u.size());
      },
      30s);
  auto seqs = outbox_seqs(*sub);
  INFO(testkit::read_file(dir.file("mosquitto.log")));
  REQUIRE(seqs.size() >= 13);
  // In order, duplicates allowed (QoS 1), no gaps.
  std::vector<std::int64_t> unique;
  for (auto s : seqs) {
    if (unique.empty() || s > unique.back()) {
      CHECK((unique.empty() || s == unique.back() + 1));
      unique.push_back(s);
    } else {
      CHECK(std::find(unique.begin(), unique.end(), s) != unique.end());  // a re-delivery
    }
  }
  CHECK(unique.front() == 1);
}

TEST_CASE("SIGKILL at random moments while publishing: the outbox stays intact, nothing is lost",
          "[integration][mqtt]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  Subscriber sub(broker.url(), "sunbridge/+/+", "test-sub-3");
  json config = mqtt_config(dir, sim, broker);
  config["mqtt"]["telemetry_interval_s"] = 0.1;
  config["mqtt"]["drain_per_s"] = 5;  // slower than the records: a backlog builds up
  const std::string path = dir.file("k.json");
  testkit::write_file(path, config.dump());
  std::mt19937 rng(20261122);  // reproducible "random" moments
  std::uniform_int_distribution<int> pause_ms(150, 900);
  for (int i = 0; i < 20; ++i) {
    testkit::Process p({SUNBRIDGED_PATH, "--config", path}, dir.file("k.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    REQUIRE(p.stop(SIGKILL, 5s).has_value());
  }
  {
    adapters::SqliteDb db(config["storage"]["path"].get<std::string>());
    auto st = db.prepare("PRAGMA integrity_check");
    REQUIRE(st);
    REQUIRE(*st->step());
    CHECK(st->column_text(0) == "ok");
  }
  // A last, clean run (at full drain rate, records slower) drains whatever was committed.
  config["mqtt"]["drain_per_s"] = 500;
  config["mqtt"]["telemetry_interval_s"] = 5;
  Daemon d(dir, config, "d");
  auto last =
      d.wait_for([](const json& s) { return maybe_number(s, "link.mqtt.backlog") == 0.0; }, 60s);
  REQUIRE(number(last, "link.mqtt.backlog") == 0);
  std::int64_t committed = 0;
  {
    adapters::SqliteDb db(config["storage"]["path"].get<std::string>());
    auto st = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'");
    REQUIRE(st);
    REQUIRE(*st->step());
    committed = st->column_int(0);
  }
  REQUIRE(committed > 20);
  std::vector<std::int64_t> u;
  testkit::wait_until(
      [&] {
        auto seqs = outbox_seqs(sub);
        u.assign(seqs.begin(), seqs.end());
        std::sort(u.begin(), u.end());
        u.erase(std::unique(u.begin(), u.end()), u.end());
        return !u.empty() && u.back() >= committed;
      },
      30s);
  // Every committed record up to the last one the drain saw arrived, without a gap.
  REQUIRE(!u.empty());
  CHECK(u.front() == 1);
  CHECK(u.back() >= committed);
  CHECK(static_cast<std::int64_t>(u.size()) == u.back());
}

TEST_CASE("TLS with client certificates from a throwaway CA, and a wrong CA is refused",
          "[integration][mqtt]") {
  testkit::TempDir dir;
  TestPki pki(dir, "SPI10K-TEST");
  Broker broker(dir, pki);
  Sim sim(dir);
  Subscriber sub(broker.url(), "sunbridge/#", "test-sub-4");
  json config = fast_config(dir, sim.link());
  config["mqtt"] = {
      {"url", broker.tls_url()},
      {"device_id", "SPI10K-TEST"},
      {"telemetry_interval_s", 0.2},
      {"tls", {{"ca_file", pki.ca}, {"cert_file", pki.client_cert}, {"key_file", pki.client_key}}}};
  {
    Daemon d(dir, config, "d");
    REQUIRE(testkit::wait_until([&] { return outbox_seqs(sub).size() >= 2; }, 15s));
    CHECK(point(d.status(), "link.mqtt.state")["value"] == "online");
  }
  // A server certificate the daemon cannot verify: no connection, nothing published.
  config["mqtt"]["tls"]["ca_file"] = pki.other_ca;
  config["mqtt"]["device_id"] = "SPI10K-OTHER";
  config["storage"]["path"] = dir.file("other.db");
  Daemon d(dir, config, "d2");
  std::this_thread::sleep_for(2500ms);
  auto status = d.status();
  CHECK(point(status, "link.mqtt.state")["value"] == "offline");
  CHECK(number(status, "link.mqtt.backlog") > 0);
  for (const auto& m : sub.messages())
    CHECK(m.topic.find("SPI10K-OTHER") == std::string::npos);
  CHECK(d.log().find("cannot connect to ssl://127.0.0.1") != std::string::npos);
}

TEST_CASE("per-pack messages carry seed 000's SCADA fields", "[integration][mqtt]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir, {"--pack-modbus-link", dir.file("pm.tty")});
  Subscriber sub(broker.url(), "sunbridge/+/battery/#", "test-sub-5");
  json config = mqtt_config(dir, sim, broker);
  config["bms"] = {{"mode", "modbus"}, {"device", dir.file("pm.tty")}, {"poll_interval", 1}};
  Daemon d(dir, config, "d");
  std::map<std::string, json> latest;
  REQUIRE(testkit::wait_until(
      [&] {
        for (const auto& m : sub.messages())
          latest[m.topic] = json::parse(m.payload);
        return latest.size() == 4;
      },
      30s));
  const json& one = latest.at("sunbridge/SPI10K-TEST/battery/1");
  for (const char* key : {"timestamp", "battery_id", "soc", "power_output", "temperature",
                          "health_score", "seq", "cells_mv"}) {
    CHECK(one.contains(key));
  }
  CHECK(one["cells_mv"].size() == 16);
  CHECK(one["health_score"].get<double>() > 50);
  CHECK(one["health_score"].get<double>() <= 100);
  auto packs = sim.control({{"cmd", "pack-dump"}});
  INFO(packs.dump());
  CHECK(one["battery_id"].get<std::string>() != "");
}

TEST_CASE("Home Assistant discovery: retained configs with unique ids, again on HA's restart",
          "[integration][mqtt]") {
  PackRig rig;
  Subscriber sub(rig.broker.url(), "homeassistant/#", "test-sub-6");
  Daemon d(rig.dir, rig.config, "d");
  auto configs = [&] {
    std::map<std::string, json> out;
    for (const auto& [topic, payload] : latest_configs(sub.messages()))
      out[topic] = json::parse(payload);
    return out;
  };
  // Packs are announced under their serials once read; anything announced under the
  // placeholder before (a loaded machine reads the serials a cycle later) must be removed.
  REQUIRE(testkit::wait_until(
      [&] {
        const auto all = configs();
        std::size_t by_serial = 0;
        for (const auto& [topic, c] : all)
          by_serial += topic.find("_pack_pack_") == std::string::npos ? 1 : 0;
        // 25 inverter, energy and tariff sensors, 14 check problem sensors, 4 per pack.
        return all.size() == 25 + 14 + 4 * 4 && by_serial == all.size();
      },
      30s));
  auto all = configs();
  const json& soc = all.at("homeassistant/sensor/sunbridge_spi10k_test_battery_soc/config");
  CHECK(soc["state_topic"] == "sunbridge/SPI10K-TEST/telemetry");
  CHECK(soc["availability_topic"] == "sunbridge/SPI10K-TEST/status");
  CHECK(soc["value_template"] == "{{ value_json.points['battery.soc'] }}");
  CHECK(soc["expire_after"] == 13);
  CHECK(soc["unit_of_measurement"] == "%");
  // The current price, for the energy dashboard.
  const json& price = all.at("homeassistant/sensor/sunbridge_spi10k_test_tariff_price/config");
  CHECK(price["unit_of_measurement"] == "JPY/kWh");
  CHECK(price["value_template"] == "{{ value_json.points['tariff.price'] }}");
  // Energy counters for the energy dashboard: kWh, total_increasing.
  const json& import =
      all.at("homeassistant/sensor/sunbridge_spi10k_test_energy_grid_import_lifetime/config");
  CHECK(import["device_class"] == "energy");
  CHECK(import["state_class"] == "total_increasing");
  CHECK(import["unit_of_measurement"] == "kWh");
  const json& dip =
      all.at("homeassistant/binary_sensor/sunbridge_spi10k_test_check_pq_voltage_state/config");
  CHECK(dip["device_class"] == "problem");
  CHECK(dip["payload_on"] == "ON");
  CHECK(dip["value_template"].get<std::string>().find("check.pq.voltage.state") !=
        std::string::npos);
  std::set<std::string> ids;
  for (const auto& [topic, c] : all)
    ids.insert(c["unique_id"].get<std::string>());
  CHECK(ids.size() == all.size());
  const auto before = sub.messages().size();
  sub.publish("homeassistant/status", "online");
  REQUIRE(testkit::wait_until([&] { return sub.messages().size() >= before + 25; }, 10s));
}

TEST_CASE("fifteen packs: Home Assistant gets every config, and all of them again when it returns",
          "[integration][mqtt]") {
  // 99 retained configs: more than the MQTT client buffers at once. Sent all together they
  // overflowed it, and the packs announced last were missing from Home Assistant.
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir, {"--packs", "15", "--pack-modbus-link", dir.file("pm.tty")});
  Subscriber sub(broker.url(), "homeassistant/#", "test-sub-15");
  json config = mqtt_config(dir, sim, broker);
  config["bms"] = {
      {"mode", "modbus"}, {"device", dir.file("pm.tty")}, {"poll_interval", 1}, {"packs", 15}};
  config["mqtt"]["telemetry_interval_s"] = 0.2;
  Daemon d(dir, config, "d");
  constexpr std::size_t kConfigs = 25 + 14 + 4 * 15;
  auto configs = [&](std::size_t from) { return latest_configs(sub.messages(), from); };
  auto by_serial = [](const std::map<std::string, std::string>& all) {
    std::set<std::string> serials;
    for (const auto& [topic, payload] : all) {
      const std::size_t at = topic.find("_pack_");
      if (at == std::string::npos) continue;
      if (topic.find("_pack_pack_") != std::string::npos) return std::size_t{0};  // placeholder
      const std::size_t from = at + 6;
      serials.insert(topic.substr(from, topic.find('_', from) - from));
    }
    return serials.size();
  };
  REQUIRE(testkit::wait_until(
      [&] {
        const auto all = configs(0);
        return all.size() == kConfigs && by_serial(all) == 15;
      },
      60s));
  // Home Assistant restarted: every config again, none refused for want of room.
  const auto before = sub.messages().size();
  sub.publish("homeassistant/status", "online");
  REQUIRE(testkit::wait_until([&] { return configs(before).size() == kConfigs; }, 20s));
  CHECK(by_serial(configs(before)) == 15);
  CHECK(d.log().find("refuses") == std::string::npos);
}

TEST_CASE(
    "a swapped pack: Home Assistant forgets its old serial, even when the removal is lost "
    "with the connection, or the swap happens while the daemon is stopped",
    "[integration][mqtt]") {
  PackRig rig;
  const auto holds = [&](const std::string& serial_id, bool present) {
    return broker_holds_pack(rig.broker, serial_id, present);
  };
  const auto pack_serial = [&](Daemon& d, int pack) {
    const json s = d.status();
    const std::string name = "pack." + std::to_string(pack) + ".serial";
    return fresh(s, name) ? point(s, name)["value"].get<std::string>() : std::string();
  };
  const auto swap = [&](Daemon* d, int pack, const std::string& serial) {
    rig.sim.control({{"cmd", "pack-silent"}, {"pack", pack}, {"on", true}});
    if (d != nullptr) {  // the daemon sees it stop answering
      d->wait_for([&](const json& s) { return !fresh(s, "pack." + std::to_string(pack) + ".soc"); },
                  20s);
    }
    rig.sim.control({{"cmd", "pack-serial"}, {"pack", pack}, {"serial", serial}});
    rig.sim.control({{"cmd", "pack-silent"}, {"pack", pack}, {"on", false}});
  };
  {
    Daemon d(rig.dir, rig.config, "d");
    REQUIRE(holds("flcd16100482401017", true));  // the simulator's pack 1
    REQUIRE(holds("flcd16100482401018", true));  // and pack 2
    // The broker saves what it holds; restarted, it has it again and the daemon reconnects.
    rig.broker.stop();
    rig.broker.start();
    d.wait_for([](const json& s) { return point(s, "link.mqtt.state")["value"] == "online"; }, 20s);
    // Pack 1 swapped while the broker takes messages but answers none: the removal of the old
    // configs goes out on a connection that then dies, and the broker restarts without it.
    rig.broker.freeze();
    swap(&d, 1, "FLCD16100489999991");
    REQUIRE(testkit::wait_until([&] { return pack_serial(d, 1) == "FLCD16100489999991"; }, 20s));
    std::this_thread::sleep_for(1s);  // its removal and new configs written to the broker
    rig.broker.kill();
    rig.broker.start();
    INFO(d.log());
    CHECK(holds("flcd16100489999991", true));
    CHECK(holds("flcd16100482401017", false));
  }
  // Pack 2 swapped while the daemon is stopped: it finds out at its first reading.
  swap(nullptr, 2, "FLCD16100489999992");
  Daemon d(rig.dir, rig.config, "d");
  INFO(d.log());
  CHECK(holds("flcd16100489999992", true));
  CHECK(holds("flcd16100482401018", false));
  CHECK(holds("flcd16100489999991", true));  // pack 1 stays as it is
}

TEST_CASE(
    "packs taken out of the configuration, or the BMS link turned off: Home Assistant forgets "
    "them",
    "[integration][mqtt]") {
  PackRig rig;
  const auto holds = [&](int pack, bool present) {
    // The simulator's packs have serials FLCD16100482401017 and on.
    return broker_holds_pack(rig.broker, "flcd1610048" + std::to_string(2401016 + pack), present);
  };
  {
    Daemon d(rig.dir, rig.config, "d");
    for (int pack = 1; pack <= 4; ++pack)
      REQUIRE(holds(pack, true));
  }
  rig.config["bms"]["packs"] = 2;
  {
    Daemon d(rig.dir, rig.config, "d");
    INFO(d.log());
    CHECK(holds(3, false));
    CHECK(holds(4, false));
    CHECK(holds(1, true));
    CHECK(holds(2, true));
  }
  rig.config.erase("bms");
  Daemon d(rig.dir, rig.config, "d");
  INFO(d.log());
  CHECK(holds(1, false));
  CHECK(holds(2, false));
}

TEST_CASE(
    "the checks turned off, or Home Assistant discovery turned off: Home Assistant forgets their "
    "configs",
    "[integration][mqtt]") {
  PackRig rig;
  // How many configs of each kind the broker holds: the inverter's, the checks', the packs'.
  const auto holds = [&](std::size_t inverter, std::size_t checks, std::size_t packs) {
    return broker_configs_match(rig.broker, [&](const std::map<std::string, std::string>& configs) {
      std::size_t n_inverter = 0, n_checks = 0, n_packs = 0;
      for (const auto& [topic, payload] : configs) {
        if (topic.find("_pack_pack_") != std::string::npos) return false;  // not read yet
        if (topic.find("_pack_") != std::string::npos) {
          ++n_packs;
        } else if (topic.find("_check_") != std::string::npos) {
          ++n_checks;
        } else {
          ++n_inverter;
        }
      }
      return n_inverter == inverter && n_checks == checks && n_packs == packs;
    });
  };
  {
    Daemon d(rig.dir, rig.config, "d");
    REQUIRE(holds(25, 14, 4 * 4));
  }
  rig.config["checks"] = {{"enabled", false}};
  {
    Daemon d(rig.dir, rig.config, "d");
    INFO(d.log());
    CHECK(holds(25, 0, 4 * 4));
  }
  rig.config["mqtt"]["homeassistant"] = false;
  {
    Daemon d(rig.dir, rig.config, "d");
    INFO(d.log());
    CHECK(holds(0, 0, 0));
  }
  // Turned on again, everything is announced again.
  rig.config["mqtt"]["homeassistant"] = true;
  rig.config.erase("checks");
  {
    Daemon d(rig.dir, rig.config, "d");
    INFO(d.log());
    CHECK(holds(25, 14, 4 * 4));
  }
  // A gateway updated from a version whose memory listed only the packs: the inverter's and
  // the checks' configs were announced with them, and go as well.
  {
    adapters::SqliteDb db(rig.config["storage"]["path"].get<std::string>());
    adapters::SettingsStore store(db);
    auto memory = store.get("mqtt.discovery");
    REQUIRE(memory);
    REQUIRE(memory->has_value());
    json old = **memory;
    REQUIRE(old.at("announced").size() == 25 + 14 + 4 * 4);
    old.erase("announced");
    REQUIRE(store.put("mqtt.discovery", old, std::chrono::system_clock::now()));
  }
  rig.config["mqtt"]["homeassistant"] = false;
  Daemon d(rig.dir, rig.config, "d");
  INFO(d.log());
  CHECK(holds(0, 0, 0));
}

TEST_CASE("MQTT 3.1.1 and 5: subscriptions answered and offline published at a clean stop",
          "[integration][mqtt]") {
  const std::string version = GENERATE(as<std::string>{}, "3.1.1", "5");
  INFO("MQTT " << version);
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  Subscriber sub(broker.url(), "#", "test-sub-7");
  json config = mqtt_config(dir, sim, broker);
  config["mqtt"]["version"] = version;
  {
    Daemon d(dir, config, "d");
    REQUIRE(testkit::wait_until([&] { return outbox_seqs(sub).size() >= 5; }, 15s));
    auto seqs = outbox_seqs(sub);
    for (std::size_t i = 1; i < seqs.size(); ++i)
      CHECK(seqs[i] == seqs[i - 1] + 1);
    auto discovery_count = [&] {
      std::size_t n = 0;
      for (const auto& m : sub.messages())
        n += m.topic.rfind("homeassistant/sensor/", 0) == 0 ? 1 : 0;
      return n;
    };
    REQUIRE(testkit::wait_until([&] { return discovery_count() >= 17; }, 15s));
    // The daemon's subscription works over v5: HA's restart makes it announce again.
    const auto before = discovery_count();
    sub.publish("homeassistant/status", "online");
    REQUIRE(testkit::wait_until([&] { return discovery_count() >= before + 17; }, 10s));
    CHECK(point(d.status(), "link.mqtt.state")["value"] == "online");
  }
  // A clean stop publishes offline (retained) over v5 as well.
  REQUIRE(testkit::wait_until(
      [&] {
        auto msgs = sub.messages();
        return !msgs.empty() && std::any_of(msgs.rbegin(), msgs.rend(), [](const auto& m) {
          return m.topic == "sunbridge/SPI10K-TEST/status" && m.payload == "offline";
        });
      },
      10s));
}

TEST_CASE("MQTT 5: records the broker refuses for good are counted and do not hold up the rest",
          "[integration][mqtt]") {
  testkit::TempDir dir;
  // Telemetry is not allowed, results are: every telemetry record is refused (0x87).
  testkit::write_file(dir.file("acl"),
                      "pattern write sunbridge/%c/status\n"
                      "pattern write sunbridge/%c/cmd/result\n"
                      "pattern read sunbridge/%c/cmd/+\n"
                      "topic read sunbridge/#\n"
                      "topic write sunbridge/+/cmd/+\n");
  // The test brokers queue without limit (max_queued_messages 0) for the outage tests, but with
  // that setting mosquitto 2.0.11 drops an MQTT 5 client's connection when it refuses one of its
  // QoS 1 messages: back to its default here (the last setting wins).
  Broker broker(dir, "acl_file " + dir.file("acl") + "\nmax_queued_messages 1000\n");
  Sim sim(dir);
  Subscriber sub(broker.url(), "sunbridge/#", "test-sub-8");
  json config = mqtt_config(dir, sim, broker);
  config["mqtt"]["version"] = "5";
  Daemon d(dir, config, "d");
  json s = d.wait_for(
      [](const json& st) {
        return point(st, "link.mqtt.backlog")
                   .value("note", "")
                   .find("records refused by the broker") != std::string::npos;
      },
      15s);
  INFO(s.dump());
  REQUIRE(point(s, "link.mqtt.backlog").value("note", "").find("refused") != std::string::npos);
  // A result queued behind refused telemetry still goes out: nothing is held up.
  const bool answered = testkit::wait_until(
      [&] {
        for (const auto& m : sub.messages())
          if (m.topic == "sunbridge/SPI10K-TEST/cmd/result") return true;
        sub.publish("sunbridge/SPI10K-TEST/cmd/probe", "{}");
        std::this_thread::sleep_for(300ms);
        return false;
      },
      15s);
  CHECK(answered);
  CHECK(outbox_seqs(sub).empty());
  // The refused records left the outbox: the backlog does not grow with every telemetry record.
  CHECK(number(d.status(), "link.mqtt.backlog") < 5);
  CHECK(d.log().find("the broker refuses records on sunbridge/SPI10K-TEST/telemetry") !=
        std::string::npos);
}

TEST_CASE("energy counters reach Home Assistant and never go backwards: restart, counter reset",
          "[integration][mqtt]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  Subscriber sub(broker.url(), "sunbridge/SPI10K-TEST/telemetry", "test-sub-energy");
  const json config = mqtt_config(dir, sim, broker);
  // Every energy.pv.lifetime the broker carried, in order (null while unknown).
  auto pv_counts = [&] {
    std::vector<double> out;
    for (const auto& m : sub.messages()) {
      const json t = json::parse(m.payload, nullptr, false);
      if (t.is_discarded() || !t.contains("points")) continue;
      const json& v = t["points"].value("energy.pv.lifetime", json());
      if (v.is_number()) out.push_back(v.get<double>());
    }
    return out;
  };
  auto last_pv = [&] {
    const auto v = pv_counts();
    return v.empty() ? 0.0 : v.back();
  };
  double before_restart = 0;
  {
    Daemon d(dir, config, "d");
    REQUIRE(testkit::wait_until([&] { return last_pv() > 0.0005; }, 20s));
    // The inverter's own counter starts again from 0 (a firmware update, a reset at the LCD).
    sim.control({{"cmd", "poke"}, {"address", 0xF038}, {"value", 0}});
    sim.control({{"cmd", "poke"}, {"address", 0xF039}, {"value", 0}});
    const double at_reset = last_pv();
    REQUIRE(testkit::wait_until([&] { return last_pv() > at_reset; }, 20s));
    before_restart = last_pv();
  }
  {
    Daemon d(dir, config, "d");
    REQUIRE(testkit::wait_until([&] { return last_pv() > before_restart; }, 20s));
  }
  const auto counts = pv_counts();
  INFO(json(counts).dump());
  REQUIRE(counts.size() >= 3);
  for (std::size_t i = 1; i < counts.size(); ++i)
    CHECK(counts[i] >= counts[i - 1]);
}

TEST_CASE("the morning reports: yesterday retained on report/daily, last week on Mondays",
          "[integration][mqtt]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  REQUIRE(sb::set_process_timezone("Asia/Tokyo").ok());
  FakeTime fake(dir);
  fake.set(*sb::from_local_civil({2026, 11, 30, 7, 20, 0}));  // a Monday, after 07:15
  Daemon d(dir, mqtt_config(dir, sim, broker), "d", fake.fixed_env());
  const std::string base = "sunbridge/SPI10K-TEST/report/";
  // A subscriber that comes later still gets both: they are retained.
  REQUIRE(testkit::wait_until([&] { return fresh(d.status(), "battery.soc"); }, 20s));
  std::this_thread::sleep_for(1s);
  Subscriber sub(broker.url(), base + "#", "test-sub-reports");
  std::map<std::string, json> got;
  REQUIRE(testkit::wait_until(
      [&] {
        for (const auto& m : sub.messages())
          got[m.topic] = json::parse(m.payload);
        return got.size() == 2;
      },
      20s));
  const json& daily = got.at(base + "daily");
  CHECK(daily["period"] == "day");
  CHECK(daily["from"] == "2026-11-29");
  CHECK(daily["tariff"] == "shikoku-seasonal-tou");
  CHECK(daily.contains("kpis"));
  const json& weekly = got.at(base + "weekly");
  CHECK(weekly["from"] == "2026-11-23");
  CHECK(weekly["to"] == "2026-11-29");
}
