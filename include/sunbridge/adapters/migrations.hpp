// SPDX-License-Identifier: Apache-2.0
// The database schema, versioned: PRAGMA user_version is the number of migrations applied. Each
// migration runs in its own transaction. New tables come as new migrations, never as edits.
#pragma once

#include <string>
#include <vector>

#include "sunbridge/adapters/sqlite_db.hpp"

namespace sb::adapters {

struct Migration {
  int version;  // 1, 2, 3 ... in order
  std::string description;
  std::string sql;
};

const std::vector<Migration>& migrations();
int schema_version(SqliteDb& db);
// Applies the pending migrations. Refuses a database newer than this program.
Status migrate(SqliteDb& db);

}  // namespace sb::adapters
