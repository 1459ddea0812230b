// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "cli/render.hpp"

using nlohmann::json;

TEST_CASE("status never prints a stale value as current", "[unit][cli]") {
  json status = {
      {"daemon",
       {{"version", "0.1.0"},
        {"now", "2026-11-22T05:00:10.000Z"},
        {"timezone", "UTC"},
        {"port", "rtu:/dev/ttyUSB0"},
        {"link", {{"state", "degraded"}}}}},
      {"points",
       {{"battery.soc",
         {{"value", 56}, {"unit", "%"}, {"quality", "ok"}, {"ts", "2026-11-22T05:00:08.000Z"}}},
        {"battery.voltage",
         {{"value", nullptr},
          {"last_value", 52.4},
          {"unit", "V"},
          {"quality", "stale"},
          {"ts", "2026-11-22T04:59:00.000Z"},
          {"note", "timeout"}}},
        {"battery.power",
         {{"value", -612.4}, {"unit", "W"}, {"quality", "ok"}, {"ts", "2026-11-22T05:00:08.000Z"}}},
        {"grid.power", {{"value", 350}, {"unit", "W"}, {"quality", "stale"}, {"last_value", 350}}},
        {"setting.p07",
         {{"value", 60}, {"unit", "A"}, {"quality", "ok"}, {"ts", "2026-11-22T05:00:00.000Z"}}}}}};
  std::string text = sb::cli::render_status(status);
  CHECK(text.find("link degraded") != std::string::npos);
  CHECK(text.find("56%") != std::string::npos);
  CHECK(text.find("-- (stale, last 52.4 V)") != std::string::npos);
  CHECK(text.find("timeout") != std::string::npos);
  CHECK(text.find("setting.p07") == std::string::npos);    // settings are `params get`'s job
  CHECK(text.find("pack.1.cell.1") == std::string::npos);  // single packs are `battery`'s
  CHECK(text.find("battery 56% -612 W discharging") != std::string::npos);
  CHECK(text.find("grid --") != std::string::npos);  // stale: not a number in the summary
}

TEST_CASE("params print as 'ID VALUE label [register]'", "[unit][cli]") {
  json reply = {{"params",
                 {{{"id", "07"},
                   {"name", "setting.p07"},
                   {"label", "max charge current PV+AC"},
                   {"register", "0xE20A"},
                   {"point", {{"value", 60}, {"unit", "A"}, {"quality", "ok"}}}},
                  {{"id", "41"},
                   {"name", "setting.p41"},
                   {"label", "slot 1 charge end"},
                   {"register", "0xE027"},
                   {"point", {{"value", "03:00"}, {"unit", ""}, {"quality", "ok"}}}},
                  {{"id", "09"},
                   {"name", "setting.p09"},
                   {"label", "boost"},
                   {"register", "0xE008"},
                   {"point", {{"value", 57.6}, {"unit", "V"}, {"quality", "ok"}}}}}}};
  std::string text = sb::cli::render_params(reply);
  CHECK(text.find("07 60 A") == 0);
  CHECK(text.find("\n41 03:00") != std::string::npos);
  CHECK(text.find("\n09 57.6 V") != std::string::npos);
}

TEST_CASE("history renders CSV with quoting and a table", "[unit][cli]") {
  json h = {
      {"names", {"battery.soc", "inverter.state"}},
      {"units", {"%", ""}},
      {"rows",
       {{"2026-11-22T05:00:00.000Z", 56.5, "battery"}, {"2026-11-22T05:01:00.000Z", 57, nullptr}}}};
  CHECK(sb::cli::render_history(h, true) ==
        "ts,battery.soc,inverter.state\n2026-11-22T05:00:00.000Z,56.5,battery\n"
        "2026-11-22T05:01:00.000Z,57,\n");
  std::string table = sb::cli::render_history(h, false);
  CHECK(table.find("battery.soc [%]") != std::string::npos);
}

