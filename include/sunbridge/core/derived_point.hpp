// SPDX-License-Identifier: Apache-2.0
// A point computed from other points (battery.power = voltage x current, load.power = L1 + L2).
// Declared in the register map data; computed by the domain's point store.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sb {

enum class DerivedOp { kSum, kProduct };

// An estimate used when every input reads exactly 0 although something flows: some firmware
// leaves registers at 0 (grid power on off-grid firmware) that the energy balance can stand in
// for. The point then carries the estimate with a note that says so.
struct DerivedFallback {
  std::vector<std::string> plus, minus;  // estimate = sum(plus) - sum(minus); derived names allowed
  std::vector<std::string> flowing;      // used only while one of these reads above min_flowing
  double min_flowing = 1.0;
  std::string note;
};

struct DerivedPoint {
  std::string name;
  DerivedOp op = DerivedOp::kSum;
  std::vector<std::string> inputs;
  std::string unit;
  std::string label;
  std::optional<DerivedFallback> fallback;
  // Display precision; when not declared a sum shows as many decimals as its finest input and a
  // product is left to the default (a product's exact decimals are rarely worth showing).
  int decimals = -1;
};

}  // namespace sb
