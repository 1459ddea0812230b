// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "issues.hpp"
#include "points_md.hpp"

#include <set>

#include "sunbridge/protocol/register_map.hpp"

using namespace sb::protocol;

namespace {

sb::schema::Issues problems(const std::string& text) {
  sb::schema::Issues issues;
  auto m = RegisterMap::from_json(text, issues);
  CHECK_FALSE(m.has_value());
  return issues;
}

}  // namespace

TEST_CASE("the embedded map loads and covers identity, live values and settings", "[unit][map]") {
  RegisterMap map = RegisterMap::embedded();
  CHECK(map.max_registers_per_read() == 32);
  // Rows of every group, and the four profile parameters at their registers.
  CHECK(map.find_lcd("07")->address == 0xE20A);
  CHECK(map.find_lcd("7")->address == 0xE20A);
  CHECK(map.find_lcd("10")->address == 0xE012);
  CHECK(map.find_lcd("41")->address == 0xE027);
  CHECK(map.find_lcd("62")->address == 0xE020);
  CHECK(map.find("battery.current")->negate);
  CHECK(map.find("grid.l2.voltage")->address == 0x022A);
  CHECK(map.find("grid.l2.current")->address == 0x0238);
  CHECK(map.find("energy.grid.total")->type == RegType::kU32);
  CHECK(map.find("setting.p09")->scaling == Scaling::kBattery12V);
  CHECK(map.at_address(0x020D)->name == "inverter.clock");  // inside the 3-register clock
  CHECK(map.at_address(0x010C) == nullptr);
  CHECK(map.find("battery.temperature")->min_protocol == 194);
  // Every LCD parameter of the settings table (docs/inverter-registers.md) is present.
  std::set<std::string> lcds;
  for (const auto* r : map.settings_by_lcd())
    lcds.insert(r->lcd);
  for (const char* id : {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
                         "13", "14", "15", "16", "28", "32", "33", "35", "36", "37", "40", "41",
                         "42", "43", "44", "45", "46", "53", "57", "58", "59", "60", "61", "62"}) {
    INFO(id);
    CHECK(lcds.count(id) == 1);
  }
  CHECK(map.onsite_verification().size() == 18);
  CHECK(map.derived().size() == 4);
}

TEST_CASE("every inverter point of points.md has a row or a derivation", "[unit][map]") {
  RegisterMap map = RegisterMap::embedded();
  std::set<std::string> names;
  for (const auto& r : map.rows())
    names.insert(r.name);
  for (const auto& d : map.derived())
    names.insert(d.name);
  for (const char* p : sb::test::kInverterPointsMd) {
    INFO(p);
    CHECK(names.count(p) == 1);
  }
}

TEST_CASE("map documents are checked: every problem reported with its path", "[unit][map]") {
  auto issues = problems(R"({"schema": "sunbridge.register-map/1", "model": "t", "rows": [
    {"addr": "0x0100", "name": "a.b", "type": "u16", "group": "live", "conf": "C"},
    {"addr": "0x0100", "name": "a.b", "type": "u16", "group": "live", "conf": "C"},
    {"addr": "0xZZ", "name": "c.d", "type": "u17", "group": "live", "conf": "C", "colour": 1},
    {"addr": "0x0200", "name": "e.f", "type": "enum", "group": "live", "conf": "C"},
    {"addr": "0x0300", "name": "g.h", "type": "u32", "length": 3, "group": "live", "conf": "C"},
    {"addr": "0xE000", "name": "setting.p99", "type": "u16", "group": "settings", "conf": "C"}
  ]})");
  CHECK(sb::test::has_issue(issues, "rows[2].addr", "16-bit"));
  CHECK(sb::test::has_issue(issues, "rows[2].type", "must be one of"));
  CHECK(sb::test::has_issue(issues, "rows[2].colour", "unknown key"));
  // Schema problems stop the load before semantic checks; fix them and the rest appear.
  auto semantic = problems(R"({"schema": "sunbridge.register-map/1", "model": "t", "rows": [
    {"addr": "0x0100", "name": "a.b", "type": "u16", "group": "live", "conf": "C"},
    {"addr": "0x0100", "name": "a.b", "type": "u16", "group": "live", "conf": "C"},
    {"addr": "0x0200", "name": "e.f", "type": "enum", "group": "live", "conf": "C"},
    {"addr": "0x0300", "name": "g.h", "type": "u32", "length": 3, "group": "live", "conf": "C"},
    {"addr": "0xE000", "name": "setting.p99", "type": "u16", "group": "settings", "conf": "C"},
    {"addr": "0xE001", "name": "x.y", "type": "u16", "negate": true, "group": "live", "conf": "C"}
  ]})");
  CHECK(sb::test::has_issue(semantic, "rows[1].name", "duplicate point name"));
  CHECK(sb::test::has_issue(semantic, "rows", "overlaps"));
  CHECK(sb::test::has_issue(semantic, "rows[2].enum", "exactly one"));
  CHECK(sb::test::has_issue(semantic, "rows[3].length", "2 register"));
  CHECK(sb::test::has_issue(semantic, "rows[4].lcd", "LCD parameter id"));
  CHECK(sb::test::has_issue(semantic, "rows[4].access", "read-write"));
  CHECK(sb::test::has_issue(semantic, "rows[5].negate", "signed"));
}

TEST_CASE("derived points must name numeric rows", "[unit][map]") {
  auto issues = problems(R"({"schema": "sunbridge.register-map/1", "model": "t", "rows": [
    {"addr": "0x0100", "name": "a.b", "type": "u16", "group": "live", "conf": "C"},
    {"addr": "0x0101", "name": "c.d", "type": "hhmm", "group": "live", "conf": "C"}],
    "derived": [{"name": "e.f", "op": "sum", "inputs": ["a.b", "c.d", "x.y"], "unit": "W"}]})");
  CHECK(sb::test::has_issue(issues, "derived[0].inputs", "not numeric"));
  CHECK(sb::test::has_issue(issues, "derived[0].inputs", "unknown input 'x.y'"));
}

TEST_CASE("declared holes may not cover rows", "[unit][map]") {
  auto issues = problems(R"({"schema": "sunbridge.register-map/1", "model": "t",
    "holes": [{"first": "0x0100", "last": "0x0105"}],
    "rows": [{"addr": "0x0102", "name": "a.b", "type": "u16", "group": "live", "conf": "C"}]})");
  CHECK(sb::test::has_issue(issues, "holes[0]", "covers row 'a.b'"));
}

TEST_CASE("addresses and LCD ids parse strictly", "[unit][map]") {
  CHECK(parse_address("0xE20A") == 0xE20A);
  CHECK(parse_address("256") == 256);
  CHECK_FALSE(parse_address("0x10000").has_value());
  CHECK_FALSE(parse_address("12ab").has_value());
  CHECK(normalize_lcd_id("7") == "07");
  CHECK(normalize_lcd_id("62") == "62");
  CHECK(normalize_lcd_id("620").empty());
  CHECK(normalize_lcd_id("a").empty());
}
