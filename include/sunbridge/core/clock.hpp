// SPDX-License-Identifier: Apache-2.0
// One injectable clock for everything time-dependent (tests drive ManualClock).
#pragma once

#include <chrono>
#include <mutex>

namespace sb {

using WallTime = std::chrono::system_clock::time_point;
using MonoTime = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Calendar time: timestamps on values, the inverter clock, schedules.
  [[nodiscard]] virtual WallTime wall_now() const = 0;
  // Monotonic time: timeouts, intervals, back-off.
  [[nodiscard]] virtual MonoTime mono_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] WallTime wall_now() const override { return std::chrono::system_clock::now(); }
  [[nodiscard]] MonoTime mono_now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told to; both views advance together. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime start = WallTime{std::chrono::hours(24 * 365 * 56)})
      : wall_(start) {}
  [[nodiscard]] WallTime wall_now() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  [[nodiscard]] MonoTime mono_now() const override {
    std::lock_guard lock(mu_);
    return mono_;
  }
  void advance(std::chrono::nanoseconds by) {
    std::lock_guard lock(mu_);
    wall_ += std::chrono::duration_cast<WallTime::duration>(by);
    mono_ += std::chrono::duration_cast<MonoTime::duration>(by);
  }
  void set_wall(WallTime t) {
    std::lock_guard lock(mu_);
    wall_ = t;
  }

 private:
  mutable std::mutex mu_;
  WallTime wall_;
  MonoTime mono_{};
};

}  // namespace sb
