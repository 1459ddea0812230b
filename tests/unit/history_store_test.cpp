// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/migrations.hpp"
#include "testkit/process.hpp"

using namespace sb;
using namespace std::chrono_literals;

TEST_CASE("history is batched, committed together and queried by time and name",
          "[unit][history]") {
  testkit::TempDir dir;
  WallTime t0{std::chrono::seconds(1'700'000'000)};
  {
    adapters::HistoryStore h(dir.file("sub/dir/h.db"));  // parent directories are created
    CHECK(adapters::schema_version(h.db()) == static_cast<int>(adapters::migrations().size()));
    h.record({{"battery.soc", 56.0, "%", Quality::kOk, t0, ""},
              {"battery.voltage", 52.4, "V", Quality::kStale, t0, ""},  // not recorded
              {"inverter.state", std::string("battery"), "", Quality::kOk, t0, ""}},
             t0);
    h.record(
        {{"battery.soc", 57.0, "%", Quality::kOk, t0 + 60s, ""},
         {"inverter.state", std::string("battery"), "", Quality::kOk, t0 + 60s, ""}},  // same text
        t0 + 60s);
    CHECK(h.pending() == 3);
    REQUIRE(h.flush().ok());
    CHECK(h.pending() == 0);
  }
  adapters::HistoryStore h(dir.file("sub/dir/h.db"));  // reopened: migrations are idempotent
  auto all = h.query(t0, t0 + 1h, {});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  auto soc = h.query(t0 + 1s, t0 + 1h, {"battery.soc"});
  REQUIRE(soc->size() == 1);
  CHECK(*(*soc)[0].value == 57.0);
  CHECK((*soc)[0].ts == t0 + 60s);
  auto state = h.query(t0, t0 + 1h, {"inverter.state"});
  REQUIRE(state->size() == 1);
  CHECK(*(*state)[0].text == "battery");
  auto pruned = h.prune(t0 + 30s);
  REQUIRE(pruned.ok());
  CHECK(*pruned == 2);
  CHECK(h.query(t0, t0 + 1h, {})->size() == 1);
}

TEST_CASE("a database from a newer program is refused, not touched", "[unit][history]") {
  testkit::TempDir dir;
  {
    adapters::SqliteDb db(dir.file("h.db"));
    REQUIRE(db.exec("PRAGMA user_version = 99").ok());
  }
  CHECK_THROWS_WITH(adapters::HistoryStore(dir.file("h.db")),
                    Catch::Contains("newer than this program"));
}
