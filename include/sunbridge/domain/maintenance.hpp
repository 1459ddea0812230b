// SPDX-License-Identifier: Apache-2.0
// Maintenance reminders as data (profiles/maintenance.json, docs/reports.md): items due every N
// days after they were last done, or at each season change. Pure: dates in, due dates out.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sunbridge/core/schema.hpp"
#include "sunbridge/domain/forecast.hpp"

namespace sb::domain {

struct MaintenanceItem {
  std::string id;
  std::optional<int> every_days;  // due this many days after it was last done
  std::set<int> season_starts;    // or due on the 1st of each of these months
  std::string what;
};

class MaintenancePlan {
 public:
  static std::optional<MaintenancePlan> from_json(std::string_view text, schema::Issues& issues);
  [[nodiscard]] const std::vector<MaintenanceItem>& items() const { return items_; }
  [[nodiscard]] const MaintenanceItem* find(std::string_view id) const;

 private:
  std::vector<MaintenanceItem> items_;
};

struct MaintenanceStatus {
  const MaintenanceItem* item = nullptr;
  std::optional<Date> last_done;
  Date due;
  [[nodiscard]] bool is_due(Date today) const { return due <= today; }
};

// When each item is due: `last_done` per id; an item never done counts from `since` (the day the
// gateway started keeping the list), so a new installation is not told everything is overdue.
std::vector<MaintenanceStatus> maintenance_status(const MaintenancePlan& plan,
                                                  const std::map<std::string, Date>& last_done,
                                                  Date since);

schema::Schema maintenance_schema();

}  // namespace sb::domain
