// SPDX-License-Identifier: Apache-2.0
// The latest value of every point, with quality. A value that failed to refresh, or that is
// older than its allowed age, is reported stale - never as fresh (points.md). Derived points
// are computed from their inputs when read. Owned by the event loop; not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sunbridge/core/derived_point.hpp"
#include "sunbridge/core/point_update.hpp"

namespace sb::domain {

class PointStore {
 public:
  explicit PointStore(std::vector<DerivedPoint> derived = {});
  // Entries point at each other (see Entry::next_in_update): a copy would point into this one.
  PointStore(const PointStore&) = delete;
  PointStore& operator=(const PointStore&) = delete;
  PointStore(PointStore&&) = default;
  PointStore& operator=(PointStore&&) = default;

  void apply(const PointUpdate& update);
  // Sets one value directly (link states, values computed by the domain).
  void set(Point point, std::chrono::milliseconds max_age = std::chrono::milliseconds(0));

  // Every point with quality as of `now`, sorted by name; derived points included.
  [[nodiscard]] std::vector<Point> snapshot(WallTime now) const;
  [[nodiscard]] std::optional<Point> get(const std::string& name, WallTime now) const;
  // The value as a number when it is fresh (quality ok) and numeric; otherwise nothing.
  [[nodiscard]] std::optional<double> fresh_number(const std::string& name, WallTime now) const;
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Point point;
    std::chrono::milliseconds max_age{0};
    // The entry that followed this one when an update was last applied. A poll applies the
    // same points in the same order every cycle, so this is checked (one name compare) before
    // hashing the next name. Entries are never erased and the map's nodes do not move.
    Entry* next_in_update = nullptr;
    // The producer's key for this point (PointUpdate::fresh_keys), once it came with one.
    const void* key = nullptr;
  };
  // The quality `e` has as of `now`: ok turns stale once older than its allowed age.
  [[nodiscard]] static Quality quality_at(const Entry& e, WallTime now);
  [[nodiscard]] Point aged(const Entry& e, WallTime now) const;
  [[nodiscard]] std::optional<Point> compute(const DerivedPoint& d, WallTime now) const;
  [[nodiscard]] std::optional<double> estimate_of(const DerivedFallback& f, WallTime now) const;

  // Hashed: a poll looks up a hundred names; ordered lookups' string compares showed in its
  // profile. snapshot() sorts by name.
  std::unordered_map<std::string, Entry> entries_;
  std::vector<DerivedPoint> derived_;
};

}  // namespace sb::domain
