// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/maintenance_service.hpp"

#include <stdexcept>

#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/app/data_files.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/embedded.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

constexpr const char* kStateKey = "maintenance";

std::string every_text(const domain::MaintenanceItem& m) {
  if (m.every_days) return "every " + std::to_string(*m.every_days) + " days";
  return "at each season change";
}

}  // namespace

domain::MaintenancePlan load_maintenance_plan() {
  return parse_shipped<domain::MaintenancePlan>(embedded::maintenance_plan(), "maintenance list",
                                                "maintenance.json");
}

MaintenanceService::MaintenanceService(adapters::SqliteDb& db,
                                       std::function<void(const Event&)> record_event)
    : db_(db), record_event_(std::move(record_event)), plan_(load_maintenance_plan()) {
  if (auto v = adapters::SettingsStore(db_).get(kStateKey); v && *v && (*v)->is_object()) {
    state_ = **v;
  } else {
    state_ = json::object();
  }
  for (const char* key : {"done", "announced"}) {
    if (!state_.contains(key) || !state_[key].is_object()) state_[key] = json::object();
  }
}

void MaintenanceService::save(WallTime now) {
  (void)adapters::SettingsStore(db_).put(kStateKey, state_, now);
}

json MaintenanceService::list(domain::Date today) {
  std::map<std::string, domain::Date> last;
  for (const auto& [id, d] : state_["done"].items()) {
    if (auto date = domain::parse_date(d.value("date", std::string()))) last[id] = *date;
  }
  const auto since = domain::parse_date(state_.value("since", std::string())).value_or(today);
  json items = json::array();
  for (const auto& s : domain::maintenance_status(plan_, last, since)) {
    const auto days_left = (std::chrono::sys_days(s.due) - std::chrono::sys_days(today)).count();
    json j = {{"id", s.item->id},
              {"what", s.item->what},
              {"interval", every_text(*s.item)},
              {"due", domain::format_date(s.due)},
              {"due_in_days", days_left},
              {"is_due", s.is_due(today)}};
    j["last_done"] = s.last_done ? json(domain::format_date(*s.last_done)) : json(nullptr);
    j["note"] = state_["done"].contains(s.item->id)
                    ? state_["done"][s.item->id].value("note", std::string())
                    : std::string();
    items.push_back(std::move(j));
  }
  return {{"ok", true}, {"today", domain::format_date(today)}, {"items", items}};
}

json MaintenanceService::done(const json& request, WallTime now, domain::Date today) {
  const std::string id = request.value("item", std::string());
  if (plan_.find(id) == nullptr) {
    std::vector<std::string> ids;
    for (const auto& m : plan_.items())
      ids.push_back(m.id);
    return {{"ok", false},
            {"error", "no maintenance item '" + id + "' (the items: " + join(ids, ", ") + ")"}};
  }
  domain::Date date = today;
  if (request.contains("date") && request["date"].is_string() &&
      !request["date"].get<std::string>().empty()) {
    auto d = domain::parse_date(request["date"].get<std::string>());
    if (!d) return {{"ok", false}, {"error", "date: expected YYYY-MM-DD"}};
    if (*d > today) return {{"ok", false}, {"error", "date: that is in the future"}};
    date = *d;
  }
  state_["done"][id] = {{"date", domain::format_date(date)},
                        {"note", request.value("note", std::string())}};
  state_["announced"].erase(id);
  save(now);
  return list(today);
}

bool MaintenanceService::handle(const std::string& cmd, const json& request, WallTime now,
                                bool clock_trusted, const adapters::IpcServer::Reply& reply) {
  if (cmd != "maintenance.list" && cmd != "maintenance.done") return false;
  if (!clock_trusted) {
    reply({{"ok", false},
           {"error",
            "the gateway's clock is not synchronised: maintenance dates cannot be "
            "judged or recorded yet"}});
    return true;
  }
  const domain::Date today = domain::local_date(now);
  if (!state_.contains("since")) {
    state_["since"] = domain::format_date(today);
    save(now);
  }
  reply(cmd == "maintenance.list" ? list(today) : done(request, now, today));
  return true;
}

void MaintenanceService::run(WallTime now, bool clock_trusted) {
  if (!clock_trusted) return;
  const domain::Date today = domain::local_date(now);
  if (!state_.contains("since")) {
    state_["since"] = domain::format_date(today);
    save(now);
    return;
  }
  const json current = list(today);
  bool changed = false;
  for (const auto& item : current["items"]) {
    if (!item["is_due"].get<bool>()) continue;
    const std::string id = item["id"].get<std::string>();
    const std::string due = item["due"].get<std::string>();
    if (state_["announced"].value(id, std::string()) == due) continue;  // said once per due date
    const std::string last = item["last_done"].is_string()
                                 ? "last done " + item["last_done"].get<std::string>()
                                 : std::string("not recorded as done yet");
    record_event_(Event{now,
                        "maintenance.due",
                        Severity::kInfo,
                        "maintenance due since " + due + ": " + item["what"].get<std::string>() +
                            " (" + item["interval"].get<std::string>() + "; " + last +
                            "); when done: sunbridge maintenance done " + id,
                        {{"item", id}, {"due", due}}});
    state_["announced"][id] = due;
    changed = true;
  }
  if (changed) save(now);
}

}  // namespace sb::app
