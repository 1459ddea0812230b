// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <sstream>

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
  CHECK(text.find("56 %") != std::string::npos);  // --all: every unit in one column
  CHECK(text.find("-- (stale, last 52.4 V)") != std::string::npos);
  CHECK(text.find("timeout") != std::string::npos);
  CHECK(text.find("setting.p07") == std::string::npos);    // settings are `params get`'s job
  CHECK(text.find("pack.1.cell.1") == std::string::npos);  // single packs are `battery`'s
  // The one-screen view: the same rule, and the direction in words.
  const std::string screen = sb::cli::render_status_screen(status);
  INFO(screen);
  CHECK(screen.find("Battery   56%   --   --   -612 W discharging") != std::string::npos);
  CHECK(screen.find("grid --") != std::string::npos);  // stale: not a number
  CHECK(screen.find("52.4") == std::string::npos);
}

namespace {

// A status as the daemon answers it with the simulator's values, checks and packs.
json full_status() {
  json points = json::object();
  auto num = [&](const char* name, double v, const char* unit, int decimals) {
    points[name] = {{"value", v},
                    {"unit", unit},
                    {"quality", "ok"},
                    {"decimals", decimals},
                    {"ts", "2026-11-22T05:00:08.000Z"}};
  };
  auto txt = [&](const char* name, const char* v, const char* note = "") {
    points[name] = {
        {"value", v}, {"unit", ""}, {"quality", "ok"}, {"ts", "2026-11-22T05:00:08.000Z"}};
    if (*note != 0) points[name]["note"] = note;
  };
  num("pv.power", 1234, "W", 0);
  num("load.power", 2345, "W", 0);
  num("grid.power", 890, "W", 0);
  num("battery.soc", 56, "%", 0);
  num("battery.voltage", 52.4, "V", 1);
  num("battery.current", -20.3, "A", 1);
  num("battery.power", -1063.72, "W", 0);
  num("bank.soc", 55.493, "%", 1);
  num("bank.packs_online", 4, "", 0);
  num("bank.cell.min", 3270, "mV", 0);
  num("bank.cell.max", 3291, "mV", 0);
  num("bank.temp.min", 10.1, "C", 1);
  num("bank.temp.max", 12.3, "C", 1);
  num("grid.l1.voltage", 100.7, "V", 1);
  num("grid.l2.voltage", 101.2, "V", 1);
  num("grid.frequency", 60.01, "Hz", 2);
  num("output.l1.voltage", 100.1, "V", 1);
  num("output.l2.voltage", 100.3, "V", 1);
  num("load.l1.ratio", 21, "%", 0);
  num("load.l2.ratio", 19, "%", 0);
  num("inverter.temp.dcac", 41, "C", 0);
  num("inverter.bms.discharge_current_limit", 100, "A", 0);
  txt("inverter.state", "battery");
  txt("inverter.charge_state", "off");
  txt("link.bms.state", "online");
  txt("link.mqtt.state", "online");
  txt("site.clock_synced", "yes");
  txt("profile.active", "type-b/winter");
  for (int i = 0; i < 12; ++i) {
    const std::string name = "check.test" + std::to_string(i) + ".state";
    txt(name.c_str(), "warning",
        "a long explanation of what is wrong that would not fit on one line of the screen");
  }
  return {{"daemon",
           {{"version", "0.3.0"},
            {"now", "2026-11-22T05:00:10.000Z"},
            {"timezone", "Asia/Tokyo"},
            {"port", "rtu:/dev/ttyUSB0"},
            {"link", {{"state", "online"}}}}},
          {"points", points}};
}

}  // namespace

