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

#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/core/event.hpp"
#include "sunbridge/core/point.hpp"
#include "sunbridge/domain/checks/statutory_band.hpp"

namespace sb::adapters {

struct HistorySample {
  WallTime ts;
  std::string name;
  std::optional<double> value;
  std::optional<std::string> text;
};

// One page of a history query: at most `max_rows` samples, the newest ones when there were more.
struct HistoryPage {
  std::vector<HistorySample> samples;  // oldest first
  bool truncated = false;              // older samples in the period were left out
};

// Samples with since <= ts < until for `names` (all when empty), oldest first. When there are more
// than `max_rows`, returns the newest ones, never a partial timestamp, and says so: history must
// never silently lose the most recent data. Runs on any connection to the database (the daemon
// queries on a reader thread with its own connection).
//
// With `known_now` (the names the daemon knows at this moment), a name that is neither among
// them nor ever recorded is an error with the nearest known name: a typo must not look like an
// empty period.
Result<HistoryPage> query_history(SqliteDb& db, WallTime since, WallTime until,
                                  const std::vector<std::string>& names, std::size_t max_rows,
                                  const std::set<std::string>* known_now = nullptr);

class HistoryStore {
 public:
  // Opens/creates the database and applies migrations. Throws std::runtime_error at start-up.
  explicit HistoryStore(const std::string& path);

  // Queues the ok-quality values of `points` under the cycle time `ts`. Text values are queued
  // only when they differ from the last queued text of that point.
  void record(const std::vector<Point>& points, WallTime ts);
  // Commits everything queued in one transaction.
  Status flush();
  [[nodiscard]] std::size_t pending() const { return pending_.size(); }

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

  // Deletes samples older than `before`. Returns the number deleted.
  Result<std::int64_t> prune(WallTime before);

  [[nodiscard]] SqliteDb& db() { return db_; }

 private:
  Result<std::int64_t> point_id(const std::string& name, const std::string& unit);

  SqliteDb db_;
  std::map<std::string, std::int64_t> ids_;
  std::map<std::string, std::string> last_text_;
  struct Row {
    std::int64_t ts_ms;
    std::string name;
    std::string unit;
    std::optional<double> value;
    std::optional<std::string> text;
  };
  std::vector<Row> pending_;
  std::function<void(const Event&)> observer_;
};

}  // namespace sb::adapters
