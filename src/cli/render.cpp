// SPDX-License-Identifier: Apache-2.0
#include "cli/render.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include "cli/point_lookup.hpp"
#include "sunbridge/adapters/point_json.hpp"
#include "sunbridge/core/local_time.hpp"

namespace sb::cli {

using nlohmann::json;

namespace {

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

std::string age_text(WallTime ts, WallTime now) {
  if (ts.time_since_epoch().count() == 0) return "";
  auto s = std::chrono::duration_cast<std::chrono::seconds>(now - ts).count();
  if (s < 0) s = 0;
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  return std::to_string(s / 3600) + " h";
}

// The value column: current values as they are; stale ones marked with their last value.
std::string value_text(const Point& p) {
  if (p.quality == Quality::kOk) return format_value(p.value, p.unit, p.decimals);
  if (p.quality == Quality::kStale && has_value(p.value)) {
    return "-- (stale, last " + format_value(p.value, p.unit, p.decimals) + ")";
  }
  return "-- (" + std::string(to_string(p.quality)) + ")";
}

std::string group_of(const std::string& name) {
  return name.substr(0, name.find('.'));
}

// Numbers right-aligned in their column so that their units line up; text as it is.
std::string aligned_value(const Point& p) {
  const double* v = std::get_if<double>(&p.value);
  if (p.quality != Quality::kOk || v == nullptr) return value_text(p);
  std::string n = format_value(*v, "", p.decimals);
  if (n.size() < 10) n.insert(0, 10 - n.size(), ' ');
  return p.unit.empty() ? n : n + " " + p.unit;  // "%" too: every unit in one column
}

}  // namespace

std::string render_status(const json& status) {
  std::ostringstream out;
  const json& d = status.value("daemon", json::object());
  WallTime now = std::chrono::system_clock::now();
  if (d.contains("now")) {
    if (auto t = parse_iso8601_utc(d["now"].get<std::string>())) now = *t;
  }
  out << "sunbridged " << d.value("version", "?") << "   " << format_local(now) << " "
      << d.value("timezone", "") << "\n"
      << "link " << d.value("link", json::object()).value("state", "?") << "  "
      << d.value("port", "") << "\n";
  const auto points = adapters::points_from_json(status.value("points", json::object()));
  // Settings are `params get`'s, single packs `battery`'s; the bank stays here.
  auto shown = [](const Point& p) {
    return p.name.rfind("setting.", 0) != 0 && p.name.rfind("pack.", 0) != 0;
  };
  std::size_t name_width = 0;
  for (const Point& p : points) {
    if (shown(p)) name_width = std::max(name_width, p.name.size() + 1);
  }
  std::string last_group;
  for (const Point& p : points) {
    if (!shown(p)) continue;
    std::string group = group_of(p.name);
    if (group != last_group) {
      out << "\n";
      last_group = group;
    }
    const std::string note = p.quality == Quality::kOk ? "" : p.note;
    const std::string row =
        "  " + pad(p.name, name_width) + pad(aligned_value(p), 24) + pad(age_text(p.ts, now), 7);
    if (row.size() + note.size() <= 80) {
      out << rtrim(row + note) << "\n";
    } else {
      out << rtrim(row) << "\n" << wrap_line("      ", note, 6);  // the why, below its value
    }
  }
  return out.str();
}

std::string render_params(const json& reply) {
  std::ostringstream out;
  for (const auto& param : reply.value("params", json::array())) {
    Point p =
        adapters::point_from_json(param.value("name", ""), param.value("point", json::object()));
    p.decimals = -1;  // as the LCD shows a setting: "07 60 A", "09 57.6 V"
    std::string id = param.value("id", "??");
    out << id << " " << pad(value_text(p), 14) << param.value("label", "") << " ["
        << param.value("register", "") << "]";
    if (p.quality != Quality::kOk && !p.note.empty()) out << "  " << p.note;
    out << "\n";
  }
  return out.str();
}

std::string render_history(const json& history, bool csv) {
  std::ostringstream out;
  const auto names = history.value("names", std::vector<std::string>{});
  const auto units = history.value("units", std::vector<std::string>{});
  // The table shows each point with its display precision; CSV keeps every digit recorded.
  const auto decimals = history.value("decimals", std::vector<int>{});
  auto cell = [&](const json& v, std::size_t column = 0) -> std::string {
    if (v.is_null()) return "";
    if (v.is_number()) {
      const int d = !csv && column > 0 && column - 1 < decimals.size() ? decimals[column - 1] : -1;
      return format_value(v.get<double>(), "", d);
    }
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
  };
  // A tier's rows are bucket means; CSV adds each point's min and max (and an energy
  // counter's energy in the bucket) beside it.
  const bool tier = history.contains("rows_min");
  const json empty = json::array();
  const json& rows = history.contains("rows") ? history["rows"] : empty;
  const json& rows_min = tier ? history["rows_min"] : empty;
  const json& rows_max = tier ? history["rows_max"] : empty;
  const json& rows_delta = tier ? history["rows_delta"] : empty;
  if (csv) {
    auto quoted = [](std::string c) {
      if (c.find_first_of(",\"\n") == std::string::npos) return c;
      std::string q = "\"";
      for (char ch : c)
        q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      return q + "\"";
    };
    // Which points have an energy column: those with a delta in any row.
    std::vector<bool> has_delta(names.size(), false);
    for (const auto& row : rows_delta) {
      for (std::size_t i = 1; i < row.size() && i - 1 < names.size(); ++i)
        if (!row[i].is_null()) has_delta[i - 1] = true;
    }
    out << (tier ? "start" : "ts");
    for (std::size_t i = 0; i < names.size(); ++i) {
      out << "," << names[i];
      if (tier) out << "," << names[i] << ".min," << names[i] << ".max";
      if (has_delta[i]) out << "," << names[i] << ".delta";
    }
    out << "\n";
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const json& row = rows[r];
      out << quoted(cell(row[0]));
      for (std::size_t i = 1; i < row.size(); ++i) {
        out << "," << quoted(cell(row[i]));
        if (!tier) continue;
        out << "," << cell(rows_min.at(r).at(i)) << "," << cell(rows_max.at(r).at(i));
        if (has_delta[i - 1]) out << "," << cell(rows_delta.at(r).at(i));
      }
      out << "\n";
    }
    return out.str();
  }
  if (tier) {
    const std::string r = history.value("resolution", "");
    out << (r == "1m"    ? "1-minute"
            : r == "15m" ? "15-minute"
                         : "daily")
        << " means (bucket start; min and max with --csv or --json)\n";
  }
  out << pad("time", 20);
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string head =
        names[i] + (i < units.size() && !units[i].empty() ? " [" + units[i] + "]" : "");
    out << pad(head, std::max<std::size_t>(12, head.size() + 1));
  }
  out << "\n";
  for (const auto& row : history.value("rows", json::array())) {
    auto ts = parse_iso8601_utc(row[0].get<std::string>());
    out << pad(ts ? format_local(*ts) : row[0].get<std::string>(), 20);
    for (std::size_t i = 1; i < row.size(); ++i) {
      std::string head =
          names[i - 1] +
          (i - 1 < units.size() && !units[i - 1].empty() ? " [" + units[i - 1] + "]" : "");
      out << pad(cell(row[i], i), std::max<std::size_t>(12, head.size() + 1));
    }
    out << "\n";
  }
  if (history.value("rows", json::array()).empty()) out << "(no samples in this period)\n";
  return out.str();
}

