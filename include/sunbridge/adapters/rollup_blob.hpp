// SPDX-License-Identifier: Apache-2.0
// The stored form of one history-tier bucket: all points of the bucket in one compact blob, one
// database row per bucket. A row per point and bucket would cost about 35 bytes each and three
// years of 15-minute summaries would pass 600 MB; values as scaled integers in variable-length
// encoding take about 12 bytes a point (docs/reports.md "History tiers").
//
// Layout (version 1): u8 version; varint entry count; per entry, ids ascending: varint id step
// from the previous id, u8 flags (bits 0-2 decimals d, bit 3 delta present), varint count, the
// mean as a zigzag varint scaled by 10^(d+1), min, max and last as zigzag varints of their
// difference from the mean (scaled by 10^d, so a steady value costs a byte each), and the
// energy delta scaled by 10^d. Reading is bounds-checked: a damaged blob is Malformed, never
// trusted.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "sunbridge/core/result.hpp"
#include "sunbridge/domain/rollup.hpp"

namespace sb::adapters {

// Encodes the finite stats of `points` (a value that is not finite leaves its point out).
[[nodiscard]] std::vector<std::uint8_t> encode_rollup(
    const std::map<std::int64_t, domain::RollupStats>& points);
[[nodiscard]] Result<std::map<std::int64_t, domain::RollupStats>> decode_rollup(
    std::span<const std::uint8_t> blob);

}  // namespace sb::adapters
