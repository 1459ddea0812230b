// SPDX-License-Identifier: Apache-2.0
// Pure planning of register reads: rows -> blocks of at most N registers that never cross a
// known hole (docs/inverter-registers.md: a read covering an unimplemented address fails whole with
// 02).
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "sunbridge/protocol/register_map.hpp"

namespace sb::protocol {

struct Block {
  std::uint16_t start = 0;
  std::uint16_t count = 0;
  std::vector<const RegisterRow*> rows;  // in address order, all inside [start, start+count)

  [[nodiscard]] std::uint16_t end() const { return static_cast<std::uint16_t>(start + count); }
};

struct PlanOptions {
  int max_registers = 32;
  // Unmapped registers a block may read through to save a transaction. Bridging g registers
  // costs 2g bytes; a new transaction costs ~20 character times (8-byte request, 5 bytes of
  // response overhead, two 3.5-character silences) plus turnaround and the inter-transaction
  // gap, so up to 10 is never slower.
  int max_gap = 10;
};

// What the firmware has taught the planner (see HoleMemory in the device layer).
struct PlanConstraints {
  std::vector<HoleRange> holes;    // never read: declared by the map or learned
  std::set<std::uint16_t> breaks;  // a block must start at these addresses
};

// Groups `rows` (any order) into blocks. Rows overlapping a hole are left out.
std::vector<Block> plan_blocks(std::span<const RegisterRow* const> rows,
                               const PlanConstraints& constraints, const PlanOptions& options);

// Splits a block of two or more rows at the row boundary nearest its middle register.
// Precondition: block.rows.size() >= 2.
std::pair<Block, Block> bisect(const Block& block);

}  // namespace sb::protocol