std::string render_battery(const json& battery, bool cells) {
  std::ostringstream out;
  const PointLookup pts(battery.value("points", json::object()));
  const json& bms = battery.value("bms", json::object());
  out << "BMS " << bms.value("mode", "none");
  if (bms.contains("port")) out << " via " << bms.value("port", "");
  out << ", link " << pts.show("link.bms.state") << "\n";
  out << "bank    SOC " << pts.show("bank.soc", 1) << "  " << pts.show("bank.voltage", 2) << "  "
      << pts.show("bank.current", 1) << " (" << pts.show("bank.power", 0) << ")  remaining "
      << pts.show("bank.remaining", 1) << " of " << pts.show("bank.full", 1) << "\n";
  out << "        cells " << pts.show("bank.cell.min") << " (" << pts.show("bank.cell.min_at")
      << ") to " << pts.show("bank.cell.max") << " (" << pts.show("bank.cell.max_at")
      << "), spread " << pts.show("bank.cell.spread") << "; temperatures "
      << pts.show("bank.temp.min") << " to " << pts.show("bank.temp.max") << "\n";
  out << "        packs online " << pts.show("bank.packs_online") << "; protection "
      << pts.show("bank.protection") << "\n";
  out << "inverter SOC " << pts.show("battery.soc") << "  " << pts.show("battery.voltage")
      << "\n\n";
  out << "PACK LINK      SOC     VOLTAGE   CURRENT   CYCLES  CELLS (mV)   TEMP (C)     ALARMS\n";
  const auto packs = battery.value("packs", std::vector<int>{});
  const int ncells = battery.value("cells", 16);
  double bank_min = 1e9, bank_max = -1e9;
  for (int p : packs) {
    for (int c = 1; c <= ncells; ++c) {
      if (auto v = pts.number("pack." + std::to_string(p) + ".cell." + std::to_string(c))) {
        bank_min = std::min(bank_min, *v);
        bank_max = std::max(bank_max, *v);
      }
    }
  }
  for (int p : packs) {
    const std::string n = "pack." + std::to_string(p) + ".";
    double lo = 1e9, hi = -1e9, tlo = 1e9, thi = -1e9;
    for (int c = 1; c <= ncells; ++c) {
      if (auto v = pts.number(n + "cell." + std::to_string(c)))
        lo = std::min(lo, *v), hi = std::max(hi, *v);
    }
    for (int t = 1; t <= 4; ++t) {
      if (auto v = pts.number(n + "temp." + std::to_string(t)))
        tlo = std::min(tlo, *v), thi = std::max(thi, *v);
    }
    const std::string cell_range =
        lo <= hi ? format_value(lo, "") + "-" + format_value(hi, "") : "--";
    const std::string temp_range =
        tlo <= thi ? format_value(tlo, "") + "-" + format_value(thi, "") : "--";
    out << pad(std::to_string(p), 5) << pad(pts.show(n + "link"), 10)
        << pad(pts.show(n + "soc", 1), 8) << pad(pts.show(n + "voltage", 2), 10)
        << pad(pts.show(n + "current", 2), 10) << pad(pts.show(n + "cycles"), 8)
        << pad(cell_range, 13) << pad(temp_range, 13) << pts.show(n + "alarms") << "\n";
  }
  if (!cells) return out.str();
  out << "\ncells (mV): v lowest and ^ highest of the pack, * lowest or highest of the bank\n     ";
  for (int c = 1; c <= ncells; ++c)
    out << pad("c" + std::to_string(c), 7);
  out << "\n";
  for (int p : packs) {
    const std::string n = "pack." + std::to_string(p) + ".cell.";
    double lo = 1e9, hi = -1e9;
    for (int c = 1; c <= ncells; ++c) {
      if (auto v = pts.number(n + std::to_string(c))) lo = std::min(lo, *v), hi = std::max(hi, *v);
    }
    out << pad("p" + std::to_string(p), 5);
    for (int c = 1; c <= ncells; ++c) {
      auto v = pts.number(n + std::to_string(c));
      std::string cell = v ? format_value(*v, "") : "--";
      if (v && (*v == bank_min || *v == bank_max)) cell += "*";
      if (v && *v == lo) cell += "v";
      if (v && *v == hi && hi != lo) cell += "^";
      out << pad(cell, 7);
    }
    out << "\n";
  }
  return out.str();
}

