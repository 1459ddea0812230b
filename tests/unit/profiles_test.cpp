// SPDX-License-Identifier: Apache-2.0
// The shipped profile files against the tables of docs/owner-guide.md, transcribed here a
// second time and independently of profiles/*.json: a typo in a profile cannot ship.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "sunbridge/app/settings_controller.hpp"
#include "sunbridge/domain/profile.hpp"

using namespace sb;
using domain::WeatherMode;

namespace {

struct Cell {
  double p07;
  double p10;
  const char* p41;
  double p62;
};

std::string read_profile(const std::string& name) {
  std::ifstream in(std::string(SUNBRIDGE_SOURCE_DIR) + "/profiles/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

domain::Profile load(const std::string& file) {
  schema::Issues issues;
  auto p = domain::Profile::from_json(read_profile(file), issues);
  INFO(schema::format_issues(issues, file));
  REQUIRE(p);
  return *p;
}

void check_cell(const domain::Profile& p, int month, WeatherMode w, const Cell& want) {
  INFO(p.name() << " month " << month << " " << domain::to_string(w));
  const domain::ProfileRow* row = p.find(month, w);
  REQUIRE(row != nullptr);
  REQUIRE(row->values.size() == 4);
  CHECK(std::get<double>(row->values.at("07")) == want.p07);
  CHECK(std::get<double>(row->values.at("10")) == want.p10);
  CHECK(std::get<std::string>(row->values.at("41")) == want.p41);
  CHECK(std::get<double>(row->values.at("62")) == want.p62);
}

// Season of each month per profiles.md section 1 (Dec-Mar, Apr-Jun + Oct-Nov, Jul-Sep).
int season_index(int month) {
  if (month == 12 || month <= 3) return 0;
  if (month >= 7 && month <= 9) return 2;
  return 1;
}

// profiles.md section 2, rows normal / sunny / rainy per season.
const Cell kTypeA[3][3] = {
    {{60, 60, "03:00", 60}, {50, 45, "02:30", 50}, {70, 75, "03:30", 70}},
    {{50, 45, "03:00", 35}, {40, 30, "02:30", 35}, {60, 60, "03:30", 55}},
    {{35, 30, "03:00", 35}, {25, 15, "02:30", 25}, {45, 45, "03:30", 45}},
};

}  // namespace

TEST_CASE("type-b.json is profiles.md section 1, with 45 % for spring/autumn 62", "[profiles]") {
  const auto p = load("type-b.json");
  CHECK(p.name() == "type-b");
  // The documented decision: the parameter table, monthly table and calendar say 45 %, one
  // table says 35 %; the project uses 45 %.
  const Cell kTypeB[3] = {{60, 60, "03:00", 60}, {50, 45, "03:00", 45}, {35, 30, "03:00", 35}};
  for (int m = 1; m <= 12; ++m) {
    check_cell(p, m, WeatherMode::kNormal, kTypeB[season_index(m)]);
    CHECK(p.find(m, WeatherMode::kSunny) == nullptr);  // Type B ignores the weather
    CHECK(p.find(m, WeatherMode::kRainy) == nullptr);
  }
  CHECK(std::get<double>(p.find(4, WeatherMode::kNormal)->values.at("62")) == 45);
}

TEST_CASE("type-a.json is profiles.md section 2 cell by cell", "[profiles]") {
  const auto p = load("type-a.json");
  for (int m = 1; m <= 12; ++m) {
    const int s = season_index(m);
    check_cell(p, m, WeatherMode::kNormal, kTypeA[s][0]);
    check_cell(p, m, WeatherMode::kSunny, kTypeA[s][1]);
    check_cell(p, m, WeatherMode::kRainy, kTypeA[s][2]);
  }
}

TEST_CASE("type-a-monthly.json is profiles.md section 3, weather rows from section 2",
          "[profiles]") {
  const auto p = load("type-a-monthly.json");
  // month -> 07, 10, 62; 41 stays 03:00 in normal weather.
  const double kMonthly[12][3] = {{60, 60, 60}, {60, 60, 60}, {50, 50, 50}, {40, 45, 40},
                                  {35, 40, 35}, {35, 30, 35}, {35, 30, 35}, {35, 30, 35},
                                  {40, 35, 35}, {45, 45, 45}, {55, 50, 50}, {60, 60, 60}};
  for (int m = 1; m <= 12; ++m) {
    check_cell(p, m, WeatherMode::kNormal,
               {kMonthly[m - 1][0], kMonthly[m - 1][1], "03:00", kMonthly[m - 1][2]});
    check_cell(p, m, WeatherMode::kSunny, kTypeA[season_index(m)][1]);
    check_cell(p, m, WeatherMode::kRainy, kTypeA[season_index(m)][2]);
  }
}

TEST_CASE("panels-9.json is profiles.md section 4", "[profiles]") {
  const auto p = load("panels-9.json");
  const Cell kNine[3] = {{55, 50, "03:00", 55}, {45, 40, "03:00", 40}, {30, 20, "03:00", 30}};
  for (int m = 1; m <= 12; ++m)
    check_cell(p, m, WeatherMode::kNormal, kNine[season_index(m)]);
}

TEST_CASE("baseline.json is profiles.md section 5", "[profiles]") {
  schema::Issues issues;
  auto b = domain::Baseline::from_json(read_profile("baseline.json"), issues);
  REQUIRE(b);
  const std::map<std::string, PointValue> want = {{"01", std::string("SBU")},
                                                  {"02", 60.0},
                                                  {"03", std::string("UPS")},
                                                  {"04", 45.2},
                                                  {"05", 53.2},
                                                  {"06", std::string("CSO")},
                                                  {"08", std::string("L16")},
                                                  {"09", 57.6},
                                                  {"12", 42.0},
                                                  {"13", 5.0},
                                                  {"14", 44.0},
                                                  {"15", 40.0},
                                                  {"16", std::string("DIS")},
                                                  {"28", 50.0},
                                                  {"32", std::string("485")},
                                                  {"33", std::string("WOW")},
                                                  {"35", 45.6},
                                                  {"37", 46.8},
                                                  {"40", std::string("23:55")},
                                                  {"42", std::string("04:30")},
                                                  {"43", std::string("06:55")},
                                                  {"46", std::string("ENA")},
                                                  {"53", std::string("DIS")},
                                                  {"58", 20.0},
                                                  {"59", 15.0},
                                                  {"60", 90.0},
                                                  {"61", 19.0}};
  REQUIRE(b->values.size() == want.size());
  for (const auto& [lcd, v] : want) {
    INFO("LCD " << lcd);
    REQUIRE(b->values.count(lcd) == 1);
    CHECK(domain::same_setting(b->values.at(lcd), v));
  }
}

TEST_CASE("the embedded profiles load and every baseline parameter is in the register map",
          "[profiles]") {
  auto lib = app::load_profile_library("");
  CHECK(lib.names() == std::vector<std::string>{"panels-9", "type-a", "type-a-monthly", "type-b"});
  auto base = app::load_baseline("");
  CHECK(base.values.size() == 27);
}

TEST_CASE("a profile with mistakes is refused with every problem", "[profiles]") {
  const char* bad = R"({
    "schema": "sunbridge.profile/1", "name": "mine", "colour": "red",
    "rows": [
      {"season": "all", "months": [1,2,3,4,5,6,7,8,9,10,11], "values": {"07": 150, "10": 45, "41": "3:00", "62": 45}},
      {"season": "all", "months": [1], "weather": "foggy", "values": {"07": 50.05, "10": 45, "41": "03:00", "62": 45, "99": 1}}
    ]})";
  schema::Issues issues;
  CHECK_FALSE(domain::Profile::from_json(bad, issues));
  const std::string text = schema::format_issues(issues);
  INFO(text);
  CHECK(text.find("colour") != std::string::npos);             // unknown key
  CHECK(text.find("rows[0].values.07") != std::string::npos);  // out of range
  CHECK(text.find("rows[0].values.41") != std::string::npos);  // not HH:MM
  CHECK(text.find("rows[1].weather") != std::string::npos);
  CHECK(text.find("rows[1].values.99") != std::string::npos);
  CHECK(text.find("rows[1].values.07") != std::string::npos);  // not a 0.1 A step
}

