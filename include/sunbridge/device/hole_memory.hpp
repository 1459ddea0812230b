// SPDX-License-Identifier: Apache-2.0
// What the firmware has shown it lacks (docs/inverter-registers.md: "on 0x02 the client should
// bisect the block once and remember the result"). Each 0x02 on a block adds a break at its
// midpoint, so plans get finer over successive cycles until single rows fail; those rows are
// unsupported.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "sunbridge/protocol/block_planner.hpp"
#include "sunbridge/protocol/register_map.hpp"

namespace sb::device {

// What one firmware has shown it lacks, as kept between runs (per firmware version: another unit
// with the same firmware lacks the same registers; an update may add them).
struct LearnedHoles {
  std::set<std::uint16_t> breaks;
  std::set<std::uint16_t> unsupported;
  bool operator==(const LearnedHoles&) const = default;
};

class HoleMemory {
 public:
  void add_break(std::uint16_t address) { version_ += breaks_.insert(address).second ? 1 : 0; }
  void mark_unsupported(const protocol::RegisterRow& row) {
    version_ += unsupported_.insert(row.address).second ? 1 : 0;
  }
  [[nodiscard]] bool is_unsupported(const protocol::RegisterRow& row) const {
    return unsupported_.count(row.address) != 0;
  }
  // Forget everything (a different device or firmware answered).
  void reset() {
    breaks_.clear();
    unsupported_.clear();
    ++version_;
  }
  [[nodiscard]] LearnedHoles learned() const { return {breaks_, unsupported_}; }
  // Adds what an earlier run learned about the same firmware.
  void merge(const LearnedHoles& h) {
    breaks_.insert(h.breaks.begin(), h.breaks.end());
    unsupported_.insert(h.unsupported.begin(), h.unsupported.end());
    ++version_;
  }
  // Changes whenever what is known changes: a plan made at one version holds until it moves.
  [[nodiscard]] std::uint64_t version() const { return version_; }

  // The map's declared holes plus the unsupported rows, and the learned breaks.
  [[nodiscard]] protocol::PlanConstraints constraints(const protocol::RegisterMap& map) const;
  [[nodiscard]] const std::set<std::uint16_t>& breaks() const { return breaks_; }
  [[nodiscard]] const std::set<std::uint16_t>& unsupported() const { return unsupported_; }

 private:
  std::set<std::uint16_t> breaks_;
  std::set<std::uint16_t> unsupported_;  // row start addresses
  std::uint64_t version_ = 0;
};

}  // namespace sb::device
