// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/device/hole_memory.hpp"

namespace sb::device {

protocol::PlanConstraints HoleMemory::constraints(const protocol::RegisterMap& map) const {
  protocol::PlanConstraints c;
  c.holes = map.holes();
  for (std::uint16_t address : unsupported_) {
    if (const auto* row = map.at_address(address)) {
      c.holes.push_back({row->address, static_cast<std::uint16_t>(row->end() - 1)});
    }
  }
  c.breaks = breaks_;
  return c;
}

}  // namespace sb::device
