// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/protocol/block_planner.hpp"

#include <algorithm>
#include <cstdlib>

namespace sb::protocol {

namespace {

bool overlaps(const HoleRange& h, std::uint32_t first, std::uint32_t end_exclusive) {
  return first < end_exclusive && h.first < end_exclusive && first <= h.last;
}

bool any_hole(const std::vector<HoleRange>& holes, std::uint32_t first, std::uint32_t end) {
  return std::any_of(holes.begin(), holes.end(),
                     [&](const HoleRange& h) { return overlaps(h, first, end); });
}

Block make_block(std::vector<const RegisterRow*> rows) {
  Block b;
  b.start = rows.front()->address;
  b.count = static_cast<std::uint16_t>(rows.back()->end() - rows.front()->address);
  b.rows = std::move(rows);
  return b;
}

}  // namespace

std::vector<Block> plan_blocks(std::span<const RegisterRow* const> rows,
                               const PlanConstraints& constraints, const PlanOptions& options) {
  std::vector<const RegisterRow*> sorted;
  for (const RegisterRow* r : rows) {
    if (!any_hole(constraints.holes, r->address, r->end())) sorted.push_back(r);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const RegisterRow* a, const RegisterRow* b) { return a->address < b->address; });

  std::vector<Block> blocks;
  std::vector<const RegisterRow*> current;
  auto flush = [&] {
    if (!current.empty()) blocks.push_back(make_block(std::move(current)));
    current.clear();
  };
  for (const RegisterRow* r : sorted) {
    if (!current.empty()) {
      const std::uint32_t block_start = current.front()->address;
      const std::uint32_t block_end = current.back()->end();
      const bool too_long = static_cast<int>(r->end() - block_start) > options.max_registers;
      const bool gap_too_wide = static_cast<int>(r->address - block_end) > options.max_gap;
      const bool gap_has_hole = any_hole(constraints.holes, block_end, r->address);
      const bool must_break = constraints.breaks.count(r->address) != 0;
      if (too_long || gap_too_wide || gap_has_hole || must_break) flush();
    }
    current.push_back(r);
  }
  flush();
  return blocks;
}

std::pair<Block, Block> bisect(const Block& block) {
  const int middle = block.start + block.count / 2;
  std::size_t best = 1;
  int best_distance = 1 << 20;
  for (std::size_t i = 1; i < block.rows.size(); ++i) {
    int d = std::abs(static_cast<int>(block.rows[i]->address) - middle);
    if (d < best_distance) {
      best_distance = d;
      best = i;
    }
  }
  std::vector<const RegisterRow*> left(block.rows.begin(), block.rows.begin() + best);
  std::vector<const RegisterRow*> right(block.rows.begin() + best, block.rows.end());
  return {make_block(std::move(left)), make_block(std::move(right))};
}

}  // namespace sb::protocol
