// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/energy_report.hpp"

#include <algorithm>
#include <set>

namespace sb::domain {

std::optional<DatePeriod> period_containing(const std::string& kind, Date date) {
  using std::chrono::sys_days;
  if (kind == "day") return DatePeriod{date, date};
  if (kind == "week") {
    const std::chrono::weekday wd{sys_days(date)};
    const auto monday = sys_days(date) - (wd - std::chrono::Monday);
    return DatePeriod{Date{monday}, Date{monday + std::chrono::days(6)}};
  }
  if (kind == "month") {
    const std::chrono::year_month_day_last last{date.year(),
                                                std::chrono::month_day_last{date.month()}};
    return DatePeriod{Date{date.year(), date.month(), std::chrono::day(1)}, Date{last}};
  }
  if (kind == "year") {
    return DatePeriod{Date{date.year(), std::chrono::January, std::chrono::day(1)},
                      Date{date.year(), std::chrono::December, std::chrono::day(31)}};
  }
  return std::nullopt;
}

namespace {

void add_unknown(std::vector<std::string>& list, const std::vector<std::string>& more) {
  for (const auto& m : more) {
    if (std::find(list.begin(), list.end(), m) == list.end()) list.push_back(m);
  }
}

std::optional<double> percent(double part, double whole) {
  if (whole <= 0) return std::nullopt;
  return 100.0 * part / whole;
}

}  // namespace

EnergyReport make_energy_report(const std::vector<DayBandEnergy>& rows, const Tariff& tariff,
                                const std::string& from_day, const std::string& to_day, int days,
                                const std::string& night_band, double battery_kwh) {
  EnergyReport r;
  r.from_day = from_day;
  r.to_day = to_day;
  r.days = days;
  std::set<std::string> days_seen;
  EnergyFlows daytime;
  for (const auto& row : rows) {
    if (row.day < from_day || row.day > to_day) continue;
    days_seen.insert(row.day);
    const int year = std::stoi(row.day.substr(0, 4));
    const int month = std::stoi(row.day.substr(5, 2));
    const std::string key = month_key(year, month);
    std::vector<std::string> unknown;
    const auto rate = tariff.rate(row.band, month);
    if (!rate) unknown.push_back("band " + row.band);
    const double price = rate.value_or(0.0) + tariff.surcharge_per_kwh(key, &unknown) +
                         tariff.adjustment_per_kwh(key, &unknown);
    add_unknown(r.unknown, unknown);
    BandReport& b = r.bands[row.band];
    b.flows += row.flows;
    b.yen += row.flows.grid_import_kwh * price;
    b.yen_no_system += row.flows.load_kwh * price;
    b.yen_pv_only += row.flows.pv_only_import_kwh * price;
    if (row.band != night_band) daytime += row.flows;
  }
  for (const auto& [_, b] : r.bands) {
    r.total.flows += b.flows;
    r.total.yen += b.yen;
    r.total.yen_no_system += b.yen_no_system;
    r.total.yen_pv_only += b.yen_pv_only;
  }
  r.days_with_data = static_cast<int>(days_seen.size());
  const EnergyFlows& t = r.total.flows;
  if (auto s = percent(t.load_kwh - t.grid_import_kwh, t.load_kwh)) {
    r.self_sufficiency_pct = std::clamp(*s, 0.0, 100.0);
  }
  if (auto s = percent(t.pv_kwh - t.grid_export_kwh, t.pv_kwh)) {
    r.self_consumption_pct = std::clamp(*s, 0.0, 100.0);
  }
  r.daytime_grid_dependency_pct = percent(daytime.grid_import_kwh, daytime.load_kwh);
  if (battery_kwh > 0) r.battery_cycles = t.battery_discharge_kwh / battery_kwh;
  return r;
}

}  // namespace sb::domain
