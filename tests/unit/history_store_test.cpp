// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <optional>
#include <thread>

#include "sunbridge/adapters/history_reader.hpp"
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
  // Raw samples are kept 7 days: a week and 30 s on, the first minute's two go.
  auto pruned = h.prune(adapters::HistoryRetention{}, t0 + 30s + std::chrono::hours(24 * 7));
  REQUIRE(pruned.ok());
  CHECK(pruned->samples == 2);
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

TEST_CASE("a history query larger than its limit keeps the newest samples and says so",
          "[unit][history]") {
  testkit::TempDir dir;
  const WallTime t0{std::chrono::seconds(1'700'000'000)};
  adapters::HistoryStore h(dir.file("h.db"));
  for (int i = 0; i < 10; ++i) {
    const WallTime t = t0 + std::chrono::minutes(i);
    h.record({{"battery.soc", 50.0 + i, "%", Quality::kOk, t, ""},
              {"pv.power", 100.0 * i, "W", Quality::kOk, t, ""}},
             t);
  }
  REQUIRE(h.flush().ok());
  auto page = adapters::query_history(h.db(), t0, t0 + 1h, {}, 5);
  REQUIRE(page.ok());
  CHECK(page->truncated);
  // 5 rows asked: minutes 9 and 8 whole (4 rows); minute 7 would be cut in two, so it is left out.
  REQUIRE(page->samples.size() == 4);
  CHECK(page->samples.front().ts == t0 + 8min);
  CHECK(page->samples.back().ts == t0 + 9min);
  CHECK(*page->samples.back().value == 900.0);  // pv.power sorts after battery.soc
  auto whole = adapters::query_history(h.db(), t0, t0 + 1h, {"battery.soc"}, 10);
  REQUIRE(whole.ok());
  CHECK_FALSE(whole->truncated);
  CHECK(whole->samples.size() == 10);
  CHECK(whole->samples.front().ts == t0);
}

TEST_CASE("history queries run on the reader thread and answer on the loop", "[unit][history]") {
  testkit::TempDir dir;
  const WallTime t0{std::chrono::seconds(1'700'000'000)};
  adapters::HistoryStore h(dir.file("h.db"));
  h.record({{"battery.soc", 61.0, "%", Quality::kOk, t0, ""}}, t0);
  REQUIRE(h.flush().ok());
  EventLoop loop;
  adapters::HistoryReader reader(dir.file("h.db"), loop);
  const auto loop_thread = std::this_thread::get_id();
  std::optional<Result<adapters::HistoryPage>> got;
  std::thread::id answered_on;
  reader.query(t0, t0 + 1h, {"battery.soc"}, 100, [&](Result<adapters::HistoryPage> page) {
    answered_on = std::this_thread::get_id();
    got = std::move(page);
  });
  for (int i = 0; i < 100 && !got; ++i)
    loop.run_once(50ms);
  REQUIRE(got);
  REQUIRE(got->ok());
  CHECK(answered_on == loop_thread);
  REQUIRE((*got)->samples.size() == 1);
  CHECK(*(*got)->samples[0].value == 61.0);
}
