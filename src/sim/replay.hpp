// SPDX-License-Identifier: Apache-2.0
// Plays a recorded CSV of readings back through the simulator at any speed, so the daemon's
// checks run on real data. The first column is the local time ("2025-05-19 08:30:03", the
// simulator's time zone); the others are either model values by point name (battery.soc) or raw
// register words named reg_0xADDR_anything, decoded with the register map the daemon uses (scale,
// sign). An empty cell is a read that failed: that value is left as it was. See
// docs/simulator.md "Replay".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sim/household_model.hpp"

namespace sb::sim {

class Replay {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  // Throws std::runtime_error naming the line for an unreadable file or column (a start-up
  // failure of the simulator).
  static Replay load(const std::string& path);

  // Applies every row that is due at `now` (the replay began at `start`, running `speed` times
  // faster than recorded). Returns the number of rows applied by this call.
  std::size_t advance(HouseholdModel& model, TimePoint start, TimePoint now, double speed);
  [[nodiscard]] bool finished() const { return next_ >= rows_.size(); }
  [[nodiscard]] std::size_t position() const { return next_; }
  [[nodiscard]] std::size_t size() const { return rows_.size(); }
  // The recorded time of the last row applied.
  [[nodiscard]] std::optional<TimePoint> recorded_now() const;

 private:
  struct Row {
    TimePoint ts;
    std::vector<std::optional<double>> values;  // per column; nothing = a failed read
  };
  std::vector<std::string> points_;  // model value per column
  std::vector<Row> rows_;
  std::size_t next_ = 0;
};

}  // namespace sb::sim