TEST_CASE("status fits an 80 x 24 terminal, --all aligns units and pads nothing", "[unit][cli]") {
  const std::string screen = sb::cli::render_status_screen(full_status());
  INFO(screen);
  std::istringstream in(screen);
  std::size_t lines = 0;
  for (std::string l; std::getline(in, l); ++lines) {
    CHECK(l.size() <= 80);
    if (!l.empty()) CHECK(l.back() != ' ');
  }
  CHECK(lines <= 23);  // and the shell's prompt
  CHECK(screen.find("Power     PV 1234 W   load 2345 W   grid +890 W import") != std::string::npos);
  CHECK(screen.find("Battery   56%   52.4 V   -20.3 A   -1064 W discharging") != std::string::npos);
  CHECK(screen.find("Packs     4 online   SOC 55.5%   cells 3270 - 3291 mV   10.1 - 12.3 C") !=
        std::string::npos);
  CHECK(screen.find("Grid      L1 100.7 V   L2 101.2 V   60.01 Hz") != std::string::npos);
  CHECK(screen.find("Links     inverter online   battery online   cloud online   clock synced") !=
        std::string::npos);
  CHECK(screen.find("Profile   type-b/winter") != std::string::npos);
  CHECK(screen.find("Attention test0 warning: a long explanation") != std::string::npos);
  CHECK(screen.find("4 more: sunbridge checks, sunbridge events") != std::string::npos);

  const std::string all = sb::cli::render_status(full_status());
  std::istringstream rows(all);
  std::size_t unit_column = 0;
  for (std::string l; std::getline(rows, l);) {
    if (!l.empty()) CHECK(l.back() != ' ');
    for (const char* name : {"  battery.voltage ", "  inverter.bms.discharge_current_limit "}) {
      if (l.rfind(name, 0) != 0) continue;
      const std::size_t at = l.find_first_of("VA", std::string(name).size());
      if (unit_column == 0) unit_column = at;
      CHECK(at == unit_column);
    }
  }
  CHECK(unit_column > 0);
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

TEST_CASE("values show the decimals their point declares, JSON and CSV keep every digit",
          "[unit][cli]") {
  json status = {{"daemon", {{"now", "2026-11-22T05:00:10.000Z"}, {"timezone", "UTC"}}},
                 {"points",
                  {{"bank.power",
                    {{"value", 2096.976},
                     {"unit", "W"},
                     {"quality", "ok"},
                     {"decimals", 0},
                     {"ts", "2026-11-22T05:00:08.000Z"}}},
                   {"bank.soc",
                    {{"value", 55.493},
                     {"unit", "%"},
                     {"quality", "ok"},
                     {"decimals", 1},
                     {"ts", "2026-11-22T05:00:08.000Z"}}},
                   {"battery.voltage",
                    {{"value", nullptr},
                     {"last_value", 52.43},
                     {"unit", "V"},
                     {"quality", "stale"},
                     {"decimals", 1},
                     {"ts", "2026-11-22T04:59:00.000Z"}}}}}};
  const std::string text = sb::cli::render_status(status);
  CHECK(text.find("2097 W") != std::string::npos);
  CHECK(text.find("2096.976") == std::string::npos);
  CHECK(text.find("55.5 %") != std::string::npos);
  CHECK(text.find("55.493") == std::string::npos);
  CHECK(text.find("last 52.4 V") != std::string::npos);
  json h = {{"names", {"battery.power", "battery.soc"}},
            {"units", {"W", "%"}},
            {"decimals", {0, -1}},
            {"rows", {{"2026-11-22T05:00:00.000Z", 2187.72, 55.493}}}};
  CHECK(sb::cli::render_history(h, true).find(",2187.72,55.493") != std::string::npos);
  const std::string table = sb::cli::render_history(h, false);
  CHECK(table.find("2188 ") != std::string::npos);
  CHECK(table.find("55.493") != std::string::npos);  // nothing declared: the default
}

TEST_CASE("a tier's history: means in the table, min, max and energy beside them in CSV",
          "[unit][cli][tiers]") {
  const json h = {{"names", {"battery.soc", "energy.pv.today"}},
                  {"units", {"%", "kWh"}},
                  {"resolution", "15m"},
                  {"rows", {{"2026-11-22T05:00:00.000Z", 56.5, 3.2}}},
                  {"rows_min", {{"2026-11-22T05:00:00.000Z", 55, 3.0}}},
                  {"rows_max", {{"2026-11-22T05:00:00.000Z", 58, 3.4}}},
                  {"rows_delta", {{"2026-11-22T05:00:00.000Z", nullptr, 0.4}}}};
  CHECK(sb::cli::render_history(h, true) ==
        "start,battery.soc,battery.soc.min,battery.soc.max,energy.pv.today,energy.pv.today.min,"
        "energy.pv.today.max,energy.pv.today.delta\n"
        "2026-11-22T05:00:00.000Z,56.5,55,58,3.2,3,3.4,0.4\n");
  const std::string table = sb::cli::render_history(h, false);
  CHECK(table.rfind("15-minute means", 0) == 0);
  CHECK(table.find("56.5") != std::string::npos);
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
  // Every meaning starts in the same column as its heading, on an 80-column terminal: a value too
  // long for its column puts its meaning on the next line, in that column.
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) {
    CHECK(l.size() <= 80);
    lines.push_back(l);
  }
  const auto line_with = [&](const std::string& text) -> const std::string& {
    for (const auto& l : lines) {
      if (l.find(text) != std::string::npos) return l;
    }
    FAIL("no line with " << text);
    return lines.front();
  };
  const auto heading = line_with("  LCD ").find("PARAMETER");
  CHECK(line_with("max charge current").find("max charge current") == heading);
  CHECK(line_with("bulk voltage (I)").find("bulk voltage") == heading);
  CHECK(line_with("-- (exception 0x02")
            .find("-- (exception 0x02: the inverter lacks this "
                  "register)") != std::string::npos);
  CHECK(out.find("(D) = documented by the maker only, (I) = inferred") != std::string::npos);
}

TEST_CASE("a report fits 80 columns, what it leaves out wrapped", "[unit][cli]") {
  const json r = {
      {"period", "day"},
      {"from", "2026-12-02"},
      {"to", "2026-12-02"},
      {"tariff", "shikoku-seasonal-tou"},
      {"days", 1},
      {"days_with_data", 1},
      {"bands", {{"night", {{"grid_import_kwh", 12.5}, {"yen", 187.4}}}}},
      {"total", {{"grid_import_kwh", 12.5}, {"yen", 187.4}}},
      {"unknown", {"renewable-energy surcharge", "fuel-cost adjustment", "price subsidy"}},
      {"events", {{"link.inverter.online", 1}, {"settings.changed", 3}, {"pq.voltage.dip", 2}}}};
  const std::string text = sb::cli::render_report(r, false);
  INFO(text);
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    CHECK(l.size() <= 80);
  CHECK(text.find("night        12.50     187") != std::string::npos);
  CHECK(text.find("price subsidy") != std::string::npos);
  CHECK(sb::cli::render_report(r, true).find("night,12.5,") != std::string::npos);
}
