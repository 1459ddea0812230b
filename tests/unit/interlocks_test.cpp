// SPDX-License-Identifier: Apache-2.0
// Interlocks (inverter-modbus.md section 4) and the write budget.
#include <catch2/catch.hpp>

#include "sunbridge/domain/interlocks.hpp"
#include "sunbridge/domain/write_budget.hpp"

using namespace sb;
using namespace sb::domain;

namespace {
SettingValues owner() {
  return {{"07", 60.0}, {"58", 20.0}, {"59", 15.0}, {"60", 90.0}, {"61", 19.0}, {"62", 45.0}};
}
}  // namespace

TEST_CASE("the owner's values keep every interlock", "[interlocks]") {
  CHECK(check_interlocks(owner(), {}).empty());
}

TEST_CASE("each SOC rule refuses with a sentence naming the parameters", "[interlocks]") {
  auto v = owner();
  v["62"] = 19.0;  // not above 61
  auto p = check_interlocks(v, {});
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "61 (switch-to-grid 19 %) must be below 62 (switch-back 19 %)");
  v = owner();
  v["62"] = 95.0;
  CHECK(check_interlocks(v, {}).at(0).find("must not exceed 60") != std::string::npos);
  v = owner();
  v["61"] = 15.0;
  CHECK(check_interlocks(v, {}).at(0).find("59 (discharge stop 15 %) must be below 61") == 0);
  v = owner();
  v["58"] = 10.0;
  CHECK(check_interlocks(v, {}).at(0).find("58 (discharge alarm 10 %) must not be below 59") == 0);
  v = owner();
  v["62"] = 90.0;  // 62 <= 60 holds at equality
  CHECK(check_interlocks(v, {}).empty());
}

TEST_CASE("07 is limited to 100 A and to a known bank charge limit", "[interlocks]") {
  auto v = owner();
  v["07"] = 120.0;
  CHECK(check_interlocks(v, {}).size() == 1);
  v["07"] = 70.0;
  CHECK(check_interlocks(v, {100.0, 50.0}).at(0) ==
        "07 = 70 A is above the battery bank's charge limit of 50 A");
}

TEST_CASE("unknown SOC settings refuse the change (nothing is written on a guess)",
          "[interlocks]") {
  SettingValues v = {{"62", 45.0}};
  auto p = check_interlocks(v, {});
  REQUIRE(p.size() == 1);
  CHECK(p[0].find("58, 59, 60, 61 not known") != std::string::npos);
  CHECK(check_interlocks({{"07", 50.0}, {"10", 45.0}}, {}).empty());  // no SOC parameter touched
}

TEST_CASE("the budget allows N writes per parameter and M in total per day", "[budget]") {
  BudgetPolicy policy{2, 5};
  BudgetUsage used;
  CHECK_FALSE(check_budget(policy, used, {"07", "07"}));
  CHECK(check_budget(policy, used, {"07", "07", "07"}).value() ==
        "write budget for parameter 07 exhausted: 0 of 2 writes used today");
  used.per_parameter = {{"07", 2}, {"10", 2}};
  used.total = 4;
  CHECK(check_budget(policy, used, {"62"}) == std::nullopt);
  CHECK(check_budget(policy, used, {"62", "41"}).value().find("daily write budget exhausted") == 0);
}

TEST_CASE("only rules involving the changed parameters are checked", "[interlocks]") {
  auto v = owner();
  v["07"] = 120.0;  // as it stands on the inverter today
  v["09"] = 57.6;
  CHECK(check_interlocks(v, {}, {"09"}).empty());
  CHECK(check_interlocks(v, {}, {"07"}).size() == 1);
  v = owner();
  v["62"] = 95.0;
  CHECK(check_interlocks(v, {}, {"07"}).empty());
  CHECK(check_interlocks(v, {}, {"61"}).size() == 1);  // 61 is in the chain with 62
}
