// SPDX-License-Identifier: Apache-2.0
// `sunbridge status`: one screen that fits an 80 x 24 terminal, with what a homeowner looks at
// first; `status --all` lists every point (render.cpp).
#include <algorithm>
#include <sstream>
#include <vector>

#include "cli/point_lookup.hpp"
#include "cli/render.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::cli {

using nlohmann::json;

namespace {

constexpr std::size_t kWidth = 80;
constexpr std::size_t kMaxOpenLines = 8;  // the screen keeps 24 lines with every section shown

// One screen line: a label column, then items two spaces apart; cut to the terminal width.
std::string line(const std::string& label, const std::vector<std::string>& items) {
  std::string out = label;
  out.resize(std::max<std::size_t>(label.size(), 10), ' ');
  bool first = true;
  for (const auto& item : items) {
    if (item.empty()) continue;
    out += (first ? "" : "   ") + item;
    first = false;
  }
  out = rtrim(std::move(out));
  if (out.size() > kWidth) out = out.substr(0, kWidth - 3) + "...";
  return out + "\n";
}

std::string text_of(const PointLookup& pts, const std::string& name) {
  const Point* p = pts.ok(name);
  if (p == nullptr) return "--";
  return format_value(p->value, p->unit, p->decimals);
}

// "+890 W import", "-1062 W discharging": the sign says the direction, the word says it too.
std::string flow(const PointLookup& pts, const std::string& name, const char* positive,
                 const char* negative) {
  auto v = pts.number(name);
  if (!v) return "--";
  const std::string shown = (*v > 0 ? "+" : "") + pts.show(name, 0);
  return shown + (*v > 0.5    ? std::string(" ") + positive
                  : *v < -0.5 ? std::string(" ") + negative
                              : "");
}

// "3270 - 3291 mV": a range with its unit once.
std::string range(const PointLookup& pts, const std::string& low, const std::string& high,
                  const std::string& unit, int decimals) {
  const auto lo = pts.number(low);
  const auto hi = pts.number(high);
  if (!lo || !hi) return "--";
  return format_value(*lo, "", decimals) + " - " + format_value(*hi, unit, decimals);
}

// Checks not at "ok", protections and faults: what needs a look, one line each.
std::vector<std::string> open_items(const PointLookup& pts) {
  std::vector<std::string> out;
  for (const auto& [name, p] : pts.points) {
    const std::string suffix = ".state";
    if (name.rfind("check.", 0) != 0 || name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const auto* level = std::get_if<std::string>(&p.value);
    if (p.quality != Quality::kOk || level == nullptr || *level == "ok") continue;
    const std::string check = name.substr(6, name.size() - 6 - suffix.size());
    // The note says the check's state ("dip", "outage"); a plain "warning" is said once.
    out.push_back(check + " " + *level + (p.note.empty() || p.note == *level ? "" : ": " + p.note));
  }
  if (const Point* prot = pts.ok("bank.protection")) {
    if (const auto* list = std::get_if<TextList>(&prot->value)) {
      for (const auto& t : *list)
        out.push_back("battery protection " + t);
    }
  }
  if (const Point* faults = pts.ok("inverter.faults")) {
    if (const auto* list = std::get_if<std::vector<FaultCode>>(&faults->value)) {
      for (const auto& f : *list)
        out.push_back("inverter fault " + std::to_string(f.code) + " " + f.name + ": " + f.text);
    }
  }
  return out;
}

}  // namespace

std::string render_status_screen(const json& status) {
  std::ostringstream out;
  const json& d = status.value("daemon", json::object());
  WallTime now = std::chrono::system_clock::now();
  if (d.contains("now")) {
    if (auto t = parse_iso8601_utc(d["now"].get<std::string>())) now = *t;
  }
  const PointLookup pts(status.value("points", json::object()));
  out << line("sunbridged " + d.value("version", std::string("?")) + "   " + format_local(now) +
                  " " + d.value("timezone", std::string("")),
              {});
  out << "\n";
  out << line("Power", {"PV " + pts.show("pv.power", 0), "load " + pts.show("load.power", 0),
                        "grid " + flow(pts, "grid.power", "import", "export")});
  out << line("Battery",
              {pts.show("battery.soc"), pts.show("battery.voltage"), pts.show("battery.current"),
               flow(pts, "battery.power", "charging", "discharging")});
  if (pts.points.count("bank.soc") != 0) {
    const std::string cells = "cells " + range(pts, "bank.cell.min", "bank.cell.max", "mV", 0);
    const std::string temps = range(pts, "bank.temp.min", "bank.temp.max", "C", 1);
    const auto online = pts.number("bank.packs_online");
    out << line("Packs", {online ? std::to_string(static_cast<int>(*online)) + " online" : "--",
                          "SOC " + pts.show("bank.soc"), cells, temps});
  }
  out << line("Grid", {"L1 " + pts.show("grid.l1.voltage"), "L2 " + pts.show("grid.l2.voltage"),
                       pts.show("grid.frequency")});
  out << line("Output",
              {"L1 " + pts.show("output.l1.voltage"), "L2 " + pts.show("output.l2.voltage"),
               "load " + pts.show("load.l1.ratio") + " / " + pts.show("load.l2.ratio")});
  out << line("Inverter",
              {text_of(pts, "inverter.state"), "charging " + text_of(pts, "inverter.charge_state"),
               "heatsink " + pts.show("inverter.temp.dcac")});
  const json& link = d.value("link", json::object());
  std::vector<std::string> links = {"inverter " + link.value("state", std::string("?"))};
  if (pts.points.count("link.bms.state") != 0)
    links.push_back("battery " + text_of(pts, "link.bms.state"));
  if (pts.points.count("link.mqtt.state") != 0)
    links.push_back("cloud " + text_of(pts, "link.mqtt.state"));
  if (pts.points.count("site.clock_synced") != 0) {
    links.push_back(text_of(pts, "site.clock_synced") == "yes" ? "clock synced"
                                                               : "clock NOT synced");
  }
  out << line("Links", links);
  out << line("Profile", {text_of(pts, "profile.active")});
  out << "\n";
  const auto open = open_items(pts);
  if (open.empty()) {
    out << line("Attention", {"nothing: every check is ok"});
  } else {
    for (std::size_t i = 0; i < open.size() && i < kMaxOpenLines; ++i)
      out << line(i == 0 ? "Attention" : "", {open[i]});
    if (open.size() > kMaxOpenLines) {
      out << line("", {std::to_string(open.size() - kMaxOpenLines) +
                       " more: sunbridge checks, sunbridge events"});
    }
  }
  out << "\n" << line("", {"every value: sunbridge status --all"});
  return out.str();
}

}  // namespace sb::cli
