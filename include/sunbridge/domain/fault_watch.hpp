// SPDX-License-Identifier: Apache-2.0
// Inverter fault codes become events: one when a code appears (warning, with SRNE's name and
// text) and one when it clears. A code that stays is not reported again on every poll.
#pragma once

#include <set>
#include <vector>

#include "sunbridge/core/event.hpp"
#include "sunbridge/core/point.hpp"

namespace sb::domain {

class FaultWatch {
 public:
  // The faults the inverter reports now (a fresh reading of inverter.faults).
  std::vector<Event> update(const std::vector<FaultCode>& active, WallTime now);

 private:
  std::vector<FaultCode> active_;
  bool first_ = true;
};

}  // namespace sb::domain
