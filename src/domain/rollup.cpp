// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/rollup.hpp"

#include <algorithm>
#include <climits>

namespace sb::domain {

namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kQuarterMs = 15 * kMinuteMs;
constexpr std::int64_t kDayMs = 24 * 60 * kMinuteMs;

std::int64_t floor_to(std::int64_t ts_ms, std::int64_t width_ms) {
  std::int64_t q = ts_ms / width_ms;
  if (ts_ms % width_ms < 0) --q;
  return q * width_ms;
}

}  // namespace

void RollupStats::add(double value, int value_decimals) {
  if (count == 0) {
    min = max = value;
  } else {
    min = std::min(min, value);
    max = std::max(max, value);
  }
  sum += value;
  last = value;
  ++count;
  decimals = value_decimals;
}

RollupBuilder::RollupBuilder(RollupOptions options) : options_(std::move(options)) {
  if (!options_.day_start) {
    options_.day_start = [](std::int64_t ts_ms) { return floor_to(ts_ms, kDayMs); };
  }
}

void RollupBuilder::resume_after(Tier tier, std::int64_t end_ms) {
  resume_[static_cast<int>(tier)] = end_ms;
}

std::int64_t RollupBuilder::resume_point(Tier tier) const {
  return resume_[static_cast<int>(tier)];
}

std::int64_t RollupBuilder::bucket_start(Tier tier, std::int64_t ts_ms) const {
  switch (tier) {
    case Tier::kMinute:
      return floor_to(ts_ms, kMinuteMs);
    case Tier::kQuarter:
      return floor_to(ts_ms, kQuarterMs);
    case Tier::kDay:
      return options_.day_start(ts_ms);
  }
  return ts_ms;
}

std::int64_t RollupBuilder::bucket_end(Tier tier, std::int64_t start_ms) const {
  switch (tier) {
    case Tier::kMinute:
      return start_ms + kMinuteMs;
    case Tier::kQuarter:
      return start_ms + kQuarterMs;
    case Tier::kDay:
      // A local day is 23 to 25 hours long across a daylight-saving change: the next midnight
      // is the start of the day 26 hours on.
      return options_.day_start(start_ms + 26 * 60 * kMinuteMs);
  }
  return start_ms;
}

int RollupBuilder::add(std::int64_t ts_ms, const std::vector<RollupInput>& values) {
  // The energy in this step of each counter, shared by all tiers.
  std::map<std::int64_t, double> deltas;
  for (const RollupInput& in : values) {
    if (!in.counter) continue;
    auto [it, first] = counters_.try_emplace(in.point_id, RollupCounter{ts_ms, in.value});
    if (first) continue;
    RollupCounter& prev = it->second;
    if (ts_ms <= prev.ts_ms) continue;  // late or repeated: nothing new
    if (ts_ms - prev.ts_ms <= options_.max_counter_gap_ms) {
      // A counter that went down was reset (a new day, a replaced inverter): it counted up
      // from zero to its new value.
      deltas[in.point_id] = in.value >= prev.value ? in.value - prev.value : in.value;
    }
    prev = {ts_ms, in.value};
  }
  int refused = 0;
  last_ts_ms_ = std::max(last_ts_ms_, ts_ms);
  for (Tier tier : kAllTiers) {
    const int t = static_cast<int>(tier);
    if (ts_ms < resume_[t]) continue;  // already in a stored bucket
    const std::int64_t start = bucket_start(tier, ts_ms);
    auto& open = open_[t];
    if (open && start < open->start_ms) {
      ++refused;
      continue;
    }
    if (open && start > open->start_ms) {
      closed_.push_back(std::move(*open));
      open.reset();
    }
    if (!open) open = RollupBucket{tier, start, {}};
    for (const RollupInput& in : values) {
      if (tier != Tier::kDay && !in.minute_tiers) continue;
      RollupStats& stats = open->points[in.point_id];
      stats.add(in.value, in.decimals);
      if (in.counter) {
        auto d = deltas.find(in.point_id);
        if (d != deltas.end()) {
          stats.delta = stats.delta.value_or(0) + d->second;
        } else if (!stats.delta) {
          stats.delta = 0.0;  // a counter's first value in the bucket: nothing measured yet
        }
      }
    }
  }
  return refused;
}

RollupState RollupBuilder::state() const {
  RollupState s;
  s.last_ts_ms = last_ts_ms_;
  for (const auto& open : open_)
    if (open) s.open.push_back(*open);
  s.counters = counters_;
  return s;
}

void RollupBuilder::restore(RollupState state) {
  for (auto& bucket : state.open)
    open_[static_cast<int>(bucket.tier)] = std::move(bucket);
  for (const auto& [id, c] : state.counters)
    counters_[id] = c;
  last_ts_ms_ = state.last_ts_ms;
  for (std::int64_t& resume : resume_)
    resume = std::max(resume, state.last_ts_ms + 1);
}

std::vector<RollupBucket> RollupBuilder::take_closed() {
  std::vector<RollupBucket> out = std::move(closed_);
  closed_.clear();
  std::stable_sort(out.begin(), out.end(), [](const RollupBucket& a, const RollupBucket& b) {
    return a.start_ms < b.start_ms;
  });
  return out;
}

}  // namespace sb::domain
