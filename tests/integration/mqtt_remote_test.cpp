// SPDX-License-Identifier: Apache-2.0
// Remote configuration and commands against a real mosquitto on 127.0.0.1 and the simulator:
// signed messages act and are read back; invalid, replayed, expired, unsigned, wrongly signed
// and out-of-role ones are refused with reasons and reach nothing on the inverter.
// Messages are signed with the openssl command, not our own code.
#include <thread>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "mqtt_support.hpp"
#include "sunbridge/core/local_time.hpp"

using namespace sb;
using namespace sb::it;

namespace {

const std::string kOwnerKey(64, 'a');       // 32 bytes of 0xaa
const std::string kAggregatorKey(64, 'b');  // 32 bytes of 0xbb
const std::string kDevice = "SPI10K-TEST";
const std::string kBase = "sunbridge/" + kDevice + "/";
constexpr int k07 = 0xE20A, k58 = 0xE01E;

// HMAC-SHA256 over the canonical form (sorted keys, no white space: nlohmann's dump), computed
// by `openssl dgst`.
std::string sign(const testkit::TempDir& dir, json message, const std::string& hex_key) {
  message.erase("hmac");
  const std::string file = dir.file("to-sign.json");
  testkit::write_file(file, message.dump());
  auto r = testkit::run(
      {"/usr/bin/openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + hex_key, file},
      10s);
  REQUIRE(r.status == 0);
  const auto eq = r.out.rfind("= ");
  REQUIRE(eq != std::string::npos);
  std::string mac = r.out.substr(eq + 2);
  while (!mac.empty() && (mac.back() == '\n' || mac.back() == '\r'))
    mac.pop_back();
  REQUIRE(mac.size() == 64);
  return mac;
}

// A time as the daemon's clock reads it (it may run at another date: product_now()).
std::string iso(std::chrono::seconds from_now,
                std::chrono::system_clock::time_point base = product_now()) {
  return format_iso8601_utc(
      std::chrono::time_point_cast<std::chrono::milliseconds>(base + from_now));
}

json command(const std::string& id, const std::string& name, const std::string& role,
             json args = json::object()) {
  return {{"id", id},
          {"cmd", name},
          {"device", kDevice},
          {"role", role},
          {"issued_at", iso(-5s)},
          {"expires_at", iso(300s)},
          {"args", std::move(args)}};
}

std::string signed_payload(const testkit::TempDir& dir, json m, const std::string& key) {
  m["hmac"] = sign(dir, m, key);
  return m.dump();
}

json remote_config(const testkit::TempDir& dir, Sim& sim, const Broker& broker) {
  json c = fast_config(dir, sim.link());
  c["mqtt"] = {{"url", broker.url()},
               {"device_id", kDevice},
               {"telemetry_interval_s", 5},
               {"reconnect_min_s", 1},
               {"reconnect_max_s", 1},
               {"homeassistant", false},
               {"roles",
                {{"owner",
                  {{"key", kOwnerKey},
                   {"commands", {"profile", "hold", "param", "sync-clock", "refresh", "config"}},
                   {"params", {"07", "10", "41", "62", "58", "59"}}}},
                 {"aggregator", {{"key", kAggregatorKey}, {"commands", {"hold", "refresh"}}}}}}};
  c["settings"] = {
      {"apply", false}, {"settle_ms", 20}, {"clock", {{"sync", true}, {"max_skew_s", 86400}}}};
  return c;
}

// The result for `id` on cmd/result, waiting for it.
json result_for(const Subscriber& sub, const std::string& id,
                std::chrono::milliseconds timeout = 15s) {
  json found;
  testkit::wait_until(
      [&] {
        for (const auto& m : sub.messages()) {
          if (m.topic != kBase + "cmd/result") continue;
          json r = json::parse(m.payload);
          if (r.value("id", json()) == json(id)) {
            found = r;
            return true;
          }
        }
        return false;
      },
      timeout);
  INFO("no result for " << id);
  REQUIRE(found.is_object());
  return found;
}

std::size_t write_requests(Sim& sim) {
  const json log = sim.control({{"cmd", "write-log"}});
  return log["writes"].size();
}

int reg(Sim& sim, int address) {
  return sim.control({{"cmd", "get-reg"}, {"address", address}})["words"][0].get<int>();
}

json refused_audit_rows(Daemon& d) {
  json out = json::array();
  const json rows = d.call({{"cmd", "audit"}, {"since", "2000-01-01"}})["audit"];
  for (const auto& r : rows) {
    if (r["cause"] == "remote" && r["result"] == "refused") out.push_back(r);
  }
  return out;
}

// The daemon subscribes after it connects: until it has, a command would be lost (commands are
// not retained). Probes (refused: not a command) until one is answered.
void wait_subscribed(Subscriber& sub, Daemon* d = nullptr) {
  const bool answered = testkit::wait_until(
      [&] {
        for (const auto& m : sub.messages()) {
          if (m.topic == kBase + "cmd/result" && json::parse(m.payload)["cmd"] == "probe") {
            return true;
          }
        }
        sub.publish(kBase + "cmd/probe", "{}");
        std::this_thread::sleep_for(300ms);
        return false;
      },
      20s);
  INFO("daemon log:\n" << (d != nullptr ? d->log() : std::string("(not asked for)")));
  REQUIRE(answered);
}

bool settings_fresh(const json& s) {
  return fresh(s, "setting.p07") && fresh(s, "setting.p58");
}

}  // namespace

TEST_CASE("signed commands act and are read back, bad ones are refused and audited",
          "[integration][mqtt][remote]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  Subscriber sub(broker.url(), "sunbridge/#", "test-cloud-1");
  Daemon d(dir, remote_config(dir, sim, broker), "d");
  d.wait_for(settings_fresh, 15s);
  REQUIRE(testkit::wait_until([&] { return sub.connected(); }, 10s));
  REQUIRE(d.wait_for([](const json& s) { return point(s, "link.mqtt.state")["value"] == "online"; },
                     15s)["points"]
              .contains("link.mqtt.state"));
  wait_subscribed(sub);
  sim.control({{"cmd", "write-log"}, {"clear", true}});

  // A signed param command from the owner: written, read back from the simulator.
  const std::string ok = signed_payload(
      dir, command("c-1", "param", "owner", {{"param", "07"}, {"value", 80}}), kOwnerKey);
  sub.publish(kBase + "cmd/param", ok);
  json r = result_for(sub, "c-1");
  INFO(r.dump());
  CHECK(r["accepted"] == true);
  CHECK(r["readback"]["setting.p07"] == 80.0);
  CHECK(reg(sim, k07) == 800);
  CHECK(write_requests(sim) == 1);

  // Each of these must be refused and reach nothing.
  sim.control({{"cmd", "write-log"}, {"clear", true}});
  struct Bad {
    std::string id, topic, payload, reason;
  };
  json expired = command("c-3", "param", "owner", {{"param", "07"}, {"value", 60}});
  expired["issued_at"] = iso(-600s);
  expired["expires_at"] = iso(-300s);
  json unsigned_cmd = command("c-4", "param", "owner", {{"param", "07"}, {"value", 60}});
  const std::vector<Bad> bad = {
      {"c-1", "cmd/param", ok, "replayed id"},
      {"c-3", "cmd/param", signed_payload(dir, expired, kOwnerKey), "expired at"},
      {"c-4", "cmd/param", unsigned_cmd.dump(), "unsigned"},
      {"c-5", "cmd/param",
       signed_payload(dir, command("c-5", "param", "owner", {{"param", "07"}, {"value", 60}}),
                      kAggregatorKey),
       "bad signature"},
      {"c-6", "cmd/param",
       signed_payload(dir, command("c-6", "param", "aggregator", {{"param", "07"}, {"value", 60}}),
                      kAggregatorKey),
       "role aggregator may not use command param"},
      {"c-7", "cmd/param",
       signed_payload(dir, command("c-7", "param", "owner", {{"param", "10"}, {"value", 100000}}),
                      kOwnerKey),
       "10"},
      {"c-8", "cmd/param",
       signed_payload(dir, command("c-8", "param", "owner", {{"param", "02"}, {"value", 50}}),
                      kOwnerKey),
       "role owner may not set parameter 02"},
      {"c-9", "cmd/hold",
       signed_payload(dir, command("c-9", "hold", "owner", {{"until", iso(48h)}}), kOwnerKey),
       "at most 24 h"},
  };
  for (const auto& b : bad)
    sub.publish(kBase + b.topic, b.payload);
  for (const auto& b : bad) {
    json rr = result_for(sub, b.id);
    if (b.id == "c-1") {
      // The first answer for c-1 was the accepted one; the replay's comes after it.
      json last;
      testkit::wait_until(
          [&] {
            int n = 0;
            for (const auto& m : sub.messages()) {
              if (m.topic != kBase + "cmd/result") continue;
              json x = json::parse(m.payload);
              if (x.value("id", json()) == json("c-1") && ++n == 2) last = x;
            }
            return n >= 2;
          },
          10s);
      rr = last;
    }
    INFO(b.id << ": " << rr.dump());
    CHECK(rr["accepted"] == false);
    CHECK(rr["reason"].get<std::string>().find(b.reason) != std::string::npos);
  }
  std::this_thread::sleep_for(1s);
  CHECK(write_requests(sim) == 0);  // nothing from a rejected message reached the inverter
  CHECK(reg(sim, k07) == 800);
  // Refused before the settings writer (signature, role, replay...) or by it (range): audited.
  CHECK(refused_audit_rows(d).size() >= bad.size());
  bool evented = false;
  const json events = d.call({{"cmd", "events"}, {"since_s", 3600}});
  for (const auto& e : events["events"])
    evented |= e.value("kind", "") == "mqtt.command_rejected";
  CHECK(evented);

  // A hold from the aggregator is a lease: accepted, with its end.
  const std::string until = iso(2h);
  sub.publish(kBase + "cmd/hold",
              signed_payload(dir, command("c-10", "hold", "aggregator", {{"until", until}}),
                             kAggregatorKey));
  json hold = result_for(sub, "c-10");
  INFO(hold.dump());
  CHECK(hold["accepted"] == true);
  CHECK(hold["details"]["overrides"].contains("hold"));
  CHECK(hold["readback"].contains("setting.p62"));

  // The lease ends by itself: a pin for three seconds, then the schedule again.
  sub.publish(
      kBase + "cmd/profile",
      signed_payload(dir,
                     command("c-13", "profile", "owner",
                             {{"profile", "type-a"}, {"weather", "sunny"}, {"until", iso(3s)}}),
                     kOwnerKey));
  json pin = result_for(sub, "c-13");
  INFO(pin.dump());
  CHECK(pin["accepted"] == true);
  CHECK(pin["details"]["overrides"]["pin"]["profile"] == "type-a");
  CHECK(testkit::wait_until(
      [&] {
        const json show = d.call({{"cmd", "profile.show"}});
        return !show["overrides"].contains("pin");
      },
      10s));

  // sync-clock sets the simulator's clock (it was an hour off) and reads it back.
  sim.control({{"cmd", "clock-offset"}, {"seconds", 3600}});
  sub.publish(kBase + "cmd/sync-clock",
              signed_payload(dir, command("c-11", "sync-clock", "owner"), kOwnerKey));
  json sync = result_for(sub, "c-11");
  INFO(sync.dump());
  CHECK(sync["accepted"] == true);
  CHECK(sync["details"]["readback"].contains("inverter.clock"));
  auto skew = d.wait_for(
      [](const json& s) {
        return maybe_number(s, "inverter.clock_skew") &&
               std::abs(*maybe_number(s, "inverter.clock_skew")) < 30;
      },
      10s);
  CHECK(std::abs(number(skew, "inverter.clock_skew")) < 30);

  // refresh: accepted, answered with fresh values.
  sub.publish(kBase + "cmd/refresh",
              signed_payload(dir, command("c-12", "refresh", "aggregator"), kAggregatorKey));
  json refresh = result_for(sub, "c-12");
  CHECK(refresh["accepted"] == true);
  CHECK(refresh["readback"]["setting.p07"] == 80.0);
}

TEST_CASE("a desired configuration is applied all or nothing, persisted and reported",
          "[integration][mqtt][remote]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  Subscriber sub(broker.url(), "sunbridge/#", "test-cloud-2");
  auto desired = [&](json doc) {
    doc["device"] = kDevice;
    doc["role"] = "owner";
    if (!doc.contains("issued_at")) doc["issued_at"] = iso(-5s);
    return signed_payload(dir, doc, kOwnerKey);
  };
  {
    Daemon d(dir, remote_config(dir, sim, broker), "d");
    d.wait_for(settings_fresh, 15s);
    REQUIRE(
        d.wait_for([](const json& s) { return point(s, "link.mqtt.state")["value"] == "online"; },
                   15s)["points"]
            .contains("link.mqtt.state"));
    wait_subscribed(sub);
    const int p58_before = reg(sim, k58);
    sim.control({{"cmd", "write-log"}, {"clear", true}});

    // Version 1: another mode, rules, drift policy, poll intervals and a value for 58.
    sub.publish(kBase + "config/desired",
                desired({{"version", 1},
                         {"mode", "type-a"},
                         {"rules", {{"heat_c", 33}}},
                         {"drift_policy", "reassert"},
                         {"poll", {{"live_s", 1}, {"settings_s", 2}}},
                         {"values", {{"58", 25}}}}),
                true);
    json r = result_for(sub, "config/desired@1");
    INFO(r.dump());
    CHECK(r["accepted"] == true);
    CHECK(r["readback"]["setting.p58"] == 25.0);
    CHECK(reg(sim, k58) == 25);
    CHECK(p58_before != 25);
    CHECK(d.call({{"cmd", "profile.show"}})["mode"] == "type-a");
    // settings/reported (retained) carries the version and the inverter's values.
    json reported;
    testkit::wait_until(
        [&] {
          for (const auto& m : sub.messages()) {
            if (m.topic != kBase + "settings/reported") continue;
            json x = json::parse(m.payload);
            if (x["version"] == 1 && x["settings"]["setting.p58"] == 25.0) reported = x;
          }
          return reported.is_object();
        },
        10s);
    INFO(reported.dump());
    CHECK(reported["mode"] == "type-a");
    CHECK(reported["drift_policy"] == "reassert");
    // Retained: a consumer that connects later gets it at once.
    Subscriber late(broker.url(), kBase + "settings/reported", "test-cloud-late");
    REQUIRE(testkit::wait_until([&] { return !late.messages().empty(); }, 10s));
    CHECK(late.messages().front().retained);
    CHECK(json::parse(late.messages().front().payload)["version"] == 1);

    // Invalid documents: refused with the reason, the simulator's registers untouched.
    sim.control({{"cmd", "write-log"}, {"clear", true}});
    const std::vector<std::pair<std::string, std::string>> invalid = {
        {"{\"version\": 2, ", "not JSON"},
        {desired({{"version", 3}, {"values", {{"58", "many"}}}}), "values.58"},
        {desired({{"version", 4}, {"mode", 7}}), "mode"},
        {desired({{"version", 5}, {"values", {{"58", 500}}}}), "values.58"},
        // 59 must stay below 61 (19 %): an interlock of the settings writer.
        {desired({{"version", 6}, {"values", {{"59", 30}}}}), "59"},
        {desired({{"version", 7}, {"colour", "red"}}), "colour"},
        {desired({{"version", 8}, {"mode", "no-such-profile"}}), "no profile named"},
    };
    for (std::size_t i = 0; i < invalid.size(); ++i) {
      sub.publish(kBase + "config/desired", invalid[i].first, true);
      json rr;
      testkit::wait_until(
          [&] {
            for (const auto& m : sub.messages()) {
              if (m.topic != kBase + "cmd/result") continue;
              json x = json::parse(m.payload);
              if (x["cmd"] == "config" && x["accepted"] == false &&
                  x["reason"].get<std::string>().find(invalid[i].second) != std::string::npos) {
                rr = x;
              }
            }
            return rr.is_object();
          },
          10s);
      INFO("document " << i << ": " << invalid[i].first);
      CHECK(rr.is_object());
    }
    // An older version after a newer one.
    sub.publish(kBase + "config/desired",
                desired({{"version", 9}, {"mode", "type-a-monthly"}, {"values", {{"58", 25}}}}),
                true);
    CHECK(result_for(sub, "config/desired@9")["accepted"] == true);
    sub.publish(kBase + "config/desired", desired({{"version", 2}, {"mode", "type-a"}}), true);
    json old = result_for(sub, "config/desired@2");
    CHECK(old["accepted"] == false);
    CHECK(old["reason"].get<std::string>().find("older than the applied 9") != std::string::npos);
    std::this_thread::sleep_for(1s);
    CHECK(write_requests(sim) == 0);
    CHECK(reg(sim, k58) == 25);
    CHECK(d.call({{"cmd", "profile.show"}})["mode"] == "type-a-monthly");
  }
  // The broker forgets nothing: clear the retained document so the restart below shows the
  // gateway's own memory.
  sub.publish(kBase + "config/desired", "", true);  // returns on the broker's PUBACK
  Daemon again(dir, remote_config(dir, sim, broker), "d");
  CHECK(again.call({{"cmd", "profile.show"}})["mode"] == "type-a-monthly");
}

TEST_CASE("a desired mode switch is one transaction with its values and rolls back as one",
          "[integration][mqtt][remote]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  Subscriber sub(broker.url(), "sunbridge/#", "test-cloud-3");
  json config = remote_config(dir, sim, broker);
  config["settings"]["apply"] = true;  // the schedule writes: a new mode changes 07/10/41/62
  config["settings"]["clock"]["sync"] = false;  // the simulator keeps today's date
  // Spring: the only season where Type A's normal row differs from Type B's in 62 (35 % vs
  // 45 %), which this test needs to make 62 part of the mode switch.
  FakeTime fake(dir);
  fake.set(spring_noon());
  Daemon d(dir, config, "d", fake.fixed_env());
  auto desired = [&](json doc) {
    doc["device"] = kDevice;
    doc["role"] = "owner";
    doc["issued_at"] = iso(-5s, fake.now());
    return signed_payload(dir, doc, kOwnerKey);
  };
  constexpr int k62 = 0xE020;
  // Let the schedule settle on Type B first (it may already hold the inverter's values).
  REQUIRE(testkit::wait_until(
      [&] {
        const json show = d.call({{"cmd", "profile.show"}});
        return show["applied"].value("key", "").rfind("type-b/", 0) == 0;
      },
      20s));
  REQUIRE(d.wait_for([](const json& s) { return point(s, "link.mqtt.state")["value"] == "online"; },
                     15s)["points"]
              .contains("link.mqtt.state"));
  wait_subscribed(sub);
  const int p58 = reg(sim, k58);
  const int p62 = reg(sim, k62);
  REQUIRE(p62 == 45);  // Type B spring/autumn: 45 %

  // 62 refuses the write (exception 08): 58, written first, is rolled back; nothing adopted.
  sim.control({{"cmd", "fail-write"}, {"address", k62}, {"exception", 8}});
  sim.control({{"cmd", "write-log"}, {"clear", true}});
  const std::string doc = desired({{"version", 1}, {"mode", "type-a"}, {"values", {{"58", 25}}}});
  sub.publish(kBase + "config/desired", doc, true);
  json failed = result_for(sub, "config/desired@1");
  INFO(failed.dump());
  CHECK(failed["accepted"] == false);
  CHECK(failed["reason"].get<std::string>().find("62") != std::string::npos);
  CHECK(reg(sim, k58) == p58);
  CHECK(reg(sim, k62) == p62);
  CHECK(d.call({{"cmd", "profile.show"}})["mode"] == "type-b");
  CHECK(write_requests(sim) >= 3);  // 58, 62 (refused), 58 back

  // The fault was for one write. Once 62 accepts writes, a new version goes through as one
  // transaction with cause remote.
  sub.publish(kBase + "config/desired",
              desired({{"version", 2}, {"mode", "type-a"}, {"values", {{"58", 25}}}}), true);
  json ok = result_for(sub, "config/desired@2");
  INFO(ok.dump());
  CHECK(ok["accepted"] == true);
  CHECK(reg(sim, k58) == 25);
  // Type A's table keeps 35 % for spring/autumn normal (docs/profiles.md).
  CHECK(ok["readback"]["setting.p62"].get<double>() == 35.0);
  CHECK(reg(sim, k62) == 35);
  CHECK(d.call({{"cmd", "profile.show"}})["mode"] == "type-a");
  const json rows = d.call({{"cmd", "audit"}, {"since", "2000-01-01"}})["audit"];
  bool remote_58 = false;
  for (const auto& r : rows)
    remote_58 |= r["param"] == "58" && r["cause"] == "remote" && r["result"] == "written";
  CHECK(remote_58);
}

TEST_CASE("the example broker ACL: each gateway only its own topics and the cloud commands",
          "[integration][mqtt][remote]") {
  testkit::TempDir dir;
  // The shipped example, as a user would install it (docs/mqtt.md "Broker ACLs").
  Broker broker(dir,
                std::string("acl_file ") + SUNBRIDGE_SOURCE_DIR + "/docs/mosquitto-acl.example\n");
  Sim sim(dir);
  Subscriber cloud(broker.url(), "sunbridge/#", "cloud-1", "cloud-backend");
  // Another gateway: its client id is its own device id, so the %c patterns give it only its
  // own topics.
  Subscriber rogue(broker.url(), kBase + "#", "SPI10K-OTHER");
  Daemon d(dir, remote_config(dir, sim, broker), "d");
  wait_subscribed(cloud);  // the cloud may command this gateway and read its answers

  // The gateway's own topics reach the cloud.
  REQUIRE(testkit::wait_until(
      [&] {
        for (const auto& m : cloud.messages())
          if (m.topic == kBase + "telemetry") return true;
        return false;
      },
      15s));
  // The other gateway's command never reaches this one: the broker drops it.
  rogue.publish(kBase + "cmd/refresh",
                signed_payload(dir, command("r-1", "refresh", "owner"), kOwnerKey));
  std::this_thread::sleep_for(500ms);
  cloud.publish(kBase + "cmd/refresh",
                signed_payload(dir, command("c-1", "refresh", "owner"), kOwnerKey));
  CHECK(result_for(cloud, "c-1")["accepted"] == true);
  for (const auto& m : cloud.messages()) {
    if (m.topic == kBase + "cmd/result") CHECK(json::parse(m.payload).value("id", json()) != "r-1");
  }
  // Nor may it read this gateway's telemetry, results or status.
  CHECK(rogue.messages().empty());
  // And the cloud identity cannot forge the gateway's telemetry (it would read its own message).
  cloud.publish(kBase + "telemetry", R"({"forged":true})");
  std::this_thread::sleep_for(500ms);
  for (const auto& m : cloud.messages())
    CHECK(m.payload.find("forged") == std::string::npos);
}

TEST_CASE("remote commands are refused while the gateway's clock is not synchronised",
          "[integration][mqtt][remote]") {
  testkit::TempDir dir;
  Broker broker(dir);
  Sim sim(dir);
  Subscriber sub(broker.url(), "sunbridge/#", "test-cloud-4");
  json config = remote_config(dir, sim, broker);
  config["site"] = {{"time_source", "kernel"}};
  config["settings"]["clock"]["sync"] = false;
  // A Pi that booted without network at an old saved time: before this program was built, so
  // never synchronised, whatever the kernel says.
  FakeTime fake(dir);
  fake.set(std::chrono::sys_days(std::chrono::year_month_day{
               std::chrono::year(2020), std::chrono::month(1), std::chrono::day(15)}) +
           3h);
  Daemon d(dir, config, "d", fake.fixed_env());
  d.wait_for(settings_fresh, 15s);
  REQUIRE(testkit::wait_until([&] { return sub.connected(); }, 10s));
  wait_subscribed(sub, &d);
  sim.control({{"cmd", "write-log"}, {"clear", true}});
  // Signed and valid by the gateway's own (wrong) clock: still refused, for the real reason.
  json c = command("c-clock", "param", "owner", {{"param", "07"}, {"value", 80}});
  c["issued_at"] = iso(-5s, fake.now());
  c["expires_at"] = iso(300s, fake.now());
  sub.publish(kBase + "cmd/param", signed_payload(dir, c, kOwnerKey));
  const json r = result_for(sub, "c-clock");
  INFO(r.dump());
  CHECK(r["accepted"] == false);
  CHECK(r["reason"].get<std::string>().find("clock is not synchronised") != std::string::npos);
  CHECK(write_requests(sim) == 0);
  CHECK(point(d.status(), "site.clock_synced")["value"] == "no");
}
