// SPDX-License-Identifier: Apache-2.0
// The per-pack SCADA message and its health_score (docs/mqtt.md).
#include <catch2/catch.hpp>

#include "sunbridge/domain/pack_message.hpp"

using namespace sb;
using namespace sb::domain;

namespace {
void put(std::map<std::string, Point>& m, const std::string& name, PointValue v,
         Quality q = Quality::kOk) {
  m[name] = Point{name, std::move(v), "", q, WallTime{}, {}};
}
}  // namespace

TEST_CASE("health_score: SOH less cell spread above 20 mV and active alarms", "[pack_message]") {
  CHECK(health_score(98, 12.0, 0) == 98);
  CHECK(health_score(98, 40.0, 0) == 88);   // 20 mV over: -10
  CHECK(health_score(98, 200.0, 0) == 68);  // capped at -30
  CHECK(health_score(98, 12.0, 2) == 78);   // alarms: -20
  CHECK(health_score(10, 200.0, 1) == 0);   // never below 0
  CHECK(health_score(97.25, std::nullopt, 0) == 97.3);
}

TEST_CASE("a pack message from current pack points, never from stale ones", "[pack_message]") {
  std::map<std::string, Point> m;
  put(m, "pack.2.soc", 57.0);
  put(m, "pack.2.soh", 99.0);
  put(m, "pack.2.voltage", 52.4);
  put(m, "pack.2.current", -10.0);  // discharging 10 A
  put(m, "pack.2.temp.1", 21.0);
  put(m, "pack.2.temp.3", 24.5);
  put(m, "pack.2.cell.1", 3270.0);
  put(m, "pack.2.cell.2", 3300.0);
  put(m, "pack.2.serial", std::string("FLCD16-B2"));
  put(m, "pack.2.alarms", TextList{});
  auto s = summarize_pack(m, 2);
  REQUIRE(s);
  CHECK(s->battery_id == "FLCD16-B2");
  CHECK(s->power_output_w == 524);
  CHECK(s->temperature_c == 24.5);
  CHECK(s->health_score == 94);  // 30 mV spread: -5
  CHECK(s->cells_mv.size() == 2);
  CHECK_FALSE(summarize_pack(m, 1));
  put(m, "pack.2.soc", 57.0, Quality::kStale);
  CHECK_FALSE(summarize_pack(m, 2));
}
