// SPDX-License-Identifier: Apache-2.0
// Feeding the checks in unit tests: a point store, a clock the test moves, and the kinds of the
// events a check returned.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sunbridge/core/event.hpp"
#include "sunbridge/domain/point_store.hpp"

namespace sb::test {

struct CheckFeed {
  domain::PointStore points;
  WallTime now{std::chrono::seconds(1'800'000'000)};
  std::chrono::milliseconds max_age{std::chrono::seconds(30)};  // a reading is fresh this long

  CheckFeed() = default;
  explicit CheckFeed(WallTime start, std::chrono::milliseconds fresh_for = std::chrono::minutes(2))
      : now(start), max_age(fresh_for) {}

  void set(const std::string& name, double v, const std::string& unit = "") {
    points.set(Point{name, v, unit, Quality::kOk, now, ""}, max_age);
  }
  void text(const std::string& name, const std::string& v) {
    points.set(Point{name, v, "", Quality::kOk, now, ""});
  }
  void legs(double l1, double l2) {
    set("grid.l1.voltage", l1, "V");
    set("grid.l2.voltage", l2, "V");
  }
  // A failed read of `name`: stale from now on.
  void stale(const std::string& name) { points.apply({{}, {{name, "timeout", ""}}, {}, max_age}); }
};

inline std::vector<std::string> kinds(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(e.kind);
  return out;
}

}  // namespace sb::test
