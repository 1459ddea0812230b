// SPDX-License-Identifier: Apache-2.0
// The text of `sunbridge report` and of the e-mailed reports: energy and yen by tariff band,
// savings, KPIs (docs/reports.md); and of `sunbridge maintenance`.
#include <cstdio>
#include <sstream>

#include "sunbridge/adapters/report_text.hpp"

#include "sunbridge/core/text.hpp"

namespace sb::adapters {

using nlohmann::json;

namespace {

std::string num(const json& v, int decimals) {
  if (!v.is_number()) return "--";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  return buf;
}

std::string row(const std::string& band, const json& b) {
  char line[160];
  std::snprintf(line, sizeof line, "%-8s %9s %7s %9s %8s %9s %9s", band.c_str(),
                num(b.value("grid_import_kwh", json()), 2).c_str(),
                num(b.value("yen", json()), 0).c_str(), num(b.value("load_kwh", json()), 2).c_str(),
                num(b.value("pv_kwh", json()), 2).c_str(),
                num(b.value("yen_no_system", json()), 0).c_str(),
                num(b.value("yen_pv_only", json()), 0).c_str());
  return rtrim(line) + "\n";
}

const char* kCsvColumns[] = {"grid_import_kwh",    "grid_export_kwh",
                             "load_kwh",           "pv_kwh",
                             "battery_charge_kwh", "battery_discharge_kwh",
                             "pv_only_import_kwh", "yen",
                             "yen_no_system",      "yen_pv_only"};

}  // namespace

std::string render_maintenance(const json& reply) {
  std::ostringstream out;
  for (const auto& item : reply.value("items", json::array())) {
    const bool due = item.value("is_due", false);
    const long long days = item.value("due_in_days", 0LL);
    out << (due ? "DUE   " : "      ") << item.value("id", "") << ": " << item.value("what", "")
        << "\n      " << item.value("interval", "") << "; last done "
        << (item["last_done"].is_string() ? item["last_done"].get<std::string>() : "(not recorded)")
        << "; " << (due ? "due since " : "due ") << item.value("due", "")
        << (due ? "" : " (in " + std::to_string(days) + " days)") << "\n";
    if (!item.value("note", "").empty()) out << "      note: " << item.value("note", "") << "\n";
  }
  return out.str();
}

std::string render_changes(const json& r) {
  std::ostringstream out;
  const json& changes = r.value("changes", json::array());
  if (changes.empty()) return "no settings change written in the last year\n";
  out << "each settings change: the 7 days before and the 7 days from it (tariff "
      << r.value("tariff", "") << ")\n";
  for (const auto& c : changes) {
    std::string params;
    for (const auto& p : c.value("params", json::array()))
      params += (params.empty() ? "" : ", ") + p.get<std::string>();
    out << "\n"
        << c.value("ts_local", "") << "  " << c.value("cause", "") << ": " << params << "\n";
    char line[160];
    std::snprintf(line, sizeof line, "  %-6s %-15s %4s %8s %15s %19s\n", "", "", "days", "yen/day",
                  "daytime grid %", "self-sufficiency %");
    out << line;
    for (const char* side : {"before", "after"}) {
      const json& w = c.value(side, json::object());
      std::snprintf(line, sizeof line, "  %-6s %-15s %4s %8s %15s %19s\n", side,
                    ("from " + w.value("from", "")).c_str(),
                    std::to_string(w.value("days_with_data", 0)).c_str(),
                    num(w.value("yen_per_day", json()), 0).c_str(),
                    num(w.value("daytime_grid_dependency_pct", json()), 1).c_str(),
                    num(w.value("self_sufficiency_pct", json()), 1).c_str());
      out << line;
    }
  }
  return out.str();
}

std::string render_report(const json& r, bool csv) {
  if (r.value("period", "") == "changes") return render_changes(r);
  std::ostringstream out;
  const json& bands = r.value("bands", json::object());
  if (csv) {
    out << "band";
    for (const char* c : kCsvColumns)
      out << "," << c;
    out << "\n";
    auto line = [&](const std::string& name, const json& b) {
      out << name;
      for (const char* c : kCsvColumns)
        out << "," << (b.contains(c) ? b[c].dump() : "");
      out << "\n";
    };
    for (const auto& [name, b] : bands.items())
      line(name, b);
    line("total", r.value("total", json::object()));
    return out.str();
  }
  out << "report " << r.value("period", "") << " " << r.value("from", "") << " to "
      << r.value("to", "") << ", tariff " << r.value("tariff", "") << "\n";
  out << r.value("days_with_data", 0) << " of " << r.value("days", 0)
      << " days with data; yen: energy charges (no basic charge)\n\n";
  out << "band     bought kWh    yen  load kWh   PV kWh  no system   PV only\n";
  for (const auto& [name, b] : bands.items())
    out << row(name, b);
  out << row("total", r.value("total", json::object()));
  out << "\nsaved    " << num(r.value("saving_vs_no_system_yen", json()), 0)
      << " yen against no system, " << num(r.value("saving_vs_pv_only_yen", json()), 0)
      << " yen against PV without battery\n";
  const json& k = r.value("kpis", json::object());
  out << "KPIs     self-sufficiency " << num(k.value("self_sufficiency_pct", json()), 1)
      << " %, self-consumption " << num(k.value("self_consumption_pct", json()), 1) << " %,\n"
      << "         daytime grid dependency "
      << num(k.value("daytime_grid_dependency_pct", json()), 1) << " %, battery "
      << num(k.value("battery_cycles", json()), 2) << " cycles\n";
  if (r.contains("bill_estimate")) {
    const json& b = r["bill_estimate"];
    double energy = 0;
    const json by_band = b.value("energy_yen", json::object());  // iterated: not a temporary
    for (const auto& [_, yen] : by_band.items())
      energy += yen.get<double>();
    out << wrap_line("bill     ",
                     num(b.value("total_yen", json()), 0) + " yen estimated: energy " +
                         num(json(energy), 0) + " + basic " + num(b.value("basic_yen", json()), 0) +
                         " + surcharges " + num(b.value("surcharge_yen", json()), 0) +
                         " + adjustments " + num(b.value("adjustment_yen", json()), 0),
                     9);
  }
  const json& unknown = r.value("unknown", json::array());
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown)
      list += (list.empty() ? "" : ", ") + u.get<std::string>();
    out << wrap_line("not in the figures (not known for the period): ", list, 9);
  }
  if (r.contains("last_year")) {
    const json& l = r["last_year"];
    out << "a year before (" << l.value("from", "") << " to " << l.value("to", "") << ", "
        << l.value("days_with_data", 0) << " days): bought "
        << num(l["total"].value("grid_import_kwh", json()), 2) << " kWh for "
        << num(l["total"].value("yen", json()), 0) << " yen\n";
  }
  const json& events = r.value("events", json::object());
  if (!events.empty()) {
    std::string list;
    for (const auto& [kind, n] : events.items())
      list += (list.empty() ? "" : ", ") + kind + " " + n.dump();
    out << wrap_line("events   ", list, 9);
  }
  return out.str();
}

}  // namespace sb::adapters
