// SPDX-License-Identifier: Apache-2.0
// Energy by local day and tariff band in SQLite (table energy_daily, docs/reports.md).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/core/result.hpp"
#include "sunbridge/domain/energy_meter.hpp"

namespace sb::adapters {

using EnergyRow = domain::DayBandEnergy;

class EnergyStore {
 public:
  explicit EnergyStore(SqliteDb& db) : db_(db) {}
  // Adds the amounts to the rows of their (day, band), in one transaction.
  Status add(const std::map<std::pair<std::string, std::string>, domain::EnergyFlows>& amounts);
  // Rows with from <= day <= to, by day then band.
  Result<std::vector<EnergyRow>> query(const std::string& from_day, const std::string& to_day);

 private:
  SqliteDb& db_;
};

}  // namespace sb::adapters