std::string render_checks(const json& reply) {
  std::ostringstream out;
  out << pad("CHECK", 24) << pad("LEVEL", 10) << pad("VALUE", 14) << "SINCE\n";
  for (const auto& c : reply.value("checks", json::array())) {
    std::string value = "--";
    if (c["value"].is_number()) {
      value = format_value(c["value"].get<double>(), "") + " " + c.value("unit", "");
    }
    std::string since = "--";
    if (c["since"].is_string()) {
      auto t = parse_iso8601_utc(c["since"].get<std::string>());
      since = t ? format_local(*t) : c["since"].get<std::string>();
    }
    out << pad(c.value("name", ""), 24) << pad(c.value("level", ""), 10) << pad(value, 14) << since
        << "\n"
        << "  " << c.value("state", "") << "; limit: " << c.value("threshold", "") << "\n";
  }
  return out.str();
}

std::string render_pq(const json& reply) {
  std::ostringstream out;
  auto when = [](const json& v) {
    auto t = parse_iso8601_utc(v.is_string() ? v.get<std::string>() : "");
    return t ? format_local(*t) : std::string("--");
  };
  auto volts = [](const json& v) {
    return v.is_number() ? format_value(v.get<double>(), "V", 1) : std::string("--");
  };
  out << "Supply quality " << when(reply["since"]) << " to " << when(reply["until"]) << "\n\n";
  out << pad("LEG", 8) << pad("BAND", 16) << pad("WITHIN", 10) << pad("10-MIN", 8)
      << pad("FLAGGED", 9) << pad("MIN", 9) << "MAX\n";
  for (const auto& l : reply.value("legs", json::array())) {
    const std::string band = format_value(l.value("band_low_v", 0.0), "", 0) + "-" +
                             format_value(l.value("band_high_v", 0.0), "V", 0);
    const std::string within = l["within_pct"].is_number()
                                   ? format_value(l["within_pct"].get<double>(), "%", 1)
                                   : std::string("--");
    out << pad(l.value("leg", ""), 8) << pad(band, 16) << pad(within, 10)
        << pad(std::to_string(l.value("judged", 0)), 8)
        << pad(std::to_string(l.value("flagged", 0)), 9) << pad(volts(l["min_v"]), 9)
        << volts(l["max_v"]) << "\n";
  }
  const json& e = reply.value("events", json::object());
  out << "\nEvents: " << e.value("dip", 0) << " dips, " << e.value("swell", 0) << " swells, "
      << e.value("interruption", 0) << " interruptions, " << e.value("frequency", 0)
      << " frequency excursions, " << e.value("band", 0) << " out-of-band spells\n";
  const json& o = reply.value("outages", json::object());
  out << "Outages: " << o.value("short", 0) << " short (under 3 min), " << o.value("long", 0)
      << " long, " << format_value(o.value("total_s", 0.0) / 60.0, "min", 1) << " in all\n";
  out << "\nMeasured from " << reply.value("method", "")
      << ".\nNot observable: " << reply.value("not_observable", "") << ".\n";
  return out.str();
}

