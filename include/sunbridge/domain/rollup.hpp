// SPDX-License-Identifier: Apache-2.0
// The long-term history tiers: 1-minute, 15-minute and daily summaries of every measured point
// (min, max, mean, last, and for energy counters the energy in the bucket), built incrementally
// from the values as they arrive, never by rescanning. A bucket is [start, start + width) for
// all points together (days are local days); it is closed, and handed out to be stored once,
// when a value of a later bucket arrives. A bucket with no values does not exist: an outage of
// the link stays a gap, nothing is interpolated across it (docs/reports.md "History tiers").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace sb::domain {

enum class Tier { kMinute, kQuarter, kDay };
inline constexpr Tier kAllTiers[] = {Tier::kMinute, Tier::kQuarter, Tier::kDay};

// One point's summary over one bucket.
struct RollupStats {
  std::int64_t count = 0;
  double min = 0;
  double max = 0;
  double sum = 0;  // mean = sum / count
  double last = 0;
  // Energy counters only: the increase inside the bucket, from consecutive values no further
  // apart than RollupOptions::max_counter_gap_ms (a counter reset counts its new value).
  std::optional<double> delta;
  int decimals = 3;  // the point's display precision: how many decimals are worth storing

  [[nodiscard]] double mean() const { return count > 0 ? sum / static_cast<double>(count) : 0; }
  void add(double value, int value_decimals);
};

struct RollupBucket {
  Tier tier = Tier::kMinute;
  std::int64_t start_ms = 0;
  std::map<std::int64_t, RollupStats> points;  // by point id (opaque to the domain)
};

struct RollupOptions {
  // An increase of an energy counter over a longer gap (an outage) is not booked in any bucket.
  std::int64_t max_counter_gap_ms = 5 * 60 * 1000;
  // The local midnight at or before a time (Unix ms); days are local days.
  std::function<std::int64_t(std::int64_t)> day_start;
};

// What a value says about itself, for the tiers.
struct RollupInput {
  std::int64_t point_id = 0;
  double value = 0;
  int decimals = 3;
  bool counter = false;      // an energy counter (kWh, Ah): deltas are kept
  bool minute_tiers = true;  // whether the 1- and 15-minute tiers keep it (the daily one does)
};

// An energy counter's last value and when it was read.
struct RollupCounter {
  std::int64_t ts_ms = 0;
  double value = 0;
};

// What a builder holds between two runs of the daemon: its open buckets, the energy counters'
// last values and the time of the last values added.
struct RollupState {
  std::int64_t last_ts_ms = 0;
  std::vector<RollupBucket> open;
  std::map<std::int64_t, RollupCounter> counters;  // by point id
};

class RollupBuilder {
 public:
  explicit RollupBuilder(RollupOptions options);

  // Each tier takes only values at or after its resume point (the end of its last stored
  // bucket), so rebuilding an open bucket after a restart never counts a value twice.
  void resume_after(Tier tier, std::int64_t end_ms);
  [[nodiscard]] std::int64_t resume_point(Tier tier) const;

  // Adds the values of one moment. Values older than a tier's open bucket are late (the clock
  // stepped back) and are left out of that tier; returns how many tiers refused one.
  int add(std::int64_t ts_ms, const std::vector<RollupInput>& values);
  // Buckets closed so far, oldest first; the builder forgets them.
  [[nodiscard]] std::vector<RollupBucket> take_closed();
  // The bucket end of `tier` for a bucket starting at `start_ms`.
  [[nodiscard]] std::int64_t bucket_end(Tier tier, std::int64_t start_ms) const;
  [[nodiscard]] std::int64_t bucket_start(Tier tier, std::int64_t ts_ms) const;
  // The open buckets and counters, to be saved at a clean stop and restored at start: then a
  // restart changes nothing in any tier. Restoring moves every tier's resume point past the
  // state's last values.
  [[nodiscard]] RollupState state() const;
  void restore(RollupState state);
  [[nodiscard]] const std::optional<RollupBucket>& open(Tier tier) const {
    return open_[static_cast<int>(tier)];
  }

 private:
  RollupOptions options_;
  std::optional<RollupBucket> open_[3];
  std::int64_t resume_[3] = {INT64_MIN, INT64_MIN, INT64_MIN};
  std::vector<RollupBucket> closed_;
  std::int64_t last_ts_ms_ = INT64_MIN;
  std::map<std::int64_t, RollupCounter> counters_;  // the last value of each counter
};

}  // namespace sb::domain
