// SPDX-License-Identifier: Apache-2.0
#include <cmath>
#include <cstdio>
#include <sstream>

#include "cli/render.hpp"

namespace sb::cli {

using nlohmann::json;

namespace {

std::string text(const json& j, const char* key, const std::string& fallback = "-") {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  if (j[key].is_string()) return j[key].get<std::string>();
  return j[key].dump();
}

// "07=60 A 10=60 min 41=03:00 62=60 %".
std::string values_line(const json& values) {
  static const std::map<std::string, std::string> kUnits = {
      {"07", " A"}, {"10", " min"}, {"41", ""}, {"62", " %"}};
  std::string out;
  for (const auto& [lcd, v] : values.items()) {
    auto u = kUnits.find(lcd);
    std::string shown = v.is_string() ? v.get<std::string>() : v.dump();
    if (v.is_number_float() && v.get<double>() == std::floor(v.get<double>())) {
      shown = std::to_string(static_cast<long long>(v.get<double>()));  // 50.0 -> 50
    }
    out += (out.empty() ? "" : "  ") + lcd + "=" + shown + (u == kUnits.end() ? "" : u->second);
  }
  return out;
}

}  // namespace

std::string render_profile(const json& show) {
  std::ostringstream out;
  const json& sel = show.value("selection", json::object());
  out << "profile  " << text(sel, "key") << (sel.value("hold", false) ? "  (ON HOLD)" : "") << "\n";
  out << "reason   " << text(sel, "reason") << "\n";
  out << "target   " << values_line(sel.value("values", json::object())) << "\n";
  if (show.contains("inverter")) out << "inverter " << values_line(show["inverter"]) << "\n";
  out << "mode     " << text(show, "mode")
      << (show.value("apply", true) ? "" : "  (settings.apply is off: nothing is written)") << "\n";
  const json& o = show.value("overrides", json::object());
  if (o.empty()) {
    out << "override none\n";
  } else {
    if (o.contains("hold")) out << "override hold until " << text(o["hold"], "until") << "\n";
    if (o.contains("away")) {
      out << "override away " << text(o["away"], "from") << " to " << text(o["away"], "to") << "\n";
    }
    if (o.contains("pin")) {
      out << "override pin " << text(o["pin"], "profile") << "/" << text(o["pin"], "weather")
          << " until " << text(o["pin"], "until") << "\n";
    }
  }
  if (show.contains("effect")) {
    const json& e = show["effect"];
    out << "effect   from " << text(e, "from") << "  " << text(e, "key") << "  "
        << values_line(e.value("values", json::object())) << "\n";
  }
  if (show.contains("auto_decides_at")) {
    out << "next     automatic mode chooses again each evening at " << text(show, "auto_decides_at")
        << "\n";
  } else if (show.contains("next_change")) {
    const json& n = show["next_change"];
    out << "next     " << text(n, "at_local") << "  " << text(n, "key") << "  "
        << values_line(n.value("values", json::object())) << "\n";
  } else {
    out << "next     no change within a year\n";
  }
  if (show.contains("budget")) {
    const json& b = show["budget"];
    out << "writes   " << b.value("used_today", 0) << " of " << b.value("total_per_day", 0)
        << " today\n";
  }
  return out.str();
}

std::string render_plan(const json& plan) {
  std::ostringstream out;
  out << "mode " << text(plan, "mode") << ", next " << plan.value("days", 0) << " days\n";
  if (plan.contains("note")) out << text(plan, "note") << "\n";
  for (const json& c : plan.value("plan", json::array())) {
    std::string changed;
    for (const auto& id : c.value("changed", json::array())) {
      changed += (changed.empty() ? "" : ",") + id.get<std::string>();
    }
    char line[256];
    std::snprintf(line, sizeof line, "%-19s  %-28s %s", text(c, "at_local").c_str(),
                  text(c, "key").c_str(), values_line(c.value("values", json::object())).c_str());
    out << line;
    if (!changed.empty()) out << "   changes " << changed;
    if (c.value("hold", false)) out << "   (hold)";
    out << "\n";
    // Why an override changes the plan, under the line it changes ("away ...: energy saving").
    if (c.value("source", "") == "override") {
      std::string why = text(c, "reason", "");
      if (const auto colon = why.find(": "); colon != std::string::npos) why.erase(0, colon + 2);
      out << "                     override: " << why << "\n";
    }
  }
  return out.str();
}

std::string render_change(const json& change) {
  std::ostringstream out;
  const bool dry = change.value("dry_run", false);
  for (const json& s : change.value("steps", json::array())) {
    char line[256];
    const bool unchanged = text(s, "result") == "unchanged";
    std::snprintf(line, sizeof line, "%s %-3s %-7s %8s -> %-8s %s",
                  unchanged ? "keep"
                  : dry     ? "would write"
                            : "write",
                  text(s, "param").c_str(), text(s, "register").c_str(), text(s, "old").c_str(),
                  text(s, "new").c_str(), text(s, "result").c_str());
    out << line;
    if (s.contains("readback")) out << " (read back " << text(s, "readback") << ")";
    if (s.contains("error")) out << ": " << text(s, "error");
    out << "\n";
  }
  if (change.value("steps", json::array()).empty() && change.value("ok", false)) {
    out << "nothing to write: the inverter already holds these values\n";
  }
  if (!change.value("ok", false)) out << "FAILED: " << text(change, "error") << "\n";
  return out.str();
}

std::string render_audit(const json& audit) {
  std::ostringstream out;
  for (const json& r : audit.value("audit", json::array())) {
    char line[320];
    std::snprintf(line, sizeof line, "%s  #%-4s %-5s %8s -> %-8s %-8s %-14s",
                  text(r, "ts_local").c_str(), text(r, "txn").c_str(), text(r, "param").c_str(),
                  text(r, "old").c_str(), text(r, "new").c_str(), text(r, "cause").c_str(),
                  text(r, "result").c_str());
    out << line;
    if (!r["readback"].is_null()) out << " read back " << text(r, "readback");
    if (!text(r, "reason", "").empty()) out << "  " << text(r, "reason");
    out << "\n";
  }
  if (audit.value("audit", json::array()).empty()) out << "no settings changes in that period\n";
  return out.str();
}

std::string render_forecast(const json& reply) {
  std::ostringstream out;
  if (!reply.contains("forecast") || reply["forecast"].is_null()) {
    out << "no forecast (provider " << text(reply, "weather_provider", text(reply, "provider"))
        << "): the profiles use their normal rows\n";
    return out.str();
  }
  const json& f = reply["forecast"];
  out << "provider " << text(f, "provider") << ", issued " << text(f, "issued_at") << ", fetched "
      << text(f, "fetched_at") << "\n";
  for (const json& d : f.value("days", json::array())) {
    char line[160];
    std::snprintf(line, sizeof line, "%s  %-7s max %5s C  min %5s C  rain %4s %%\n",
                  text(d, "date").c_str(), text(d, "kind").c_str(), text(d, "temp_max_c").c_str(),
                  text(d, "temp_min_c").c_str(), text(d, "rain_probability_pct").c_str());
    out << line;
  }
  return out.str();
}

}  // namespace sb::cli
