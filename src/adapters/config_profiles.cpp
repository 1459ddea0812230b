// SPDX-License-Identifier: Apache-2.0
// The configuration sections of the profile engine and the settings writer.
// Reference: docs/configuration.md ("profiles", "settings").
#include <cmath>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::adapters {

using nlohmann::json;
using schema::Schema;

namespace {

std::optional<std::string> check_time_of_day(const json& v) {
  if (!parse_time_of_day(v.get<std::string>())) return "expected a local time HH:MM";
  return std::nullopt;
}

std::optional<std::string> check_url(const json& v) {
  const std::string s = v.get<std::string>();
  if (s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0) return std::nullopt;
  return "expected an http:// or https:// URL";
}

}  // namespace

Schema rules_schema() {
  return Schema::object({
      schema::optional("streak_days", Schema::integer(1, 7).with_default(3)),
      schema::optional("exit_streak_days", Schema::integer(1, 7).with_default(2)),
      schema::optional("min_hold_h", Schema::integer(0, 240).with_default(24)),
      schema::optional("heat_c", Schema::number(20, 50).with_default(35)),
      schema::optional("cold_c", Schema::number(-30, 10).with_default(-2)),
      schema::optional("forecast_max_age_h", Schema::integer(1, 168).with_default(36)),
      schema::optional("away_min_days", Schema::integer(1, 60).with_default(3)),
  });
}

domain::WeatherPolicy read_rules(const json& r, const std::string& path, schema::Issues& issues) {
  domain::WeatherPolicy rules;
  rules.streak_days = r["streak_days"].get<int>();
  rules.exit_streak_days = r["exit_streak_days"].get<int>();
  rules.min_hold = std::chrono::hours(r["min_hold_h"].get<int>());
  rules.heat_c = r["heat_c"].get<double>();
  rules.cold_c = r["cold_c"].get<double>();
  rules.forecast_max_age = std::chrono::hours(r["forecast_max_age_h"].get<int>());
  rules.away_min_days = r["away_min_days"].get<int>();
  if (rules.exit_streak_days > rules.streak_days) {
    issues.push_back({path + ".exit_streak_days", "must not exceed streak_days"});
  }
  return rules;
}

Schema profiles_section_schema() {
  Schema weather = Schema::object({
      schema::optional("provider",
                       Schema::choice({"none", "jma", "open-meteo", "file"}).with_default("none")),
      schema::optional("url", Schema::string(8, 2048).with_check(check_url)),
      schema::optional("path", Schema::string(1, 4096)),
      schema::optional("format", Schema::choice({"jma", "open-meteo"}).with_default("open-meteo")),
      schema::optional("office", Schema::string(6, 6).with_default("370000")),
      schema::optional("area", Schema::string(6, 6).with_default("370010")),
      schema::optional("station", Schema::string(5, 5).with_default("72086")),
      schema::optional("latitude", Schema::number(-90, 90).with_default(34.34)),
      schema::optional("longitude", Schema::number(-180, 180).with_default(134.05)),
      // JMA issues at 05, 11 and 17 JST; fetch a little after.
      schema::optional("fetch_times",
                       Schema::array_of(Schema::string(5, 5).with_check(check_time_of_day), 1, 24)
                           .with_default(json::array({"05:10", "11:10", "17:10"}))),
      schema::optional("retry_min", Schema::integer(1, 1440).with_default(30)),
      schema::optional("timeout_s", Schema::integer(1, 300).with_default(20)),
  });
  // Automatic mode (docs/strategy.md "Automatic mode"): the array as installed, and when a
  // change is worth a write.
  Schema automatic = Schema::object({
      schema::optional("pv_kw", Schema::number(0.1, 100).with_default(2.46)),
      schema::optional("tilt_deg", Schema::number(0, 90).with_default(30)),
      schema::optional("azimuth_deg", Schema::number(0, 360).with_default(180)),
      schema::optional("system_efficiency", Schema::number(0.3, 1).with_default(0.85)),
      schema::optional("min_saving_yen", Schema::number(0, 100000).with_default(20)),
      schema::optional("horizon_days", Schema::integer(1, 7).with_default(3)),
      schema::optional("decide_at",
                       Schema::string(5, 5).with_check(check_time_of_day).with_default("22:00")),
  });
  return Schema::object({
      schema::optional("mode", Schema::string(1, 60).with_default("type-b")),
      schema::optional("auto", automatic),
      schema::optional("directory", Schema::string(1, 4096)),
      schema::optional("baseline", Schema::string(1, 4096)),
      schema::optional("weather", weather),
      schema::optional("rules", rules_schema()),
  });
}

