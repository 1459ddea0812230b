// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/profile_json.hpp"

#include "sunbridge/core/local_time.hpp"

namespace sb::adapters {

using nlohmann::json;

namespace {

json time_json(WallTime t) {
  return format_iso8601_utc(t);
}

std::optional<WallTime> time_from(const json& j) {
  if (!j.is_string()) return std::nullopt;
  return parse_iso8601_utc(j.get<std::string>());
}

json opt_number(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

std::optional<double> number_from(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

}  // namespace

json setting_to_json(const PointValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

PointValue setting_from_json(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  return std::monostate{};
}

json settings_to_json(const domain::SettingValues& values) {
  json out = json::object();
  for (const auto& [lcd, v] : values)
    out[lcd] = setting_to_json(v);
  return out;
}

domain::SettingValues settings_from_json(const json& values) {
  domain::SettingValues out;
  if (!values.is_object()) return out;
  for (const auto& [lcd, v] : values.items())
    out[lcd] = setting_from_json(v);
  return out;
}

json overrides_to_json(const domain::Overrides& o) {
  json out = json::object();
  if (o.hold) out["hold"] = {{"until", time_json(o.hold->until)}};
  if (o.away) {
    out["away"] = {{"from", domain::format_date(o.away->from)},
                   {"to", domain::format_date(o.away->to)}};
  }
  if (o.pin) {
    out["pin"] = {{"profile", o.pin->profile},
                  {"weather", domain::to_string(o.pin->weather)},
                  {"until", time_json(o.pin->until)}};
  }
  return out;
}

Result<domain::Overrides> overrides_from_json(const json& j) {
  if (!j.is_object()) return Error::malformed("overrides: not an object");
  domain::Overrides o;
  for (const auto& [key, v] : j.items()) {
    if (key == "hold") {
      auto until = time_from(v.value("until", json()));
      if (!until) return Error::malformed("overrides.hold.until: not a time");
      o.hold = domain::Overrides::Hold{*until};
    } else if (key == "away") {
      auto from = domain::parse_date(v.value("from", ""));
      auto to = domain::parse_date(v.value("to", ""));
      if (!from || !to) return Error::malformed("overrides.away: from/to are not dates");
      o.away = domain::Overrides::Away{*from, *to};
    } else if (key == "pin") {
      auto until = time_from(v.value("until", json()));
      auto weather = domain::weather_mode_from(v.value("weather", "normal"));
      if (!until || !weather || !v.contains("profile") || !v["profile"].is_string()) {
        return Error::malformed("overrides.pin: needs profile, weather and until");
      }
      o.pin = domain::Overrides::Pin{v["profile"].get<std::string>(), *weather, *until};
    } else {
      return Error::malformed("overrides: unknown key '" + key + "'");
    }
  }
  return o;
}

json memory_to_json(const domain::WeatherMemory& m) {
  json out = {{"mode", domain::to_string(m.mode)}};
  out["since"] = m.since ? time_json(*m.since) : json(nullptr);
  return out;
}

domain::WeatherMemory memory_from_json(const json& j) {
  domain::WeatherMemory m;
  if (!j.is_object()) return m;
  if (auto mode = domain::weather_mode_from(j.value("mode", "normal"))) m.mode = *mode;
  if (j.contains("since")) m.since = time_from(j["since"]);
  return m;
}

json forecast_to_json(const domain::Forecast& f) {
  json days = json::array();
  for (const auto& d : f.days) {
    days.push_back({{"date", domain::format_date(d.date)},
                    {"kind", domain::to_string(d.kind)},
                    {"temp_max_c", opt_number(d.temp_max_c)},
                    {"temp_min_c", opt_number(d.temp_min_c)},
                    {"rain_probability_pct", opt_number(d.rain_probability_pct)}});
  }
  return {{"provider", f.provider},
          {"issued_at", time_json(f.issued_at)},
          {"fetched_at", time_json(f.fetched_at)},
          {"days", days}};
}

Result<domain::Forecast> forecast_from_json(const json& j) {
  if (!j.is_object() || !j.contains("days") || !j["days"].is_array()) {
    return Error::malformed("forecast: no days");
  }
  domain::Forecast f;
  f.provider = j.value("provider", "");
  auto issued = time_from(j.value("issued_at", json()));
  auto fetched = time_from(j.value("fetched_at", json()));
  if (!issued || !fetched) return Error::malformed("forecast: bad times");
  f.issued_at = *issued;
  f.fetched_at = *fetched;
  for (const json& d : j["days"]) {
    if (!d.is_object()) return Error::malformed("forecast: a day is not an object");
    auto date = domain::parse_date(d.value("date", ""));
    auto kind = domain::day_kind_from(d.value("kind", ""));
    if (!date || !kind) return Error::malformed("forecast: bad day");
    f.days.push_back({*date, *kind, number_from(d, "temp_max_c"), number_from(d, "temp_min_c"),
                      number_from(d, "rain_probability_pct")});
  }
  return f;
}

json selection_to_json(const domain::Selection& s) {
  json out = {{"key", s.key()},
              {"profile", s.profile},
              {"season", s.season},
              {"weather", domain::to_string(s.weather)},
              {"values", settings_to_json(s.values)},
              {"source", s.source},
              {"reason", s.reason},
              {"hold", s.hold}};
  if (s.hold_until) out["hold_until"] = time_json(*s.hold_until);
  return out;
}

json plan_to_json(const std::vector<domain::PlannedChange>& plan) {
  json out = json::array();
  for (const auto& c : plan) {
    out.push_back({{"at", time_json(c.at)},
                   {"at_local", format_local(c.at)},
                   {"key", c.key},
                   {"values", settings_to_json(c.values)},
                   {"changed", c.changed},
                   {"reason", c.reason},
                   {"hold", c.hold},
                   {"source", c.source}});
  }
  return out;
}

}  // namespace sb::adapters
