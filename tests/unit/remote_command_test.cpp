// SPDX-License-Identifier: Apache-2.0
// Signed remote commands and the desired configuration: canonical form, HMAC-SHA256, time
// windows, roles.
#include <catch2/catch.hpp>

#include "issues.hpp"
#include "sunbridge/adapters/desired_config.hpp"
#include "sunbridge/adapters/remote_command.hpp"
#include "sunbridge/core/local_time.hpp"
#include "testkit/process.hpp"

#include <sys/stat.h>

using namespace sb;
using namespace sb::adapters;
using nlohmann::json;

namespace {

const std::vector<std::uint8_t> kOwnerKey(32, 0x11);
const std::vector<std::uint8_t> kAggregatorKey(32, 0x22);

RemotePolicy policy() {
  RemotePolicy p;
  p.roles["owner"] = {kOwnerKey,
                      {"profile", "hold", "param", "sync-clock", "refresh", "config"},
                      {"07", "10", "41", "62"},
                      {}};
  p.roles["aggregator"] = {kAggregatorKey, {"hold", "refresh"}, {}, {}};
  return p;
}

WallTime at(const char* iso) {
  auto t = parse_iso8601_utc(iso);
  REQUIRE(t);
  return *t;
}

json command(const std::string& name = "param", const std::string& role = "owner") {
  return {{"id", "c-1"},
          {"cmd", name},
          {"device", "SN1"},
          {"role", role},
          {"issued_at", "2026-11-22T10:00:00Z"},
          {"expires_at", "2026-11-22T10:05:00Z"},
          {"args", {{"param", "07"}, {"value", 80}}}};
}

std::string signed_text(json m, const std::vector<std::uint8_t>& key) {
  m["hmac"] = hmac_sha256_hex(key, canonical_form(m));
  return m.dump(2);  // white space and key order of the transport do not matter
}

CommandCheck check(const std::string& name, const std::string& text,
                   const char* now = "2026-11-22T10:01:00Z") {
  return check_command(name, text, "SN1", policy(), at(now));
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2", "[unit][remote]") {
  const std::string key = "Jefe";
  CHECK(hmac_sha256_hex(std::vector<std::uint8_t>(key.begin(), key.end()),
                        "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("the canonical form: hmac left out, keys sorted, no white space", "[unit][remote]") {
  json m = json::parse(R"({"role": "owner", "args": {"value": 80, "param": "07"},
                           "id": "c-1", "hmac": "ab", "note": "日本"})");
  CHECK(canonical_form(m) ==
        R"({"args":{"param":"07","value":80},"id":"c-1","note":"日本","role":"owner"})");
}

TEST_CASE("a correctly signed command in the role's allow-list is accepted", "[unit][remote]") {
  auto r = check("param", signed_text(command(), kOwnerKey));
  INFO(r.reason);
  REQUIRE(r.command);
  CHECK(r.command->id == "c-1");
  CHECK(r.command->role == "owner");
  CHECK(r.command->args["value"] == 80);
}

TEST_CASE("commands are refused with the reason", "[unit][remote]") {
  SECTION("unsigned") {
    auto r = check("param", command().dump());
    CHECK_FALSE(r.command);
    CHECK(r.reason == "unsigned (no hmac)");
  }
  SECTION("signed with another role's key") {
    auto r = check("param", signed_text(command(), kAggregatorKey));
    CHECK_FALSE(r.command);
    CHECK(r.reason.find("bad signature") == 0);
    CHECK(r.id == "c-1");
  }
  SECTION("changed after signing") {
    json m = json::parse(signed_text(command(), kOwnerKey));
    m["args"]["value"] = 100;
    auto r = check("param", m.dump());
    CHECK(r.reason.find("bad signature") == 0);
  }
  SECTION("a role that is not configured") {
    auto r = check("param", signed_text(command("param", "installer"), kOwnerKey));
    CHECK(r.reason == "role 'installer' is not configured on this gateway");
  }
  SECTION("out of role") {
    auto r = check("param", signed_text(command("param", "aggregator"), kAggregatorKey));
    CHECK(r.reason == "role aggregator may not use command param");
  }
  SECTION("expired") {
    auto r = check("param", signed_text(command(), kOwnerKey), "2026-11-22T10:05:00Z");
    CHECK(r.reason.find("expired at") == 0);
  }
  SECTION("issued in the future") {
    auto r = check("param", signed_text(command(), kOwnerKey), "2026-11-22T09:58:00Z");
    CHECK(r.reason.find("is in the future") != std::string::npos);
  }
  SECTION("valid for too long") {
    json m = command();
    m["expires_at"] = "2026-11-23T10:00:00Z";
    auto r = check("param", signed_text(m, kOwnerKey));
    CHECK(r.reason == "valid for longer than 3600 s");
  }
  SECTION("moved to another command's topic") {
    auto r = check("hold", signed_text(command(), kOwnerKey));
    CHECK(r.reason.find("does not match the topic") != std::string::npos);
  }
  SECTION("addressed to another gateway") {
    json m = command();
    m["device"] = "SN2";
    auto r = check("param", signed_text(m, kOwnerKey));
    CHECK(r.reason == "addressed to device 'SN2', this is 'SN1'");
  }
  SECTION("shape problems, all at once") {
    auto r = check("param", R"({"id": 5, "colour": "red", "args": [], "hmac": "00"})");
    CHECK(r.reason.find("unknown field 'colour'") != std::string::npos);
    CHECK(r.reason.find("id must be a string") != std::string::npos);
    CHECK(r.reason.find("missing issued_at") != std::string::npos);
    CHECK(r.reason.find("args must be an object") != std::string::npos);
  }
  SECTION("not JSON") {
    auto r = check("param", "{\"id\": ");
    CHECK(r.reason.find("not JSON") == 0);
  }
  SECTION("larger than any genuine message, refused before parsing") {
    json m = command();
    m["args"]["note"] = std::string(kMaxRemotePayloadBytes, 'x');
    auto r = check("param", signed_text(m, kOwnerKey));
    CHECK_FALSE(r.command);
    CHECK(r.reason.find("over the 131072-byte limit") != std::string::npos);
    CHECK(r.id.empty());  // nothing of it was read
    auto d = check_desired(std::string(kMaxRemotePayloadBytes + 1, ' '), "SN1", policy(),
                           at("2026-11-22T10:01:00Z"));
    CHECK(d.reason == "payload of 131073 bytes is over the 131072-byte limit");
  }
}

TEST_CASE("a desired configuration needs a signature and the config right", "[unit][remote]") {
  json d = {{"version", 3},
            {"device", "SN1"},
            {"role", "owner"},
            {"issued_at", "2026-11-22T10:00:00Z"},
            {"mode", "type-a"}};
  auto ok = check_desired(signed_text(d, kOwnerKey), "SN1", policy(), at("2026-11-22T10:00:30Z"));
  INFO(ok.reason);
  REQUIRE(ok.document);
  CHECK(ok.version == 3);
  CHECK_FALSE(ok.document->contains("hmac"));
  auto agg = d;
  agg["role"] = "aggregator";
  auto refused =
      check_desired(signed_text(agg, kAggregatorKey), "SN1", policy(), at("2026-11-22T10:00:30Z"));
  CHECK(refused.reason == "role aggregator may not set the desired configuration");
  auto unsigned_doc = check_desired(d.dump(), "SN1", policy(), at("2026-11-22T10:00:30Z"));
  CHECK(unsigned_doc.reason == "unsigned (no hmac)");
}

TEST_CASE("the desired configuration's schema reports every problem", "[unit][remote]") {
  schema::Issues issues;
  json doc = {{"version", 2},
              {"issued_at", "2026-11-22T10:00:00Z"},
              {"mode", 5},
              {"colour", "red"},
              {"rules", {{"heat_c", 99}}},
              {"poll", {{"live_s", 0}}},
              {"values", {{"58", true}}}};
  CHECK_FALSE(parse_desired(doc, issues));
  CHECK(sb::test::has_issue(issues, "mode", "string"));
  CHECK(sb::test::has_issue(issues, "colour", "unknown"));
  CHECK(sb::test::has_issue(issues, "rules.heat_c", "[20, 50]"));
  CHECK(sb::test::has_issue(issues, "poll.live_s", ""));

  schema::Issues none;
  auto d = parse_desired({{"version", 2},
                          {"issued_at", "2026-11-22T10:00:00Z"},
                          {"mode", "type-a"},
                          {"drift_policy", "reassert"},
                          {"poll", {{"live_s", 5}, {"settings_s", 60}}},
                          {"away", nullptr},
                          {"values", {{"58", 25}, {"1", "SBU"}}}},
                         none);
  INFO(schema::format_issues(none));
  REQUIRE(d);
  CHECK(d->mode == "type-a");
  CHECK(d->reassert_drift == true);
  CHECK(d->live_poll == std::chrono::seconds(5));
  CHECK(d->away_present);
  CHECK_FALSE(d->away);
  CHECK(d->values.at("58") == "25");
  CHECK(d->values.at("01") == "SBU");
}

TEST_CASE("mqtt.roles: keys are hex of 32 bytes or more, names are the three roles",
          "[unit][remote]") {
  const std::string key(64, 'a');
  auto load = load_config_text(R"({"mqtt": {"url": "tcp://127.0.0.1:1883", "roles": {
      "owner": {"key": ")" + key + R"(", "commands": ["param", "config"], "params": ["7"]},
      "guest": {"key": ")" + key + R"("},
      "aggregator": {"key": "xyz)" +
                                   key + R"(", "commands": ["reboot"]}}}})",
                               "");
  REQUIRE_FALSE(load.config);
  CHECK(sb::test::has_issue(load.issues, "mqtt.roles.guest", "unknown"));
  CHECK(sb::test::has_issue(load.issues, "mqtt.roles.aggregator.key", "hexadecimal"));
  CHECK(sb::test::has_issue(load.issues, "mqtt.roles.aggregator.commands[0]", ""));
  auto good = load_config_text(R"({"mqtt": {"url": "tcp://127.0.0.1:1883", "roles": {
      "owner": {"key": ")" + key + R"(", "commands": ["param", "config"], "params": ["7"]}}}})",
                               "");
  INFO(schema::format_issues(good.issues));
  REQUIRE(good.config);
  const RoleGrant& owner = good.config->mqtt.remote.roles.at("owner");
  CHECK(owner.key.size() == 32);
  CHECK(owner.params.count("07") == 1);
  CHECK(redacted(good.config->effective)["mqtt"]["roles"]["owner"]["key"] == "***");
}

