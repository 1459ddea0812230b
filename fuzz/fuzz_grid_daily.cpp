// SPDX-License-Identifier: Apache-2.0
// libFuzzer: the daily meter CSV (a user-supplied file) through the strict line parser; what it
// accepts must be in date order, each day once, every figure within 0-1000 kWh.
#include <cstdint>
#include <string_view>

#include "sunbridge/adapters/grid_daily_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sb::schema::Issues issues;
  const auto days = sb::adapters::parse_grid_daily_csv(text, issues);
  if (!days) {
    if (issues.empty()) __builtin_trap();  // a refusal always says why
    return 0;
  }
  for (std::size_t i = 0; i < days->size(); ++i) {
    const auto& d = (*days)[i];
    if (!(d.kwh >= 0 && d.kwh <= 1000)) __builtin_trap();
    if (i > 0 && !((*days)[i - 1].date < d.date)) __builtin_trap();
  }
  return 0;
}
