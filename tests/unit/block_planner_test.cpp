// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "sunbridge/protocol/block_planner.hpp"

using namespace sb::protocol;

namespace {

RegisterRow make_row(std::uint16_t address, std::uint16_t length = 1) {
  RegisterRow r;
  r.address = address;
  r.length = length;
  r.name = "r" + std::to_string(address);
  return r;
}

std::vector<const RegisterRow*> ptrs(const std::vector<RegisterRow>& rows) {
  std::vector<const RegisterRow*> out;
  for (const auto& r : rows)
    out.push_back(&r);
  return out;
}

}  // namespace

TEST_CASE("contiguous rows form one block", "[unit][planner]") {
  std::vector<RegisterRow> rows = {make_row(0x0102), make_row(0x0100), make_row(0x0101)};
  auto blocks = plan_blocks(ptrs(rows), {}, {});
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].start == 0x0100);
  CHECK(blocks[0].count == 3);
  CHECK(blocks[0].rows.size() == 3);
  CHECK(blocks[0].rows[0]->address == 0x0100);  // address order
}

TEST_CASE("no block exceeds the register limit", "[unit][planner]") {
  std::vector<RegisterRow> rows;
  for (int a = 0; a < 100; ++a)
    rows.push_back(make_row(static_cast<std::uint16_t>(0x0200 + a)));
  PlanOptions opt;
  opt.max_registers = 32;
  auto blocks = plan_blocks(ptrs(rows), {}, opt);
  REQUIRE(blocks.size() == 4);
  for (const auto& b : blocks)
    CHECK(b.count <= 32);
  CHECK(blocks[3].count == 4);
  // A multi-register row is never split: a 20-register string after 20 single rows starts anew.
  std::vector<RegisterRow> mixed;
  for (int a = 0; a < 20; ++a)
    mixed.push_back(make_row(static_cast<std::uint16_t>(a)));
  mixed.push_back(make_row(20, 20));
  auto b2 = plan_blocks(ptrs(mixed), {}, opt);
  REQUIRE(b2.size() == 2);
  CHECK(b2[1].start == 20);
  CHECK(b2[1].count == 20);
}

TEST_CASE("small gaps are read through, wide ones are not", "[unit][planner]") {
  std::vector<RegisterRow> rows = {make_row(0x0100), make_row(0x0105), make_row(0x0120)};
  PlanOptions opt;
  opt.max_gap = 10;
  auto blocks = plan_blocks(ptrs(rows), {}, opt);
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].start == 0x0100);
  CHECK(blocks[0].count == 6);  // 0x0101-0x0104 bridged
  CHECK(blocks[1].start == 0x0120);
  opt.max_gap = 0;
  CHECK(plan_blocks(ptrs(rows), {}, opt).size() == 3);
}

TEST_CASE("a block never crosses a known hole", "[unit][planner]") {
  std::vector<RegisterRow> rows = {make_row(0x0100), make_row(0x0104)};
  PlanConstraints c;
  c.holes.push_back({0x0102, 0x0102});
  auto blocks = plan_blocks(ptrs(rows), c, {});
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].count == 1);
  // Rows inside a hole are left out of every plan.
  std::vector<RegisterRow> inside = {make_row(0x0100), make_row(0x0102), make_row(0x0103)};
  auto b2 = plan_blocks(ptrs(inside), c, {});
  REQUIRE(b2.size() == 2);
  for (const auto& b : b2) {
    for (const auto* r : b.rows)
      CHECK(r->address != 0x0102);
  }
}

TEST_CASE("learned breaks split blocks", "[unit][planner]") {
  std::vector<RegisterRow> rows = {make_row(1), make_row(2), make_row(3), make_row(4)};
  PlanConstraints c;
  c.breaks = {3};
  auto blocks = plan_blocks(ptrs(rows), c, {});
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[1].start == 3);
}

TEST_CASE("bisect splits at the row boundary nearest the middle", "[unit][planner]") {
  std::vector<RegisterRow> rows = {make_row(0x0204, 4), make_row(0x020C, 3), make_row(0x0210),
                                   make_row(0x0212),    make_row(0x0213),    make_row(0x021C)};
  auto blocks = plan_blocks(ptrs(rows), {}, {});
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].count == 25);
  auto [left, right] = bisect(blocks[0]);
  CHECK(left.start == 0x0204);
  CHECK(right.start == 0x0210);  // the middle register, 0x0204 + 12, is a row start
  CHECK(left.rows.size() + right.rows.size() == 6);
  CHECK(left.end() <= right.start);
  auto [a, b] = bisect(left);
  CHECK(a.rows.size() >= 1);
  CHECK(b.rows.size() >= 1);
}

TEST_CASE("the embedded map plans into few, legal blocks", "[unit][planner]") {
  RegisterMap map = RegisterMap::embedded();
  PlanOptions opt;
  opt.max_registers = map.max_registers_per_read();
  for (auto g : {Group::kIdentity, Group::kLive, Group::kSettings}) {
    auto rows = map.group(g);
    auto blocks = plan_blocks(rows, {}, opt);
    std::size_t covered = 0;
    for (const auto& b : blocks) {
      CHECK(b.count <= 32);
      covered += b.rows.size();
    }
    CHECK(covered == rows.size());
  }
  CHECK(plan_blocks(map.group(Group::kLive), {}, opt).size() == 4);
  CHECK(plan_blocks(map.group(Group::kSettings), {}, opt).size() == 3);
}
