// SPDX-License-Identifier: Apache-2.0
// The utility's daily grid import as a CSV file ("date,grid_import_kwh", one day a line), the
// form the owner's meter data comes in (docs/strategy.md "Calibration"). Every bad line is
// named; nothing of a file with a bad line is used.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "sunbridge/core/schema.hpp"
#include "sunbridge/domain/strategy/calibration.hpp"

namespace sb::adapters {

std::optional<std::vector<domain::strategy::DailyKwh>> parse_grid_daily_csv(std::string_view text,
                                                                            schema::Issues& issues);

}  // namespace sb::adapters
