// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/desired_config.hpp"

#include <cmath>

#include "sunbridge/adapters/config.hpp"
#include "sunbridge/protocol/register_map.hpp"

namespace sb::adapters {

using nlohmann::json;
using schema::Schema;

Schema desired_schema() {
  Schema poll = Schema::object({
      schema::optional("live_s", Schema::number(1, 3600)),
      schema::optional("settings_s", Schema::number(1, 86400)),
  });
  Schema away = Schema::object({
      schema::required("from", Schema::string(10, 10)),
      schema::required("to", Schema::string(10, 10)),
  });
  return Schema::object({
      schema::required("version", Schema::integer(1, std::numeric_limits<std::int64_t>::max())),
      schema::required("issued_at", Schema::string(1, 40)),
      schema::optional("mode", Schema::string(1, 60)),
      schema::optional("profiles", Schema::array_of(Schema::any(), 0, 8)),
      schema::optional("rules", rules_schema()),
      schema::optional("drift_policy", Schema::choice({"report", "reassert"})),
      schema::optional("poll", poll),
      schema::optional("away", Schema::any()),  // an object (below) or null
      schema::optional("values", Schema::map_of(Schema::any())),
  });
}

std::optional<DesiredConfig> parse_desired(json document, schema::Issues& issues) {
  const std::size_t before = issues.size();
  // "away": null is meaningful (clear); checked apart from the object schema.
  const bool away_present = document.is_object() && document.contains("away");
  const bool away_null = away_present && document["away"].is_null();
  if (away_null) document.erase("away");
  schema::Issues found = schema::validate(desired_schema(), document);
  issues.insert(issues.end(), found.begin(), found.end());
  if (issues.size() > before) return std::nullopt;

  DesiredConfig d;
  d.version = document["version"].get<std::int64_t>();
  if (document.contains("mode")) d.mode = document["mode"].get<std::string>();
  if (document.contains("profiles")) {
    const json& list = document["profiles"];
    for (std::size_t i = 0; i < list.size(); ++i) {
      schema::Issues own;
      auto p = domain::Profile::from_json(list[i].dump(), own);
      for (auto& issue : own) {
        issue.path =
            "profiles[" + std::to_string(i) + "]" + (issue.path.empty() ? "" : "." + issue.path);
        issues.push_back(std::move(issue));
      }
      if (p) d.profiles.push_back(std::move(*p));
    }
  }
  if (document.contains("rules")) d.rules = read_rules(document["rules"], "rules", issues);
  if (document.contains("drift_policy")) {
    d.reassert_drift = document["drift_policy"].get<std::string>() == "reassert";
  }
  if (document.contains("poll")) {
    const json& p = document["poll"];
    auto ms = [](double s) { return std::chrono::milliseconds(std::llround(s * 1000)); };
    if (p.contains("live_s")) d.live_poll = ms(p["live_s"].get<double>());
    if (p.contains("settings_s")) d.settings_poll = ms(p["settings_s"].get<double>());
    if (d.live_poll && d.settings_poll && *d.live_poll > *d.settings_poll) {
      issues.push_back({"poll.live_s", "must not exceed settings_s"});
    }
  }
  d.away_present = away_present;
  if (away_present && !away_null) {
    const json& a = document["away"];
    if (!a.is_object()) {
      issues.push_back({"away", "expected {\"from\": \"YYYY-MM-DD\", \"to\": ...} or null"});
    } else {
      json copy = a;
      schema::Issues own =
          schema::validate(Schema::object({schema::required("from", Schema::string(10, 10)),
                                           schema::required("to", Schema::string(10, 10))}),
                           copy, "away");
      issues.insert(issues.end(), own.begin(), own.end());
      if (own.empty()) {
        auto from = domain::parse_date(copy["from"].get<std::string>());
        auto to = domain::parse_date(copy["to"].get<std::string>());
        if (!from || !to) {
          issues.push_back({"away", "from and to must be dates YYYY-MM-DD"});
        } else if (std::chrono::sys_days(*to) < std::chrono::sys_days(*from)) {
          issues.push_back({"away.to", "is before from"});
        } else {
          d.away = domain::Overrides::Away{*from, *to};
        }
      }
    }
  }
  if (document.contains("values")) {
    for (const auto& [key, v] : document["values"].items()) {
      const std::string path = "values." + key;
      if (v.is_string()) {
        d.values[protocol::normalize_lcd_id(key)] = v.get<std::string>();
      } else if (v.is_number()) {
        d.values[protocol::normalize_lcd_id(key)] = v.dump();
      } else {
        issues.push_back({path, "expected a number or a text value"});
      }
    }
  }
  if (away_null) document["away"] = nullptr;
  d.document = std::move(document);
  if (issues.size() > before) return std::nullopt;
  return d;
}

}  // namespace sb::adapters
