// SPDX-License-Identifier: Apache-2.0
// Maintenance reminders (docs/reports.md): the shipped list, what was done when (kept in the
// state table), `sunbridge maintenance list|done`, and an event when an item falls due. Dates are
// wall-clock facts: nothing is judged or stamped while the clock is not trusted.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/ipc_server.hpp"
#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/core/event.hpp"
#include "sunbridge/domain/maintenance.hpp"

namespace sb::app {

// The shipped list (profiles/maintenance.json). Throws std::runtime_error when it is invalid.
domain::MaintenancePlan load_maintenance_plan();

class MaintenanceService {
 public:
  MaintenanceService(adapters::SqliteDb& db, std::function<void(const Event&)> record_event);

  // "maintenance.list" and "maintenance.done"; false for other commands.
  bool handle(const std::string& cmd, const nlohmann::json& request, WallTime now,
              bool clock_trusted, const adapters::IpcServer::Reply& reply);
  // Raises maintenance.due once for each item that has fallen due.
  void run(WallTime now, bool clock_trusted);

 private:
  nlohmann::json list(domain::Date today);
  nlohmann::json done(const nlohmann::json& request, WallTime now, domain::Date today);
  void save(WallTime now);

  adapters::SqliteDb& db_;
  std::function<void(const Event&)> record_event_;
  domain::MaintenancePlan plan_;
  nlohmann::json state_;  // {"since", "done": {id: {date, note}}, "announced": {id: due}}
};

}  // namespace sb::app
