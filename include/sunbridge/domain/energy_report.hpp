// SPDX-License-Identifier: Apache-2.0
// A period's energy in yen (docs/reports.md): per tariff band what was bought and what it cost,
// against two references computed from the same measured flows, (a) no system: the whole load
// bought at the tariff, and (b) PV without battery: the load the PV did not cover at each
// moment; and the KPIs of the owner's guide. Pure: rows in, report out.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/domain/energy_meter.hpp"
#include "sunbridge/domain/forecast.hpp"
#include "sunbridge/domain/tariff.hpp"

namespace sb::domain {

// The dates of a report period, both inclusive.
struct DatePeriod {
  Date first, last;
};
// The period of that kind ("day", "week" from Monday, calendar "month" or "year") containing
// `date`; nullopt for another kind.
std::optional<DatePeriod> period_containing(const std::string& kind, Date date);

struct BandReport {
  EnergyFlows flows;
  // Energy charges only (the band's rate plus the month's surcharges and known adjustments).
  double yen = 0, yen_no_system = 0, yen_pv_only = 0;
};

struct EnergyReport {
  std::string from_day, to_day;  // inclusive, local
  int days = 0;                  // days in the period
  int days_with_data = 0;
  std::map<std::string, BandReport> bands;
  BandReport total;
  // Savings in energy charges: against no system and against PV without battery.
  [[nodiscard]] double saving_vs_no_system() const { return total.yen_no_system - total.yen; }
  [[nodiscard]] double saving_vs_pv_only() const { return total.yen_pv_only - total.yen; }
  // KPIs; nullopt when the period has nothing to divide by.
  std::optional<double> self_sufficiency_pct;         // load not bought from the grid / load
  std::optional<double> self_consumption_pct;         // PV used at home (not exported) / PV
  std::optional<double> daytime_grid_dependency_pct;  // grid import / load outside the night band
  std::optional<double> battery_cycles;               // discharged / usable capacity
  std::vector<std::string> unknown;                   // surcharges or adjustments not known
};

// `rows` of the period (any order); `night_band` names the band that is not daytime (the guide's
// 23:00-07:00); `battery_kwh` the bank's capacity for equivalent cycles.
EnergyReport make_energy_report(const std::vector<DayBandEnergy>& rows, const Tariff& tariff,
                                const std::string& from_day, const std::string& to_day, int days,
                                const std::string& night_band, double battery_kwh);

}  // namespace sb::domain
