// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/maintenance.hpp"

namespace sb::domain {

using nlohmann::json;
using schema::Schema;
using std::chrono::sys_days;

Schema maintenance_schema() {
  Schema item = Schema::object({
      schema::required("id", Schema::string(1, 40)),
      schema::optional("every_days", Schema::integer(1, 3650)),
      schema::optional("season_starts", Schema::array_of(Schema::integer(1, 12), 1, 12)),
      schema::required("what", Schema::string(1, 300)),
  });
  return Schema::object({
      schema::required("schema", Schema::choice({"sunbridge.maintenance/1"})),
      schema::optional("source", Schema::string(0, 1000).with_default("")),
      schema::required("items", Schema::array_of(item, 1, 100)),
  });
}

std::optional<MaintenancePlan> MaintenancePlan::from_json(std::string_view text,
                                                          schema::Issues& issues) {
  const std::size_t before = issues.size();
  auto doc = schema::parse_strict(text, issues);
  if (!doc) return std::nullopt;
  auto found = schema::validate(maintenance_schema(), *doc);
  issues.insert(issues.end(), found.begin(), found.end());
  if (issues.size() != before) return std::nullopt;
  MaintenancePlan plan;
  std::set<std::string> ids;
  const json& items = (*doc)["items"];
  for (std::size_t i = 0; i < items.size(); ++i) {
    const json& j = items[i];
    MaintenanceItem m;
    m.id = j["id"].get<std::string>();
    if (j.contains("every_days")) m.every_days = j["every_days"].get<int>();
    if (j.contains("season_starts")) {
      for (int month : j["season_starts"].get<std::vector<int>>())
        m.season_starts.insert(month);
    }
    m.what = j["what"].get<std::string>();
    const std::string path = "items[" + std::to_string(i) + "]";
    if (!ids.insert(m.id).second) issues.push_back({path + ".id", "duplicate id '" + m.id + "'"});
    if (m.every_days.has_value() == !m.season_starts.empty()) {
      issues.push_back({path, "give either every_days or season_starts"});
    }
    plan.items_.push_back(std::move(m));
  }
  if (issues.size() != before) return std::nullopt;
  return plan;
}

const MaintenanceItem* MaintenancePlan::find(std::string_view id) const {
  for (const auto& m : items_) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

std::vector<MaintenanceStatus> maintenance_status(const MaintenancePlan& plan,
                                                  const std::map<std::string, Date>& last_done,
                                                  Date since) {
  std::vector<MaintenanceStatus> out;
  for (const auto& item : plan.items()) {
    MaintenanceStatus s;
    s.item = &item;
    if (auto it = last_done.find(item.id); it != last_done.end()) s.last_done = it->second;
    const Date from = s.last_done.value_or(since);
    if (item.every_days) {
      s.due = Date{sys_days(from) + std::chrono::days(*item.every_days)};
    } else {
      // The first season start after the item was last done (or the list was started).
      std::chrono::year_month month{from.year(), from.month()};
      do {
        month += std::chrono::months(1);
      } while (item.season_starts.count(static_cast<int>(static_cast<unsigned>(month.month()))) ==
               0);
      s.due = Date{month.year(), month.month(), std::chrono::day(1)};
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace sb::domain