TEST_CASE("render_change: one line per register, failures and kept values say so", "[render]") {
  const json change = {{"ok", false},
                       {"dry_run", false},
                       {"error", "41: write 0xE027 failed: exception 0x08"},
                       {"steps",
                        {{{"param", "07"},
                          {"register", "0xE20A"},
                          {"old", "50"},
                          {"new", "60"},
                          {"result", "rolled-back"},
                          {"readback", "50"}},
                         {{"param", "10"},
                          {"register", "0xE012"},
                          {"old", "60"},
                          {"new", "60"},
                          {"result", "unchanged"}},
                         {{"param", "41"},
                          {"register", "0xE027"},
                          {"old", "03:00"},
                          {"new", "03:30"},
                          {"result", "failed"},
                          {"error", "exception 0x08"}}}}};
  const std::string text = sb::cli::render_change(change);
  CHECK(text.find("write 07  0xE20A        50 -> 60       rolled-back (read back 50)\n") !=
        std::string::npos);
  CHECK(text.find("keep 10  0xE012        60 -> 60       unchanged\n") != std::string::npos);
  CHECK(text.find("failed: exception 0x08") != std::string::npos);
  CHECK(text.find("FAILED: 41: write 0xE027 failed") != std::string::npos);
}

TEST_CASE("render_profile: key, reason, whole-number values, overrides and next change",
          "[render]") {
  const json show = {{"mode", "type-b"},
                     {"apply", true},
                     {"selection",
                      {{"key", "type-b/winter"},
                       {"reason", "type-b/winter: no forecast: normal row"},
                       {"hold", false},
                       {"values", {{"07", 60.0}, {"10", 60.0}, {"41", "03:00"}, {"62", 60.0}}}}},
                     {"overrides", {{"away", {{"from", "2026-12-24"}, {"to", "2026-12-30"}}}}},
                     {"next_change",
                      {{"at_local", "2027-04-01 00:00:00"},
                       {"key", "type-b/spring-autumn"},
                       {"values", {{"07", 50.0}, {"10", 45.0}, {"41", "03:00"}, {"62", 45.0}}}}},
                     {"budget", {{"used_today", 3}, {"total_per_day", 16}}}};
  const std::string text = sb::cli::render_profile(show);
  CHECK(text.find("profile  type-b/winter\n") == 0);
  CHECK(text.find("target   07=60 A  10=60 min  41=03:00  62=60 %\n") != std::string::npos);
  CHECK(text.find("override away 2026-12-24 to 2026-12-30\n") != std::string::npos);
  CHECK(text.find("next     2027-04-01 00:00:00  type-b/spring-autumn  07=50 A") !=
        std::string::npos);
  CHECK(text.find("writes   3 of 16 today\n") != std::string::npos);
}

TEST_CASE("doctor keeps its columns when a value is long (an error text)", "[unit][cli]") {
  const json doctor = {
      {"checks", json::array({{{"ok", true}, {"text", "inverter answers"}}})},
      {"survey",
       {{"port", "rtu:/dev/ttyUSB0"},
        {"identity", json::array({{{"register", "0x001C"},
                                   {"raw", {208}},
                                   {"value", 2.08},
                                   {"unit", ""},
                                   {"label", "protocol version"},
                                   {"confidence", "C"}}})},
        {"verification",
         json::array({{{"lcd", "07"},
                       {"register", "0xE20A"},
                       {"raw", {600}},
                       {"value", 60},
                       {"unit", "A"},
                       {"label", "max charge current"},
                       {"confidence", "D"}},
                      {{"lcd", "09"},
                       {"register", "0xE009"},
                       {"raw", json::array()},
                       {"error", "exception 0x02: the inverter lacks this register"},
                       {"label", "bulk voltage"},
                       {"confidence", "I"}}})},
        {"stats", json::object()}}}};
  const std::string out = sb::cli::render_doctor(doctor);
  INFO(out);
  // Every meaning starts in the same column as its heading.
  const auto column_of = [&](const std::string& line_start, const std::string& word) {
    const auto line = out.find(line_start);
    REQUIRE(line != std::string::npos);
    return out.find(word, line) - line;
  };
  const auto heading = column_of("  LCD ", "PARAMETER");
  CHECK(column_of("  07 ", "max charge current") == heading);
  CHECK(column_of("  09 ", "bulk voltage") == heading);
  CHECK(out.find("-- (exception 0x02: the inverter lacks this register)  bulk voltage") !=
        std::string::npos);
  CHECK(out.find("(D) = documented by the maker only, (I) = inferred") != std::string::npos);
}
