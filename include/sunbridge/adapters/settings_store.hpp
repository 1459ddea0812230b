// SPDX-License-Identifier: Apache-2.0
// The settings writer's durable records in SQLite: the audit log, the daily write counts of the
// wear budget and small JSON state (what was last written, overrides, weather memory, the last
// good forecast). Every call commits at once: none of this may be lost in a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/core/clock.hpp"
#include "sunbridge/domain/write_budget.hpp"

namespace sb::adapters {

struct AuditRow {
  WallTime ts{};
  std::int64_t txn = 0;
  std::string param;  // LCD id or "clock"
  std::optional<int> address;
  std::optional<std::string> old_value, new_value;
  std::string cause;   // season, weather, override, cli, remote, drift, clock, schedule
  std::string result;  // written, failed, rolled-back, rollback-failed, not-attempted, refused
  std::optional<std::string> readback;
  std::string reason;
};

class SettingsStore {
 public:
  // Uses a database whose migrations are applied (HistoryStore opens it).
  explicit SettingsStore(SqliteDb& db) : db_(db) {}

  Result<std::int64_t> next_txn();
  Status audit(const AuditRow& row);
  Status audit(const std::vector<AuditRow>& rows);  // one SQLite transaction
  // Newest last; at most `limit` rows with ts >= since.
  Result<std::vector<AuditRow>> audit_since(WallTime since, int limit = 1000);

  Result<domain::BudgetUsage> usage(const std::string& day);
  Status count_writes(const std::string& day, const std::string& param, int frames);

  Result<std::optional<nlohmann::json>> get(const std::string& key);
  Status put(const std::string& key, const nlohmann::json& value, WallTime now);
  Status erase(const std::string& key);

 private:
  SqliteDb& db_;
};

}  // namespace sb::adapters
