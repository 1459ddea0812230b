// SPDX-License-Identifier: Apache-2.0
// The battery bank as one: bank.* points from the packs' pack.N.* points (points.md, bms.md
// section 6). Works on point names only; it never sees a device.
#pragma once

#include <vector>

#include "sunbridge/domain/point_store.hpp"

namespace sb::domain {

// bank.soc (capacity-weighted), bank.current, bank.remaining, bank.full (sums), bank.voltage
// (mean), bank.power, bank.cell.min/max/spread with bank.cell.min_at/max_at, bank.temp.min/max,
// bank.packs_online, bank.protection. A bank figure needs every configured pack: with one
// missing it is invalid (a 3-of-4 SOC would mislead), except packs_online and protection.
std::vector<Point> compute_bank(const PointStore& store, const std::vector<int>& packs,
                                WallTime now);

}  // namespace sb::domain
