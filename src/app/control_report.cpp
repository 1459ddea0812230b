// SPDX-License-Identifier: Apache-2.0
// `sunbridge report day|week|month|year [DATE]`: the energy book (table energy_daily) priced by
// the configured tariff (docs/reports.md).
#include <cstdio>
#include <map>

#include "sunbridge/adapters/energy_store.hpp"
#include "sunbridge/adapters/settings_store.hpp"
#include "sunbridge/app/control_api.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/domain/energy_report.hpp"

namespace sb::app {

using nlohmann::json;
using std::chrono::sys_days;

namespace {

using Period = domain::DatePeriod;

// The energy book of a period priced by the tariff.
Result<domain::EnergyReport> report_of(adapters::HistoryStore& history,
                                       const domain::Tariff& tariff, const Period& p,
                                       double battery_kwh) {
  const std::string first = domain::format_date(p.first), last = domain::format_date(p.last);
  auto rows = adapters::EnergyStore(history.db()).query(first, last);
  if (!rows) return rows.error();
  const int days = static_cast<int>((sys_days(p.last) - sys_days(p.first)).count()) + 1;
  return domain::make_energy_report(*rows, tariff, first, last, days, tariff.night_band(),
                                    battery_kwh);
}

json flows_json(const domain::EnergyFlows& f) {
  return {{"pv_kwh", f.pv_kwh},
          {"load_kwh", f.load_kwh},
          {"grid_import_kwh", f.grid_import_kwh},
          {"grid_export_kwh", f.grid_export_kwh},
          {"battery_charge_kwh", f.battery_charge_kwh},
          {"battery_discharge_kwh", f.battery_discharge_kwh},
          {"pv_only_import_kwh", f.pv_only_import_kwh}};
}

json band_json(const domain::BandReport& b) {
  json j = flows_json(b.flows);
  j["yen"] = b.yen;
  j["yen_no_system"] = b.yen_no_system;
  j["yen_pv_only"] = b.yen_pv_only;
  return j;
}

json optional_json(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

// The figures a before/after comparison shows for a week.
json week_json(const domain::EnergyReport& r) {
  json j = {{"from", r.from_day},
            {"to", r.to_day},
            {"days_with_data", r.days_with_data},
            {"grid_import_kwh", r.total.flows.grid_import_kwh},
            {"load_kwh", r.total.flows.load_kwh},
            {"yen", r.total.yen},
            {"daytime_grid_dependency_pct", optional_json(r.daytime_grid_dependency_pct)},
            {"self_sufficiency_pct", optional_json(r.self_sufficiency_pct)}};
  j["yen_per_day"] = r.days_with_data > 0 ? json(r.total.yen / r.days_with_data) : json(nullptr);
  return j;
}

}  // namespace

json ControlApi::report_changes(WallTime now) const {
  // Every settings change written in the last year, one entry per transaction, with the 7 days
  // before it and the 7 days from it.
  auto rows = adapters::SettingsStore(ctx_.history.db())
                  .audit_since(now - std::chrono::hours(24 * 366), 10000);
  if (!rows) return {{"ok", false}, {"error", rows.error().describe()}};
  const domain::Tariff& tariff = ctx_.tariff->tariff();
  struct Change {
    WallTime ts;
    json j;
  };
  std::map<std::int64_t, Change> changes;  // by transaction, in order
  for (const auto& r : *rows) {
    if (r.result != "written" || r.param == "clock") continue;
    auto [it, first] = changes.try_emplace(r.txn);
    if (first) {
      it->second = {r.ts,
                    {{"ts", format_iso8601_utc(r.ts)},
                     {"ts_local", format_local(r.ts)},
                     {"cause", r.cause},
                     {"params", json::array()}}};
    }
    it->second.j["params"].push_back(r.param + " " + r.old_value.value_or("?") + " -> " +
                                     r.new_value.value_or("?"));
  }
  auto week = [&](domain::Date first) {
    return report_of(ctx_.history, tariff,
                     Period{first, domain::Date{sys_days(first) + std::chrono::days(6)}},
                     ctx_.config.site.battery_kwh);
  };
  json list = json::array();
  for (auto& [txn, change] : changes) {
    json& c = change.j;
    const domain::Date day = domain::local_date(change.ts);
    auto before = week(domain::Date{sys_days(day) - std::chrono::days(7)});
    auto after = week(day);
    if (!before || !after) return {{"ok", false}, {"error", "energy book not readable"}};
    c["before"] = week_json(*before);
    c["after"] = week_json(*after);
    list.push_back(c);
  }
  return {{"ok", true}, {"period", "changes"}, {"tariff", tariff.name()}, {"changes", list}};
}

json ControlApi::report(const json& request) const {
  const WallTime now = ctx_.clock.wall_now();
  const std::string kind = request.value("period", std::string("day"));
  if (kind == "changes") return report_changes(now);
  domain::Date date;
  if (request.contains("date") && request["date"].is_string() &&
      !request["date"].get<std::string>().empty()) {
    auto d = domain::parse_date(request["date"].get<std::string>());
    if (!d) return {{"ok", false}, {"error", "date: expected YYYY-MM-DD"}};
    date = *d;
  } else {
    date = domain::local_date(now);
  }
  const auto period = domain::period_containing(kind, date);
  if (!period) return {{"ok", false}, {"error", "period must be day, week, month or year"}};
  const domain::Tariff& tariff = ctx_.tariff->tariff();
  auto build = [&](const Period& p) {
    return report_of(ctx_.history, tariff, p, ctx_.config.site.battery_kwh);
  };
  auto r = build(*period);
  if (!r) return {{"ok", false}, {"error", r.error().describe()}};
  json bands = json::object();
  for (const auto& [name, b] : r->bands)
    bands[name] = band_json(b);
  json out = {{"ok", true},
              {"period", kind},
              {"from", r->from_day},
              {"to", r->to_day},
              {"days", r->days},
              {"days_with_data", r->days_with_data},
              {"tariff", tariff.name()},
              {"bands", bands},
              {"total", band_json(r->total)},
              {"saving_vs_no_system_yen", r->saving_vs_no_system()},
              {"saving_vs_pv_only_yen", r->saving_vs_pv_only()},
              {"kpis",
               {{"self_sufficiency_pct", optional_json(r->self_sufficiency_pct)},
                {"self_consumption_pct", optional_json(r->self_consumption_pct)},
                {"daytime_grid_dependency_pct", optional_json(r->daytime_grid_dependency_pct)},
                {"battery_cycles", optional_json(r->battery_cycles)}}},
              {"unknown", r->unknown},
              {"note",
               "energy charges only (band rate, surcharges, known adjustments); a month adds the "
               "basic charge in its bill estimate"}};
  if (kind == "month") {
    std::map<std::string, double> bought;
    for (const auto& [name, b] : r->bands)
      bought[name] = b.flows.grid_import_kwh;
    const auto bill = tariff.bill(static_cast<int>(date.year()),
                                  static_cast<int>(static_cast<unsigned>(date.month())), bought);
    out["bill_estimate"] = {
        {"total_yen", bill.total_yen()},       {"basic_yen", bill.basic_yen},
        {"surcharge_yen", bill.surcharge_yen}, {"adjustment_yen", bill.adjustment_yen},
        {"energy_yen", bill.energy_yen},       {"unknown", bill.unknown}};
  }
  // The same period a year earlier, when the book has it.
  domain::Date year_ago{date.year() - std::chrono::years(1), date.month(), date.day()};
  if (!year_ago.ok()) {  // 29 February
    year_ago = domain::Date{std::chrono::year_month_day_last{
        year_ago.year(), std::chrono::month_day_last{year_ago.month()}}};
  }
  if (auto before = domain::period_containing(kind, year_ago)) {
    if (auto last = build(*before); last && last->days_with_data > 0) {
      out["last_year"] = {{"from", last->from_day},
                          {"to", last->to_day},
                          {"days_with_data", last->days_with_data},
                          {"total", band_json(last->total)}};
    }
  }
  // Events of the period, counted by kind (power quality included).
  const auto since = domain::local_time_on(period->first);
  const auto until =
      domain::local_time_on(domain::Date{sys_days(period->last) + std::chrono::days(1)});
  json events = json::object();
  if (since && until) {
    if (auto list = ctx_.history.query_events(*since, *until)) {
      for (const auto& e : *list)
        events[e.kind] = events.value(e.kind, 0) + 1;
    }
  }
  out["events"] = events;
  return out;
}

}  // namespace sb::app
