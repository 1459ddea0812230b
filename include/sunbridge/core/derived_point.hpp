// SPDX-License-Identifier: Apache-2.0
// A point computed from other points (battery.power = voltage x current, load.power = L1 + L2).
// Declared in the register map data; computed by the domain's point store.
#pragma once

#include <string>
#include <vector>

namespace sb {

enum class DerivedOp { kSum, kProduct };

struct DerivedPoint {
  std::string name;
  DerivedOp op = DerivedOp::kSum;
  std::vector<std::string> inputs;
  std::string unit;
  std::string label;
};

}  // namespace sb
