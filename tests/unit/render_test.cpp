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