std::string render_events(const json& reply) {
  std::ostringstream out;
  const auto& events = reply.value("events", json::array());
  for (const auto& e : events) {
    auto ts = parse_iso8601_utc(e.value("ts", ""));
    out << (ts ? format_local(*ts) : e.value("ts", "")) << "  " << pad(e.value("severity", ""), 9)
        << pad(e.value("kind", ""), 26) << e.value("message", "") << "\n";
  }
  if (events.empty()) out << "(no events in this period)\n";
  return out.str();
}

std::string render_doctor(const json& doctor) {
  std::ostringstream out;
  for (const auto& line : doctor.value("checks", json::array())) {
    out << wrap_line(line.value("ok", false) ? "  ok    " : "  FAIL  ", line.value("text", ""), 8);
  }
  const json& s = doctor.value("survey", json::object());
  if (s.empty()) return out.str();
  auto value_text = [](const json& r) {
    return r.contains("error") ? "-- (" + r.value("error", "") + ")"
           : r["value"].is_null()
               ? std::string("--")
               : format_value(adapters::value_from_json(r["value"]), r.value("unit", ""));
  };
  // The value column as wide as its widest entry up to a limit, so the meanings stay in one
  // column on an 80-column terminal; a longer value (an error text) puts its meaning on the
  // next line, in that column, and a long meaning continues there too.
  constexpr std::size_t kRawWidth = 12, kMaxValueWidth = 21;
  std::size_t value_width = 12;
  for (const char* part : {"identity", "verification"}) {
    for (const auto& r : s.value(part, json::array()))
      value_width = std::max(value_width, std::min(value_text(r).size() + 2, kMaxValueWidth));
  }
  auto reading = [&out, &value_text, value_width](const json& r, bool lcd) {
    const std::string value = value_text(r);
    std::string raw;
    for (const auto& w : r.value("raw", json::array())) {
      if (!raw.empty()) raw += " ";
      raw += std::to_string(w.get<int>());
    }
    if (raw.size() > kRawWidth - 1) raw = raw.substr(0, kRawWidth - 4) + "...";
    std::string head = "  " + (lcd ? pad(r.value("lcd", ""), 4) : "") +
                       pad(r.value("register", ""), 8) + pad(raw, kRawWidth);
    const std::size_t meaning_column = head.size() + value_width;
    const std::string meaning =
        r.value("label", "") +
        (r.value("confidence", "C") != "C" ? " (" + r.value("confidence", "") + ")" : "");
    if (value.size() + 2 > value_width) {
      out << rtrim(head + value) << "\n"
          << wrap_line(std::string(meaning_column, ' '), meaning, meaning_column);
    } else {
      out << wrap_line(head + pad(value, value_width), meaning, meaning_column);
    }
    if (r.contains("note")) out << wrap_line("        -> ", r.value("note", ""), 11);
  };
  out << "\nidentity (" << s.value("port", "") << "):\n";
  out << "  " << pad("REG", 8) << pad("RAW", kRawWidth) << pad("VALUE", value_width) << "MEANING\n";
  for (const auto& r : s.value("identity", json::array()))
    reading(r, false);
  out << "\non-site verification: compare each value with the inverter's LCD\n"
      << "  (D) = documented by the maker only, (I) = inferred: check those first\n";
  out << "  " << pad("LCD", 4) << pad("REG", 8) << pad("RAW", kRawWidth)
      << pad("VALUE", value_width) << "PARAMETER\n";
  for (const auto& r : s.value("verification", json::array()))
    reading(r, true);
  const json& st = s.value("stats", json::object());
  out << "\nlink: " << st.value("transactions", 0) << " transactions, " << st.value("retries", 0)
      << " retries, " << st.value("timeouts", 0) << " timeouts, " << st.value("crc_errors", 0)
      << " CRC errors, " << st.value("exceptions", 0) << " exceptions\n";
  const json& bms = doctor.value("bms", json::object());
  if (bms.value("mode", "none") != "none") {
    out << "\nBMS " << bms.value("mode", "") << " via " << bms.value("port", "") << "\n";
    const json& c = bms.value("counters", json::object());
    std::ostringstream counters;
    counters << c.value("bytes", 0) << " bytes, " << c.value("ascii_frames", 0) << " ASCII and "
             << c.value("rtu_frames", 0) << " RTU frames; garbage " << c.value("garbage_bytes", 0)
             << " bytes, bad checksums " << c.value("bad_checksums", 0) << ", malformed "
             << c.value("malformed", 0) << ", truncated " << c.value("truncated", 0)
             << "; requests " << c.value("requests", 0) << ", timeouts " << c.value("timeouts", 0)
             << ", refused " << c.value("refused", 0);
    out << wrap_line("  ", counters.str(), 2);
  }
  return out.str();
}

}  // namespace sb::cli
