// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/profile.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

namespace sb::domain {

using nlohmann::json;
using schema::Schema;

namespace {

std::optional<std::string> check_hhmm(const json& v) {
  const std::string s = v.get<std::string>();
  const bool shape = s.size() == 5 && s[2] == ':' &&
                     std::isdigit(static_cast<unsigned char>(s[0])) &&
                     std::isdigit(static_cast<unsigned char>(s[1])) &&
                     std::isdigit(static_cast<unsigned char>(s[3])) &&
                     std::isdigit(static_cast<unsigned char>(s[4]));
  if (!shape || std::stoi(s.substr(0, 2)) > 23 || std::stoi(s.substr(3, 2)) > 59) {
    return "'" + s + "' is not a time of day HH:MM";
  }
  return std::nullopt;
}

std::optional<std::string> check_tenths(const json& v) {
  const double x = v.get<double>();
  if (std::fabs(x * 10 - std::round(x * 10)) > 1e-6) return "the inverter's step is 0.1 A";
  return std::nullopt;
}

std::optional<std::string> check_lcd_id(std::string_view id) {
  if (id.size() == 2 && std::isdigit(static_cast<unsigned char>(id[0])) &&
      std::isdigit(static_cast<unsigned char>(id[1]))) {
    return std::nullopt;
  }
  return "'" + std::string(id) + "' is not a two-digit LCD parameter id";
}

Schema values_schema() {
  // Ranges: the LCD's range for 07 (PV+AC charge current: 0-100 A), the register
  // ranges for 10 and 62 (inverter-modbus.md section 4).
  return Schema::object({
      schema::required("07", Schema::number(0, 100).with_check(check_tenths)),
      schema::required("10", Schema::integer(10, 900)),
      schema::required("41", Schema::string(5, 5).with_check(check_hhmm)),
      schema::required("62", Schema::integer(0, 100)),
  });
}

PointValue to_value(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.get<double>();
}

}  // namespace

const char* to_string(WeatherMode mode) {
  switch (mode) {
    case WeatherMode::kNormal:
      return "normal";
    case WeatherMode::kSunny:
      return "sunny";
    case WeatherMode::kRainy:
      return "rainy";
  }
  return "normal";
}

std::optional<WeatherMode> weather_mode_from(std::string_view text) {
  if (text == "normal") return WeatherMode::kNormal;
  if (text == "sunny") return WeatherMode::kSunny;
  if (text == "rainy") return WeatherMode::kRainy;
  return std::nullopt;
}

const std::vector<std::string>& profile_parameters() {
  static const std::vector<std::string> kParams = {"07", "10", "41", "62"};
  return kParams;
}

std::string format_setting(const PointValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* d = std::get_if<double>(&value)) {
    char buf[32];
    if (std::fabs(*d - std::round(*d)) < 1e-9) {
      std::snprintf(buf, sizeof buf, "%.0f", *d);
    } else {
      std::snprintf(buf, sizeof buf, "%.2f", *d);
      std::string s = buf;
      while (s.back() == '0')
        s.pop_back();
      return s;
    }
    return buf;
  }
  return "?";
}

bool same_setting(const PointValue& a, const PointValue& b) {
  const auto* da = std::get_if<double>(&a);
  const auto* db = std::get_if<double>(&b);
  if (da != nullptr && db != nullptr) return std::fabs(*da - *db) < 1e-6;
  const auto* sa = std::get_if<std::string>(&a);
  const auto* sb = std::get_if<std::string>(&b);
  return sa != nullptr && sb != nullptr && *sa == *sb;
}

Schema profile_schema() {
  Schema row = Schema::object({
      schema::required("season", Schema::string(1, 40)),
      schema::required("months", Schema::array_of(Schema::integer(1, 12), 1, 12)),
      schema::optional("weather",
                       Schema::choice({"normal", "sunny", "rainy"}).with_default("normal")),
      schema::required("values", values_schema()),
  });
  return Schema::object({
      schema::required("schema", Schema::choice({"sunbridge.profile/1"})),
      schema::required("name", Schema::string(1, 60)),
      schema::optional("description", Schema::string(0, 1000).with_default("")),
      schema::optional("source", Schema::string(0, 1000).with_default("")),
      schema::required("rows", Schema::array_of(row, 1, 200)),
  });
}