TEST_CASE("a profile must give every month exactly one normal row", "[profiles]") {
  const char* gap = R"({"schema": "sunbridge.profile/1", "name": "gap", "rows": [
      {"season": "s", "months": [1,2,3,4,5,6,7,8,9,10,11], "values": {"07": 50, "10": 45, "41": "03:00", "62": 45}},
      {"season": "s", "months": [11], "values": {"07": 50, "10": 45, "41": "03:00", "62": 45}}]})";
  schema::Issues issues;
  CHECK_FALSE(domain::Profile::from_json(gap, issues));
  const std::string text = schema::format_issues(issues);
  CHECK(text.find("month 12 has no normal row") != std::string::npos);
  CHECK(text.find("month 11 already has a normal row") != std::string::npos);
}

TEST_CASE("a user profile directory adds profiles and reports a broken file", "[profiles]") {
  const std::string dir = "/tmp/sb-profiles-test-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir + "/mine.json")
        << R"({"schema": "sunbridge.profile/1", "name": "mine", "rows": [
      {"season": "all", "months": [1,2,3,4,5,6,7,8,9,10,11,12], "values": {"07": 40, "10": 30, "41": "02:30", "62": 40}}]})";
  }
  auto lib = app::load_profile_library(dir);
  REQUIRE(lib.find("mine") != nullptr);
  CHECK(lib.find("type-b") != nullptr);
  { std::ofstream(dir + "/broken.json") << R"({"schema": "sunbridge.profile/1"})"; }
  CHECK_THROWS_WITH(app::load_profile_library(dir), Catch::Contains("broken.json"));
  std::filesystem::remove_all(dir);
}
