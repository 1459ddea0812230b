// SPDX-License-Identifier: Apache-2.0
// The history tiers in SQLite: written as buckets close, rebuilt after a restart without
// counting anything twice, queried per tier, pruned per tier; and which tier answers a query.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/rollup_blob.hpp"
#include "testkit/process.hpp"

using namespace sb;
using namespace std::chrono_literals;
using adapters::Resolution;

namespace {

// 2026-05-10 00:00 UTC; UTC days keep the test independent of the machine's time zone.
const WallTime kT0{std::chrono::milliseconds(1'778'371'200'000)};

std::int64_t utc_day(std::int64_t ts) {
  return ts - ((ts % 86'400'000) + 86'400'000) % 86'400'000;
}

std::vector<Point> poll_at(WallTime t, int i) {
  return {{"battery.soc", 50.0 + (i % 7), "%", Quality::kOk, t, "", 0},
          {"grid.l1.voltage", 100.0 + 0.1 * (i % 5), "V", Quality::kOk, t, "", 1},
          {"energy.pv.today", 0.1 * i, "kWh", Quality::kOk, t, "", 1},
          {"inverter.state", std::string("battery"), "", Quality::kOk, t, ""}};
}

// Every poll goes to the tiers and, as in the daemon at a 10 s sample interval, to the raw
// samples too: then a rebuild from raw is exact and the comparison below can be strict.
void feed(adapters::HistoryStore& h, int from, int to) {
  for (int i = from; i < to; ++i) {
    const WallTime t = kT0 + std::chrono::seconds(10 * i);
    h.record(poll_at(t, i), t);
    h.rollup(poll_at(t, i), t);
  }
  REQUIRE(h.flush().ok());
}

std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>> rows_of(adapters::SqliteDb& db,
                                                                        const std::string& table) {
  std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>> out;
  auto st = db.prepare("SELECT start_ms, data FROM " + table + " ORDER BY start_ms");
  REQUIRE(st.ok());
  while (*st->step()) {
    auto blob = st->column_blob(1);
    out.emplace_back(st->column_int(0), std::vector<std::uint8_t>(blob.begin(), blob.end()));
  }
  return out;
}

// Every stored bucket of every tier, byte for byte.
void check_same_tiers(const std::string& a_path, const std::string& b_path) {
  adapters::SqliteDb a(a_path);
  adapters::SqliteDb b(b_path);
  for (const char* table : {"rollup_1m", "rollup_15m", "rollup_1d"}) {
    INFO(table);
    const auto rows_a = rows_of(a, table);
    const auto rows_b = rows_of(b, table);
    CHECK(rows_a.size() == rows_b.size());
    CHECK(rows_a == rows_b);
  }
}

}  // namespace

TEST_CASE("tier buckets are stored as they close and read back as means with min and max",
          "[unit][history][tiers]") {
  testkit::TempDir dir;
  adapters::HistoryStore h(dir.file("h.db"), utc_day);
  feed(h, 0, 6 * 20 + 1);  // 20 minutes and one poll
  auto minute = adapters::query_history(h.db(), kT0, kT0 + 1h, {"battery.soc"}, 1000, nullptr,
                                        Resolution::kMinute);
  REQUIRE(minute.ok());
  CHECK(minute->resolution == Resolution::kMinute);
  REQUIRE(minute->samples.size() == 20);  // minute 20 is still open
  const auto& first = minute->samples.front();
  CHECK(first.ts == kT0);
  REQUIRE(first.bucket);
  CHECK(first.bucket->count == 6);
  CHECK(first.bucket->min == 50);
  CHECK(first.bucket->max == 55);
  CHECK(*first.value == Approx((50 + 51 + 52 + 53 + 54 + 55) / 6.0));
  auto energy = adapters::query_history(h.db(), kT0, kT0 + 1h, {"energy.pv.today"}, 1000, nullptr,
                                        Resolution::kQuarter);
  REQUIRE(energy.ok());
  REQUIRE(energy->samples.size() == 1);
  // 0.0 .. 8.9 kWh in the first quarter hour (polls 0-89): 8.9 kWh counted, plus the step into
  // poll 90 belongs to the next bucket.
  CHECK(*energy->samples[0].bucket->delta == Approx(8.9));
  // Text points are not summarised.
  auto text = adapters::query_history(h.db(), kT0, kT0 + 1h, {"inverter.state"}, 1000, nullptr,
                                      Resolution::kMinute);
  REQUIRE(text.ok());
  CHECK(text->samples.empty());
}

TEST_CASE("after a crash the open buckets are rebuilt from the samples, nothing counted twice",
          "[unit][history][tiers]") {
  testkit::TempDir dir;
  const int polls = 6 * 60 * 26;  // 26 hours of 10-second polls: a day bucket closes
  {
    adapters::HistoryStore once(dir.file("once.db"), utc_day);
    feed(once, 0, polls);
  }
  {
    // Stopped twice in the middle of open buckets (the open ones are never written).
    {
      adapters::HistoryStore h(dir.file("twice.db"), utc_day);
      feed(h, 0, 6 * 60 * 7 + 23);
    }
    {
      adapters::HistoryStore h(dir.file("twice.db"), utc_day);
      feed(h, 6 * 60 * 7 + 23, 6 * 60 * 25 + 2);
    }
    adapters::HistoryStore h(dir.file("twice.db"), utc_day);
    feed(h, 6 * 60 * 25 + 2, polls);
  }
  check_same_tiers(dir.file("once.db"), dir.file("twice.db"));
  adapters::SqliteDb once(dir.file("once.db"));
  CHECK(rows_of(once, "rollup_1m").size() == 26 * 60 - 1);
  CHECK(rows_of(once, "rollup_15m").size() == 26 * 4 - 1);
  CHECK(rows_of(once, "rollup_1d").size() == 1);
}

