// SPDX-License-Identifier: Apache-2.0
// History of point values in SQLite (WAL). Writes are batched in memory and committed together
// every storage.commit_interval_s, because the gateway lives on an SD card; a crash loses at most
// one batch of history (never settings or audit data, which later tables commit at once).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sunbridge/adapters/history_tiers.hpp"
#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/core/event.hpp"
#include "sunbridge/core/point.hpp"
#include "sunbridge/domain/checks/statutory_band.hpp"
#include "sunbridge/domain/rollup.hpp"

namespace sb::adapters {

// A tier's summary of one point over one bucket (the sample's value is the mean).
struct BucketValues {
  double min = 0;
  double max = 0;
  double last = 0;
  std::int64_t count = 0;
  std::optional<double> delta;  // energy counters: the increase inside the bucket
};

struct HistorySample {
  WallTime ts;  // raw: when it was read; a tier: the bucket's start
  std::string name;
  std::optional<double> value;
  std::optional<std::string> text;
  std::optional<BucketValues> bucket;  // set for the 1m, 15m and 1d tiers
};

// One page of a history query: at most `max_rows` samples, the newest ones when there were more.
struct HistoryPage {
  std::vector<HistorySample> samples;  // oldest first
  bool truncated = false;              // older samples in the period were left out
  Resolution resolution = Resolution::kRaw;
  int damaged_buckets = 0;  // stored buckets that could not be read (left out, and said)
};

// Samples with since <= ts < until for `names` (all when empty), oldest first. When there are more
// than `max_rows`, returns the newest ones, never a partial timestamp, and says so: history must
// never silently lose the most recent data. Runs on any connection to the database (the daemon
// queries on a reader thread with its own connection).
//
// With `known_now` (the names the daemon knows at this moment), a name that is neither among
// them nor ever recorded is an error with the nearest known name: a typo must not look like an
// empty period.
//
// `resolution` picks the raw samples or a tier (not kAuto: see choose_resolution). A tier's
// buckets that overlap the period are returned.
Result<HistoryPage> query_history(SqliteDb& db, WallTime since, WallTime until,
                                  const std::vector<std::string>& names, std::size_t max_rows,
                                  const std::set<std::string>* known_now = nullptr,
                                  Resolution resolution = Resolution::kRaw);

// The local midnight at or before a Unix-ms time, in the process's time zone.
[[nodiscard]] std::int64_t local_day_start_ms(std::int64_t ts_ms);

// What a prune deleted.
struct PruneCounts {
  std::int64_t samples = 0;
  std::int64_t minute_buckets = 0;
  std::int64_t quarter_buckets = 0;
  std::int64_t events = 0;
  [[nodiscard]] std::int64_t total() const {
    return samples + minute_buckets + quarter_buckets + events;
  }
};

class HistoryStore {
 public:
  // Opens/creates the database and applies migrations, then rebuilds the tiers' open buckets
  // from the raw samples after the last stored bucket (so a restart loses nothing of them).
  // Throws std::runtime_error at start-up. `day_start` gives the daily tier's local days.
  explicit HistoryStore(const std::string& path,
                        std::function<std::int64_t(std::int64_t)> day_start = local_day_start_ms);

  // Queues the ok-quality values of `points` under the cycle time `ts`. Text values are queued
  // only when they differ from the last queued text of that point.
  void record(const std::vector<Point>& points, WallTime ts);
  // Adds the ok-quality numeric values of `points` at `ts` to the history tiers (every poll:
  // the 1-minute summary sees every value, not only the recorded samples).
  void rollup(const std::vector<Point>& points, WallTime ts);
  // Commits everything queued, and the tier buckets closed since, in one transaction.
  Status flush();
  [[nodiscard]] std::size_t pending() const { return pending_.size() + buckets_.size(); }
  // At a clean stop: commits, then saves the tiers' open buckets for the next start, which
  // continues them (after a crash they are rebuilt from the raw samples instead, which hold
  // fewer values than the polls: min and max may miss a peak).
  Status save_open_buckets();

  // Samples with since <= ts < until, for `names` (all when empty), oldest first, all of them.
  Result<std::vector<HistorySample>> query(WallTime since, WallTime until,
                                           const std::vector<std::string>& names);
  // Stores an event and commits it at once; then tells the observer (the cloud link).
  Status record_event(const Event& event);
  void set_event_observer(std::function<void(const Event&)> observer) {
    observer_ = std::move(observer);
  }
  // Events with since <= ts < until, oldest first.
  Result<std::vector<Event>> query_events(WallTime since, WallTime until);
  // The 10-minute power-quality intervals (docs/checks.md "Statutory band").
  Status record_pq_interval(const domain::checks::PqInterval& interval);
  Result<std::vector<domain::checks::PqInterval>> query_pq_intervals(WallTime since,
                                                                     WallTime until);

  // Deletes what each tier keeps no longer; events go with the 15-minute tier.
  Result<PruneCounts> prune(const HistoryRetention& retention, WallTime now);

  [[nodiscard]] SqliteDb& db() { return db_; }

 private:
  Result<std::int64_t> point_id(const std::string& name, const std::string& unit, int decimals);
  void resume_tiers();
  Status insert_buckets();  // inside the caller's transaction
  Status write_buckets();   // in a transaction of its own
  // Inserts the closed buckets and commits the open transaction (rolled back on failure).
  Status commit_with_buckets();

  SqliteDb db_;
  domain::RollupBuilder tiers_;
  std::vector<domain::RollupBucket> buckets_;  // closed, not yet committed
  std::map<std::int64_t, int> decimals_;       // what point_names holds, by id
  std::map<std::string, std::int64_t> ids_;
  std::map<std::string, std::string> last_text_;
  struct Row {
    std::int64_t ts_ms;
    std::string name;
    std::string unit;
    int decimals;
    std::optional<double> value;
    std::optional<std::string> text;
  };
  std::vector<Row> pending_;
  std::function<void(const Event&)> observer_;
};

}  // namespace sb::adapters
