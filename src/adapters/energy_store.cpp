// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/energy_store.hpp"

namespace sb::adapters {

Status EnergyStore::add(
    const std::map<std::pair<std::string, std::string>, domain::EnergyFlows>& amounts) {
  if (amounts.empty()) return {};
  if (Status s = db_.exec("BEGIN"); !s) return s;
  auto st = db_.prepare(
      "INSERT INTO energy_daily(day, band, pv_kwh, load_kwh, grid_import_kwh, grid_export_kwh, "
      "battery_charge_kwh, battery_discharge_kwh, pv_only_import_kwh) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(day, band) DO UPDATE SET pv_kwh = pv_kwh + excluded.pv_kwh, "
      "load_kwh = load_kwh + excluded.load_kwh, "
      "grid_import_kwh = grid_import_kwh + excluded.grid_import_kwh, "
      "grid_export_kwh = grid_export_kwh + excluded.grid_export_kwh, "
      "battery_charge_kwh = battery_charge_kwh + excluded.battery_charge_kwh, "
      "battery_discharge_kwh = battery_discharge_kwh + excluded.battery_discharge_kwh, "
      "pv_only_import_kwh = pv_only_import_kwh + excluded.pv_only_import_kwh");
  if (!st) {
    (void)db_.exec("ROLLBACK");
    return st.error();
  }
  for (const auto& [key, f] : amounts) {
    st->bind(1, std::string_view(key.first))
        .bind(2, std::string_view(key.second))
        .bind(3, f.pv_kwh)
        .bind(4, f.load_kwh)
        .bind(5, f.grid_import_kwh)
        .bind(6, f.grid_export_kwh)
        .bind(7, f.battery_charge_kwh)
        .bind(8, f.battery_discharge_kwh)
        .bind(9, f.pv_only_import_kwh);
    if (Status s = st->run(); !s) {
      (void)db_.exec("ROLLBACK");
      return s;
    }
  }
  return db_.exec("COMMIT");
}

Result<std::vector<EnergyRow>> EnergyStore::query(const std::string& from_day,
                                                  const std::string& to_day) {
  auto st = db_.prepare(
      "SELECT day, band, pv_kwh, load_kwh, grid_import_kwh, grid_export_kwh, battery_charge_kwh, "
      "battery_discharge_kwh, pv_only_import_kwh FROM energy_daily WHERE day >= ? AND day <= ? "
      "ORDER BY day, band");
  if (!st) return st.error();
  st->bind(1, std::string_view(from_day)).bind(2, std::string_view(to_day));
  std::vector<EnergyRow> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    EnergyRow r;
    r.day = st->column_text(0);
    r.band = st->column_text(1);
    r.flows = {st->column_double(2), st->column_double(3), st->column_double(4),
               st->column_double(5), st->column_double(6), st->column_double(7),
               st->column_double(8)};
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace sb::adapters