TEST_CASE("each tier is pruned after its own keeping time, the daily one is kept",
          "[unit][history][tiers]") {
  testkit::TempDir dir;
  adapters::HistoryStore h(dir.file("h.db"), utc_day);
  feed(h, 0, 6 * 60 * 25);
  adapters::HistoryRetention keep;
  keep.raw_days = 1;
  keep.minute_days = 3;
  keep.quarter_days = 4;
  REQUIRE(h.record_event(Event{kT0, "test.event", Severity::kInfo, "x", {}}).ok());
  // 50 hours on: raw (1 day) goes, minutes (3 days) stay.
  auto first = h.prune(keep, kT0 + 50h);
  REQUIRE(first.ok());
  // Every sample (25 hours: three numbers a poll and the one text row) is older than a day.
  CHECK(first->samples == 3 * 6 * 60 * 25 + 1);
  CHECK(first->minute_buckets == 0);
  auto later = h.prune(keep, kT0 + 24h * 10);
  REQUIRE(later.ok());
  CHECK(later->minute_buckets == 25 * 60 - 1);
  CHECK(later->quarter_buckets == 25 * 4 - 1);
  CHECK(later->events == 1);
  CHECK(rows_of(h.db(), "rollup_1d").size() == 1);
}

TEST_CASE("a damaged stored bucket is left out and counted, the others still answer",
          "[unit][history][tiers]") {
  testkit::TempDir dir;
  adapters::HistoryStore h(dir.file("h.db"), utc_day);
  feed(h, 0, 6 * 5 + 1);
  REQUIRE(h.db()
              .exec("UPDATE rollup_1m SET data = x'01ff' WHERE start_ms = " +
                    std::to_string(adapters::unix_ms(kT0 + 2min)))
              .ok());
  auto page = adapters::query_history(h.db(), kT0, kT0 + 1h, {"battery.soc"}, 1000, nullptr,
                                      Resolution::kMinute);
  REQUIRE(page.ok());
  CHECK(page->samples.size() == 4);
  CHECK(page->damaged_buckets == 1);
}

TEST_CASE("auto resolution: the finest tier that still holds the start and fits the rows",
          "[unit][history][tiers]") {
  adapters::TierPolicy policy;  // raw 7 days at 60 s, minutes 90 days, quarters 3 years
  const WallTime now = kT0;
  auto pick = [&](std::chrono::hours back, std::chrono::hours span, std::size_t points) {
    return adapters::choose_resolution(policy, now - back, now - back + span, now, points, 20000);
  };
  CHECK(pick(24h, 24h, 7) == Resolution::kRaw);  // 1440 x 7 samples
  CHECK(pick(24h * 6, 24h, 7) == Resolution::kRaw);
  CHECK(pick(24h * 6, 24h * 6, 2) == Resolution::kRaw);  // 8640 x 2
  // 8640 x 7 > 20000: raw and minutes (one a minute, as many) are too many for six days.
  CHECK(pick(24h * 6, 24h * 6, 7) == Resolution::kQuarter);
  CHECK(pick(24h * 8, 24h, 7) == Resolution::kMinute);  // raw no longer holds it
  CHECK(pick(24h * 20, 24h * 20, 7) == Resolution::kQuarter);
  CHECK(pick(24h * 30, 24h * 30, 7) == Resolution::kDay);  // 2880 x 7 quarters
  CHECK(pick(24h * 100, 1h, 1) == Resolution::kQuarter);   // minutes are gone
  CHECK(pick(24h * 365 * 2, 24h * 365, 7) == Resolution::kDay);
  CHECK(pick(24h * 365 * 4, 24h, 1) == Resolution::kDay);  // only days are kept that long
  CHECK(adapters::parse_resolution("15m") == Resolution::kQuarter);
  CHECK_FALSE(adapters::parse_resolution("5m"));
}

TEST_CASE("after a clean stop the open buckets continue: a restart changes no summary",
          "[unit][history][tiers]") {
  testkit::TempDir dir;
  // As in the daemon: every poll summarised, one sample a minute recorded. Rebuilding from
  // the samples alone would give other counts, so only the saved open buckets can pass this.
  auto run = [&](adapters::HistoryStore& h, int from, int to) {
    for (int i = from; i < to; ++i) {
      const WallTime t = kT0 + std::chrono::seconds(10 * i);
      if (i % 6 == 0) h.record(poll_at(t, i), t);
      h.rollup(poll_at(t, i), t);
    }
    REQUIRE(h.flush().ok());
  };
  const int polls = 6 * 60 * 26;
  {
    adapters::HistoryStore once(dir.file("once.db"), utc_day);
    run(once, 0, polls);
  }
  {
    adapters::HistoryStore h(dir.file("twice.db"), utc_day);
    run(h, 0, 6 * 60 * 7 + 23);
    REQUIRE(h.save_open_buckets().ok());
  }
  {
    adapters::HistoryStore h(dir.file("twice.db"), utc_day);
    run(h, 6 * 60 * 7 + 23, 6 * 60 * 25 + 2);
    REQUIRE(h.save_open_buckets().ok());
  }
  {
    adapters::HistoryStore h(dir.file("twice.db"), utc_day);
    run(h, 6 * 60 * 25 + 2, polls);
  }
  check_same_tiers(dir.file("once.db"), dir.file("twice.db"));
  adapters::SqliteDb twice(dir.file("twice.db"));
  // The saved state is used once: it is gone after the start that took it.
  auto left = twice.prepare("SELECT COUNT(*) FROM state WHERE key = 'history.open_buckets'");
  REQUIRE(left.ok());
  REQUIRE(*left->step());
  CHECK(left->column_int(0) == 0);
}
