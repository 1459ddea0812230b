// SPDX-License-Identifier: Apache-2.0
// libFuzzer: chart descriptions (what sunbridge-plot reads on its standard input) through the
// JSON reader; a description it accepts must be consistent (every line's x and y the same
// length, every bar series one value per category) and survive a round trip.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "sunbridge/adapters/plot_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = sb::adapters::plot_spec_from_text(text);
  if (!spec) return 0;
  for (const auto& panel : spec->panels) {
    for (const auto& line : panel.lines) {
      if (line.x.size() != line.y.size()) __builtin_trap();
      for (double x : line.x)
        if (!std::isfinite(x)) __builtin_trap();
    }
  }
  for (const auto& bars : spec->bars)
    if (bars.values.size() != spec->categories.size()) __builtin_trap();
  auto again = sb::adapters::plot_spec_from_json(sb::adapters::plot_spec_to_json(*spec));
  if (!again || again->panels.size() != spec->panels.size()) __builtin_trap();
  return 0;
}