TEST_CASE("a key rotation accepts the previous key too, and only while it is configured",
          "[unit][remote]") {
  const std::vector<std::uint8_t> new_key(32, 0x33);
  RemotePolicy p = policy();
  p.roles["owner"].previous_key = kOwnerKey;
  p.roles["owner"].key = new_key;
  const WallTime now = at("2026-11-22T10:01:00Z");
  CHECK(check_command("param", signed_text(command(), new_key), "SN1", p, now).command);
  CHECK(check_command("param", signed_text(command(), kOwnerKey), "SN1", p, now).command);
  p.roles["owner"].previous_key.clear();  // rotation finished
  CHECK(check_command("param", signed_text(command(), kOwnerKey), "SN1", p, now)
            .reason.find("bad signature") == 0);
}

TEST_CASE("role keys and the broker password from files that only the daemon may read",
          "[unit][remote]") {
  testkit::TempDir dir;
  const std::string owner_key = dir.file("owner.key");
  const std::string old_key = dir.file("owner-old.key");
  const std::string password = dir.file("mqtt.password");
  testkit::write_file(owner_key, std::string(64, 'c') + "\n");
  testkit::write_file(old_key, std::string(64, 'd'));
  testkit::write_file(password, "s3cret\n");
  for (const auto& f : {owner_key, old_key, password})
    REQUIRE(::chmod(f.c_str(), 0640) == 0);
  const std::string text = R"({"mqtt": {"url": "tcp://127.0.0.1:1883", "username": "gw",
      "password_file": "mqtt.password", "roles": {"owner": {"key_file": "owner.key",
      "previous_key_file": "owner-old.key", "commands": ["refresh"]}}}})";
  auto load = load_config_text(text, dir.path());
  INFO(schema::format_issues(load.issues));
  REQUIRE(load.config);
  const RoleGrant& owner = load.config->mqtt.remote.roles.at("owner");
  CHECK(owner.key == std::vector<std::uint8_t>(32, 0xcc));
  CHECK(owner.previous_key == std::vector<std::uint8_t>(32, 0xdd));
  CHECK(load.config->mqtt.client.password == "s3cret");
  // Where the secrets live is shown; the secrets are not in the document at all.
  const json shown = redacted(load.config->effective);
  CHECK(shown["mqtt"]["roles"]["owner"]["key_file"] == owner_key);
  CHECK(shown["mqtt"]["password_file"] == password);
  CHECK(shown.dump().find("s3cret") == std::string::npos);

  SECTION("a key file others can read is refused, like ssh refuses such a key") {
    REQUIRE(::chmod(owner_key.c_str(), 0644) == 0);
    auto bad = load_config_text(text, dir.path());
    REQUIRE_FALSE(bad.config);
    CHECK(sb::test::has_issue(bad.issues, "mqtt.roles.owner.key_file", "mode 0644"));
  }
  SECTION("every problem at once: both forms, a missing file, not hex") {
    testkit::write_file(old_key, "not hex");
    auto bad = load_config_text(R"({"mqtt": {"url": "tcp://127.0.0.1:1883",
        "password": "x", "password_file": "mqtt.password", "roles": {
        "owner": {"key": ")" + std::string(64, 'a') +
                                    R"(", "key_file": "owner.key"},
        "installer": {"key_file": "missing.key", "previous_key_file": "owner-old.key"}}}})",
                                dir.path());
    REQUIRE_FALSE(bad.config);
    CHECK(sb::test::has_issue(bad.issues, "mqtt.password_file", "not both"));
    CHECK(sb::test::has_issue(bad.issues, "mqtt.roles.owner.key_file", "not both"));
    CHECK(sb::test::has_issue(bad.issues, "mqtt.roles.installer.key_file", "cannot read"));
    CHECK(sb::test::has_issue(bad.issues, "mqtt.roles.installer.previous_key_file", "hexadecimal"));
  }
  SECTION("the homeowner CLI, which needs no secret, does not read the files") {
    const std::string missing = R"({"mqtt": {"url": "tcp://127.0.0.1:1883",
        "password_file": "nowhere.password", "roles": {"owner": {"key_file": "nowhere.key"}}}})";
    auto daemon_view = load_config_text(missing, dir.path());
    CHECK(sb::test::has_issue(daemon_view.issues, "mqtt.password_file", "cannot read"));
    CHECK(sb::test::has_issue(daemon_view.issues, "mqtt.roles.owner.key_file", "cannot read"));
    auto cli_view = load_config_text(missing, dir.path(), Secrets::kSkip);
    INFO(schema::format_issues(cli_view.issues));
    REQUIRE(cli_view.config);
    CHECK(cli_view.config->mqtt.client.password.empty());
  }
  SECTION("a role without any key") {
    auto bad = load_config_text(
        R"({"mqtt": {"url": "tcp://127.0.0.1:1883", "roles": {"aggregator": {}}}})", dir.path());
    REQUIRE_FALSE(bad.config);
    CHECK(sb::test::has_issue(bad.issues, "mqtt.roles.aggregator", "needs key or key_file"));
  }
}

TEST_CASE(
    "a configuration file every user can read is accepted with a warning when it holds "
    "secrets",
    "[unit][remote]") {
  testkit::TempDir dir;
  const std::string path = dir.file("sunbridged.json");
  testkit::write_file(path, R"({"mqtt": {"url": "tcp://127.0.0.1:1883", "password": "pw",
      "roles": {"owner": {"key": ")" +
                                std::string(64, 'a') + R"("}}}})");
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  auto load = load_config_file(path);
  REQUIRE(load.config);
  REQUIRE(load.warnings.size() == 1);
  CHECK(load.warnings[0].find("mqtt.password, mqtt.roles.owner.key") != std::string::npos);
  CHECK(load.warnings[0].find("pw\"") == std::string::npos);
  REQUIRE(::chmod(path.c_str(), 0640) == 0);
  CHECK(load_config_file(path).warnings.empty());
}
