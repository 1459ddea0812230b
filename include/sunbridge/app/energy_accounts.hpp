// SPDX-License-Identifier: Apache-2.0
// The gateway's own energy accounts (docs/reports.md): the six flows integrated from each live
// poll, booked by local day and tariff band, and lifetime counters that never go backwards:
// persisted with every history commit, and published only once persisted, so neither a restart
// nor a crash nor an inverter counter reset can make Home Assistant see a counter fall.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/app/tariff_service.hpp"
#include "sunbridge/core/event.hpp"
#include "sunbridge/core/log.hpp"
#include "sunbridge/domain/energy_meter.hpp"
#include "sunbridge/domain/point_store.hpp"
#include "sunbridge/domain/strategy/learned_load.hpp"

namespace sb::app {

class EnergyAccounts {
 public:
  // Reads the persisted lifetime counters; when they cannot be read the counters stay unknown
  // (unavailable points, nothing saved over them) rather than restart from 0.
  EnergyAccounts(adapters::SqliteDb& db, const TariffService& tariff, domain::PointStore& points,
                 Logger& log, std::chrono::milliseconds max_gap, WallTime now,
                 std::function<void(const Event&)> record_event = {});

  // After a live poll read at `read_at`: integrates the power points since the last poll. The
  // day and band are booked only while the clock is trusted (a wrong date would file the energy
  // under the wrong day); the lifetime counters count either way.
  void on_poll(WallTime read_at, bool clock_trusted);
  // Persists what was counted since the last save and publishes the lifetime points.
  void save(WallTime now);

  // Not yet saved (for tests).
  [[nodiscard]] const domain::EnergyFlows& pending() const { return pending_; }

 private:
  void publish(WallTime now);

  adapters::SqliteDb& db_;
  const TariffService& tariff_;
  domain::PointStore& points_;
  Logger& log_;
  // At the first poll of a new local day: the day before against the inverter's daily counters,
  // when the gateway counted all of it (from midnight, without a gap).
  void close_day(WallTime now);
  // Keeps a whole day's measured use (the newest 28 days) for automatic mode's load forecast.
  void record_measured_day(domain::Date day, double load_kwh, WallTime now);

  domain::EnergyMeter meter_;
  std::chrono::milliseconds max_gap_;
  std::function<void(const Event&)> record_event_;
  std::optional<WallTime> last_read_;
  std::optional<domain::Date> day_;  // the local day being counted
  bool day_complete_ = false;        // counted from midnight, with every reading, no gap
  domain::EnergyFlows day_flows_;    // what was counted of it
  std::optional<double> inverter_pv_today_, inverter_load_today_;  // its last readings that day
  std::optional<domain::EnergyFlows> saved_;  // nullopt: unknown (could not be read)
  std::string unknown_reason_;
  domain::EnergyFlows pending_;
  std::map<std::pair<std::string, std::string>, domain::EnergyFlows> pending_days_;
};

// The whole days the gateway measured from midnight to midnight without a gap, oldest first
// (settings store key "energy.measured_days"; empty when there are none or they cannot be read).
std::vector<domain::strategy::MeasuredDay> read_measured_days(adapters::SqliteDb& db);

// The persisted form of lifetime counters (settings store key "energy.lifetime").
nlohmann::json flows_to_json(const domain::EnergyFlows& f);
std::optional<domain::EnergyFlows> flows_from_json(const nlohmann::json& j);

}  // namespace sb::app
