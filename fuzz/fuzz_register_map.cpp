// SPDX-License-Identifier: Apache-2.0
// libFuzzer: register map documents (user-supplied files) through the strict JSON parser, the
// schema and the semantic checks; a map that loads must plan into legal blocks.
#include <cstdint>
#include <string_view>

#include "sunbridge/protocol/block_planner.hpp"
#include "sunbridge/protocol/register_map.hpp"

using namespace sb::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sb::schema::Issues issues;
  auto map =
      RegisterMap::from_json(std::string_view(reinterpret_cast<const char*>(data), size), issues);
  if (!map) return 0;
  PlanOptions opt;
  opt.max_registers = map->max_registers_per_read();
  for (auto g : {Group::kIdentity, Group::kLive, Group::kSettings}) {
    for (const auto& b : plan_blocks(map->group(g), {map->holes(), {}}, opt)) {
      if (b.count > opt.max_registers && b.rows.size() > 1) __builtin_trap();
    }
  }
  return 0;
}