Schema settings_section_schema() {
  Schema budget = Schema::object({
      schema::optional("per_parameter_per_day", Schema::integer(1, 100).with_default(4)),
      schema::optional("total_per_day", Schema::integer(1, 1000).with_default(16)),
  });
  Schema clock = Schema::object({
      schema::optional("sync", Schema::boolean().with_default(true)),
      schema::optional("max_skew_s", Schema::integer(5, 86400).with_default(60)),
      schema::optional("min_interval_min", Schema::integer(1, 10080).with_default(360)),
  });
  return Schema::object({
      schema::optional("apply", Schema::boolean().with_default(true)),
      schema::optional("settle_ms", Schema::integer(0, 10000).with_default(300)),
      schema::optional("budget", budget),
      schema::optional("drift_policy",
                       Schema::choice({"report", "reassert"}).with_default("report")),
      schema::optional("clock", clock),
      schema::optional("bank_charge_limit_a", Schema::number(1, 1000)),
      schema::optional("retry_after_min", Schema::integer(1, 1440).with_default(15)),
  });
}

void load_profiles_sections(json& doc, const std::string& base_dir, Config& c,
                            schema::Issues& issues) {
  json& pj = doc["profiles"];
  ProfilesConfig& p = c.profiles;
  p.mode = pj["mode"].get<std::string>();
  if (pj.contains("directory")) {
    p.directory = resolve_path(base_dir, pj["directory"].get<std::string>());
    pj["directory"] = p.directory;
  }
  if (pj.contains("baseline")) {
    p.baseline_path = resolve_path(base_dir, pj["baseline"].get<std::string>());
    pj["baseline"] = p.baseline_path;
  }
  p.rules = read_rules(pj["rules"], "profiles.rules", issues);

  json& w = pj["weather"];
  WeatherSource& ws = p.weather;
  ws.provider = w["provider"].get<std::string>();
  ws.format = w["format"].get<std::string>();
  ws.jma.week_area_code = w["office"].get<std::string>();
  ws.jma.area_code = w["area"].get<std::string>();
  ws.jma.station_code = w["station"].get<std::string>();
  ws.http.timeout = std::chrono::seconds(w["timeout_s"].get<int>());
  if (ws.provider == "file") {
    if (!w.contains("path")) {
      issues.push_back({"profiles.weather.path", "is required when provider is file"});
    } else {
      ws.path = resolve_path(base_dir, w["path"].get<std::string>());
      w["path"] = ws.path;
    }
  }
  if (w.contains("url")) {
    ws.url = w["url"].get<std::string>();
  } else if (ws.provider == "jma") {
    ws.url = default_jma_url(w["office"].get<std::string>());
  } else if (ws.provider == "open-meteo") {
    ws.url = default_open_meteo_url(w["latitude"].get<double>(), w["longitude"].get<double>(),
                                    doc["site"]["timezone"].get<std::string>());
  }
  for (const json& t : w["fetch_times"])
    p.fetch_times.push_back(*parse_time_of_day(t.get<std::string>()));
  p.fetch_retry = std::chrono::minutes(w["retry_min"].get<int>());
  const json& aj = pj["auto"];
  AutoModeConfig& a = p.auto_mode;
  a.latitude_deg = w["latitude"].get<double>();
  a.longitude_deg = w["longitude"].get<double>();
  a.pv_kw = aj["pv_kw"].get<double>();
  a.tilt_deg = aj["tilt_deg"].get<double>();
  a.azimuth_deg = aj["azimuth_deg"].get<double>();
  a.system_efficiency = aj["system_efficiency"].get<double>();
  a.min_saving_yen_per_write = aj["min_saving_yen"].get<double>();
  a.horizon_days = aj["horizon_days"].get<int>();
  a.decide_at = *parse_time_of_day(aj["decide_at"].get<std::string>());

  const json& sj = doc["settings"];
  SettingsConfig& s = c.settings;
  s.apply = sj["apply"].get<bool>();
  s.settle = std::chrono::milliseconds(sj["settle_ms"].get<int>());
  s.budget.per_parameter_per_day = sj["budget"]["per_parameter_per_day"].get<int>();
  s.budget.total_per_day = sj["budget"]["total_per_day"].get<int>();
  if (s.budget.per_parameter_per_day > s.budget.total_per_day) {
    issues.push_back({"settings.budget.per_parameter_per_day", "must not exceed total_per_day"});
  }
  s.reassert_drift = sj["drift_policy"].get<std::string>() == "reassert";
  s.clock_sync = sj["clock"]["sync"].get<bool>();
  s.clock_max_skew = std::chrono::seconds(sj["clock"]["max_skew_s"].get<int>());
  s.clock_min_interval = std::chrono::minutes(sj["clock"]["min_interval_min"].get<int>());
  if (sj.contains("bank_charge_limit_a")) {
    s.bank_charge_limit_a = sj["bank_charge_limit_a"].get<double>();
  }
  s.retry_after = std::chrono::minutes(sj["retry_after_min"].get<int>());
}

}  // namespace sb::adapters