Schema baseline_schema() {
  Schema value = Schema::any().with_check([](const json& v) -> std::optional<std::string> {
    if (v.is_number() || v.is_string()) return std::nullopt;
    return "a baseline value is a number or a text";
  });
  return Schema::object({
      schema::required("schema", Schema::choice({"sunbridge.baseline/1"})),
      schema::optional("description", Schema::string(0, 1000).with_default("")),
      schema::optional("source", Schema::string(0, 1000).with_default("")),
      schema::required("values", Schema::map_of(value)),
  });
}

std::optional<Profile> Profile::from_json(std::string_view text, schema::Issues& issues) {
  const std::size_t before = issues.size();
  auto doc = schema::parse_strict(text, issues);
  if (!doc) return std::nullopt;
  auto found = schema::validate(profile_schema(), *doc);
  issues.insert(issues.end(), found.begin(), found.end());
  if (issues.size() != before) return std::nullopt;

  Profile p;
  p.name_ = doc->at("name").get<std::string>();
  p.description_ = doc->at("description").get<std::string>();
  for (char c : p.name_) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      issues.push_back({"name", "use letters, digits, '-' and '_' only"});
      break;
    }
  }
  std::set<std::pair<int, WeatherMode>> seen;
  const json& rows = doc->at("rows");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const json& r = rows[i];
    ProfileRow row;
    row.season = r.at("season").get<std::string>();
    row.weather = *weather_mode_from(r.at("weather").get<std::string>());
    for (const auto& [lcd, v] : r.at("values").items())
      row.values[lcd] = to_value(v);
    for (const json& m : r.at("months")) {
      const int month = m.get<int>();
      row.months.push_back(month);
      if (!seen.insert({month, row.weather}).second) {
        issues.push_back({"rows[" + std::to_string(i) + "].months",
                          "month " + std::to_string(month) + " already has a " +
                              to_string(row.weather) + " row"});
      }
    }
    p.rows_.push_back(std::move(row));
  }
  for (int month = 1; month <= 12; ++month) {
    if (seen.count({month, WeatherMode::kNormal}) == 0) {
      issues.push_back({"rows", "month " + std::to_string(month) + " has no normal row"});
    }
  }
  if (issues.size() != before) return std::nullopt;
  return p;
}

const ProfileRow* Profile::find(int month, WeatherMode weather) const {
  for (const ProfileRow& r : rows_) {
    if (r.weather != weather) continue;
    for (int m : r.months) {
      if (m == month) return &r;
    }
  }
  return nullptr;
}

std::optional<Baseline> Baseline::from_json(std::string_view text, schema::Issues& issues) {
  const std::size_t before = issues.size();
  auto doc = schema::parse_strict(text, issues);
  if (!doc) return std::nullopt;
  auto found = schema::validate(baseline_schema(), *doc);
  issues.insert(issues.end(), found.begin(), found.end());
  if (issues.size() != before) return std::nullopt;
  Baseline b;
  for (const auto& [lcd, v] : doc->at("values").items()) {
    if (auto problem = check_lcd_id(lcd)) {
      issues.push_back({"values." + lcd, *problem});
      continue;
    }
    for (const std::string& owned : profile_parameters()) {
      if (lcd == owned) {
        issues.push_back({"values." + lcd, "parameter " + lcd + " belongs to the profiles"});
      }
    }
    b.values[lcd] = to_value(v);
  }
  if (issues.size() != before) return std::nullopt;
  return b;
}

void ProfileLibrary::add(Profile profile) {
  std::string name = profile.name();
  profiles_.insert_or_assign(std::move(name), std::move(profile));
}

const Profile* ProfileLibrary::find(std::string_view name) const {
  auto it = profiles_.find(name);
  return it == profiles_.end() ? nullptr : &it->second;
}

std::vector<std::string> ProfileLibrary::names() const {
  std::vector<std::string> out;
  for (const auto& [name, p] : profiles_)
    out.push_back(name);
  return out;
}

}  // namespace sb::domain
