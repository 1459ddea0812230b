// SPDX-License-Identifier: Apache-2.0
// The audit log, write counts and persisted state survive reopening the database.
#include <unistd.h>

#include <filesystem>

#include <catch2/catch.hpp>

#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/profile_json.hpp"
#include "sunbridge/adapters/settings_store.hpp"

using namespace sb;

TEST_CASE("audit rows, write counts and state persist across a reopen", "[settings_store]") {
  const std::string dir = "/tmp/sb-settings-store-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  const std::string path = dir + "/s.db";
  const WallTime t0 = WallTime(std::chrono::seconds(1'780'000'000));
  {
    adapters::HistoryStore h(path);
    adapters::SettingsStore s(h.db());
    CHECK(*s.next_txn() == 1);
    REQUIRE(s.audit({{t0, 1, "07", 0xE20A, "50", "60", "season", "written", "60", "type-b/winter"},
                     {t0, 1, "62", 0xE020, "45", "60", "season", "failed", "45", "exception 08"}}));
    REQUIRE(s.count_writes("2026-12-01", "07", 1));
    REQUIRE(s.count_writes("2026-12-01", "07", 2));
    REQUIRE(s.count_writes("2026-12-01", "62", 1));
    REQUIRE(s.count_writes("2026-12-02", "62", 1));
    domain::Overrides o;
    o.hold = domain::Overrides::Hold{t0 + std::chrono::hours(3)};
    REQUIRE(s.put("profiles.overrides", adapters::overrides_to_json(o), t0));
  }
  adapters::HistoryStore h(path);
  adapters::SettingsStore s(h.db());
  CHECK(*s.next_txn() == 2);
  auto rows = s.audit_since(t0);
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK((*rows)[1].param == "62");
  CHECK((*rows)[1].readback == "45");
  CHECK((*rows)[1].reason == "exception 08");
  auto used = s.usage("2026-12-01");
  REQUIRE(used);
  CHECK(used->total == 4);
  CHECK(used->per_parameter.at("07") == 3);
  auto o = s.get("profiles.overrides");
  REQUIRE(o);
  REQUIRE(*o);
  auto parsed = adapters::overrides_from_json(**o);
  REQUIRE(parsed);
  CHECK(parsed->hold->until == t0 + std::chrono::hours(3));
  CHECK_FALSE(adapters::overrides_from_json(nlohmann::json{{"holdd", 1}}));
  std::filesystem::remove_all(dir);
}
