// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/control_api.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "sunbridge/adapters/device_json.hpp"
#include "sunbridge/adapters/point_json.hpp"
#include "sunbridge/app/read_period.hpp"
#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/text.hpp"
#include "sunbridge/core/version.hpp"
#include "sunbridge/domain/checks/pq_report.hpp"

namespace sb::app {

using nlohmann::json;

namespace {

// The end of a read's query: reads are [since, until); what is recorded at `now` counts.
WallTime query_end(const ReadPeriod& period, WallTime now) {
  return period.until >= now ? now + std::chrono::seconds(1) : period.until;
}

const std::vector<std::string> kDefaultHistoryPoints = {
    "battery.soc", "battery.voltage", "battery.current", "battery.power",
    "pv.power",    "load.power",      "grid.power"};

// One row per timestamp, one column per point name; a note when older samples were left out.
// A tier's rows hold each bucket's mean, with its min, max and (energy counters) energy in
// rows_min, rows_max and rows_delta of the same shape.
json history_to_json(const adapters::HistoryPage& page, const std::vector<std::string>& names,
                     const json& units, WallTime since) {
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < names.size(); ++i)
    column[names[i]] = i;
  struct Row {
    json values, min, max, delta;
  };
  const bool tier = page.resolution != adapters::Resolution::kRaw;
  std::map<WallTime, Row> rows;
  auto blank = [&](WallTime ts) {
    json row = json::array({format_iso8601_utc(ts)});
    for (std::size_t i = 0; i < names.size(); ++i)
      row.push_back(nullptr);
    return row;
  };
  for (const auto& s : page.samples) {
    auto [it, inserted] = rows.try_emplace(s.ts);
    Row& row = it->second;
    if (inserted) {
      row.values = blank(s.ts);
      if (tier) row.min = row.max = row.delta = row.values;
    }
    const std::size_t c = column[s.name] + 1;
    row.values[c] = s.value ? json(*s.value) : s.text ? json(*s.text) : json(nullptr);
    if (tier && s.bucket) {
      row.min[c] = s.bucket->min;
      row.max[c] = s.bucket->max;
      if (s.bucket->delta) row.delta[c] = *s.bucket->delta;
    }
  }
  json out_rows = json::array();
  json out_min = json::array();
  json out_max = json::array();
  json out_delta = json::array();
  for (auto& [_, row] : rows) {
    out_rows.push_back(std::move(row.values));
    if (tier) {
      out_min.push_back(std::move(row.min));
      out_max.push_back(std::move(row.max));
      out_delta.push_back(std::move(row.delta));
    }
  }
  json out = {{"ok", true},
              {"names", names},
              {"units", units},
              {"resolution", adapters::to_string(page.resolution)},
              {"rows", std::move(out_rows)}};
  if (tier) {
    out["rows_min"] = std::move(out_min);
    out["rows_max"] = std::move(out_max);
    out["rows_delta"] = std::move(out_delta);
  }
  out["truncated"] = page.truncated;
  std::vector<std::string> notes;
  if (page.truncated && !page.samples.empty()) {
    const std::string first = format_iso8601_utc(page.samples.front().ts);
    out["complete_from"] = first;
    notes.push_back("only the newest " + std::string(tier ? "summaries" : "samples") + ", from " +
                    first + " on, are shown: the period asked for (from " +
                    format_iso8601_utc(since) + ") holds more than " +
                    std::to_string(page.samples.size()) +
                    " values; ask for a shorter period, fewer points or a coarser --resolution");
  }
  if (page.damaged_buckets > 0) {
    notes.push_back(std::to_string(page.damaged_buckets) +
                    " stored summaries could not be read and are left out (the database file "
                    "is damaged there)");
  }
  if (!notes.empty()) out["note"] = join(notes, "; ");
  return out;
}

}  // namespace

bool ControlApi::handle(const std::string& cmd, const json& request,
                        const adapters::IpcServer::Reply& reply) {
  if (cmd == "status") {
    reply(status());
  } else if (cmd == "params") {
    reply(params(request));
  } else if (cmd == "history") {
    history(request, reply);
  } else if (cmd == "battery") {
    reply(battery());
  } else if (cmd == "events") {
    reply(events(request));
  } else if (cmd == "checks" && ctx_.checks) {
    reply(checks());
  } else if (cmd == "pq") {
    reply(pq(request));
  } else if (cmd == "report" && ctx_.tariff) {
    reply(report(request));
  } else if (cmd == "plot" && ctx_.tariff) {
    plot(request, reply);
  } else {
    return false;
  }
  return true;
}

json ControlApi::status() const {
  const WallTime now = ctx_.clock.wall_now();
  const DaemonFacts f = ctx_.facts();
  json j;
  j["ok"] = true;
  j["daemon"] = {{"version", sb::version()},
                 {"revision", sb::revision()},
                 {"pid", ::getpid()},
                 {"started", format_iso8601_utc(f.started)},
                 {"now", format_iso8601_utc(now)},
                 {"timezone", ctx_.config.site.timezone},
                 {"port", f.port},
                 {"link",
                  {{"state", device::to_string(f.link_state)},
                   {"stats", adapters::link_stats_to_json(f.link_stats)}}}};
  j["daemon"]["bms"] = f.bms;
  j["points"] = adapters::points_to_json(ctx_.points.snapshot(now));
  return j;
}

json ControlApi::checks() const {
  json list = json::array();
  for (const auto& s : ctx_.checks->statuses()) {
    json j = {{"name", s.name},
              {"level", s.known ? domain::checks::to_string(s.level) : "unknown"},
              {"state", s.state},
              {"unit", s.unit},
              {"threshold", s.threshold}};
    j["value"] = s.value ? json(*s.value) : json(nullptr);
    j["since"] = s.since ? json(format_iso8601_utc(*s.since)) : json(nullptr);
    list.push_back(std::move(j));
  }
  return {{"ok", true}, {"checks", list}};
}

json ControlApi::battery() const {
  const WallTime now = ctx_.clock.wall_now();
  std::vector<Point> points;
  for (auto& p : ctx_.points.snapshot(now)) {
    if (p.name.rfind("bank.", 0) == 0 || p.name.rfind("pack.", 0) == 0 ||
        p.name == "link.bms.state" || p.name == "battery.soc" || p.name == "battery.voltage") {
      points.push_back(std::move(p));
    }
  }
  json packs = json::array();
  for (int a : ctx_.config.bms.options.addresses)
    packs.push_back(a);
  return {{"ok", true},
          {"bms", ctx_.facts().bms},
          {"packs", packs},
          {"cells", ctx_.config.bms.options.cells},
          {"points", adapters::points_to_json(points)}};
}

json ControlApi::events(const json& request) const {
  const WallTime now = ctx_.clock.wall_now();
  auto period = read_period(request, now, std::chrono::hours(24), std::chrono::hours(24 * 366));
  if (!period) return {{"ok", false}, {"error", period.error().detail}};
  auto events = ctx_.history.query_events(period->since, query_end(*period, now));
  if (!events) return {{"ok", false}, {"error", events.error().describe()}};
  json list = json::array();
  for (const auto& e : *events) {
    list.push_back({{"ts", format_iso8601_utc(e.ts)},
                    {"kind", e.kind},
                    {"severity", to_string(e.severity)},
                    {"message", e.message},
                    {"details", e.details}});
  }
  return {{"ok", true}, {"events", list}};
}

json ControlApi::pq(const json& request) const {
  const WallTime now = ctx_.clock.wall_now();
  auto period =
      read_period(request, now, std::chrono::hours(24 * 7), std::chrono::hours(24 * 1098));
  if (!period) return {{"ok", false}, {"error", period.error().detail}};
  const WallTime since = period->since;
  const WallTime end = query_end(*period, now);
  auto intervals = ctx_.history.query_pq_intervals(since, end);
  if (!intervals) return {{"ok", false}, {"error", intervals.error().describe()}};
  auto events = ctx_.history.query_events(since, end);
  if (!events) return {{"ok", false}, {"error", events.error().describe()}};
  const auto report = domain::checks::pq_report(*intervals, *events);
  json legs = json::array();
  for (const auto& l : report.legs) {
    const auto band = domain::checks::band_of(ctx_.config.checks.band, l.leg);
    json j = {{"leg", l.leg},
              {"band_low_v", band.nominal_v - band.tolerance_v},
              {"band_high_v", band.nominal_v + band.tolerance_v},
              {"intervals", l.intervals},
              {"judged", l.judged()},
              {"within", l.within},
              {"flagged", l.flagged}};
    j["within_pct"] = l.within_pct() ? json(*l.within_pct()) : json(nullptr);
    j["min_v"] = l.min_v ? json(*l.min_v) : json(nullptr);
    j["max_v"] = l.max_v ? json(*l.max_v) : json(nullptr);
    legs.push_back(std::move(j));
  }
  return {{"ok", true},
          {"since", format_iso8601_utc(since)},
          {"until", format_iso8601_utc(std::min(period->until, now))},
          {"interval_min", 10},
          {"legs", legs},
          {"events", report.events},
          {"outages",
           {{"short", report.outages_short},
            {"long", report.outages_long},
            {"total_s", report.outage_s}}},
          {"method", "polled RMS readings (every poll interval), 10-minute means"},
          {"not_observable",
           "events shorter than a poll interval, harmonics (THD) and flicker: the inverter "
           "reports RMS values seconds apart"}};
}

json ControlApi::params(const json& request) const {
  std::vector<const protocol::RegisterRow*> rows;
  std::vector<std::string> unknown;
  if (request.contains("ids") && !request["ids"].empty()) {
    for (const auto& id : request["ids"]) {
      std::string text = id.is_string() ? id.get<std::string>() : id.dump();
      const auto* row = ctx_.map.find_lcd(text);
      if (row == nullptr) {
        unknown.push_back(text);
      } else {
        rows.push_back(row);
      }
    }
  } else {
    rows = ctx_.map.settings_by_lcd();
  }
  if (!unknown.empty()) {
    return {{"ok", false}, {"error", "unknown LCD parameter(s): " + join(unknown, ", ")}};
  }
  const WallTime now = ctx_.clock.wall_now();
  json params = json::array();
  for (const auto* row : rows) {
    auto p = ctx_.points.get(row->name, now);
    Point point = p ? *p : Point{row->name, {}, row->unit, Quality::kInvalid, {}, "not yet read"};
    params.push_back({{"id", row->lcd},
                      {"name", row->name},
                      {"label", row->label},
                      {"register", protocol::format_address(row->address)},
                      {"confidence", std::string(1, row->confidence)},
                      {"point", adapters::point_to_json(point)}});
  }
  return {{"ok", true}, {"params", params}};
}

void ControlApi::history(const json& request, const adapters::IpcServer::Reply& reply) {
  const WallTime now = ctx_.clock.wall_now();
  // The daily summaries are kept for good: ten years back at most.
  auto period = read_period(request, now, std::chrono::hours(1), std::chrono::hours(24 * 3653));
  if (!period) return reply({{"ok", false}, {"error", period.error().detail}});
  std::vector<std::string> names = kDefaultHistoryPoints;
  if (request.contains("points") && !request["points"].empty()) {
    names = request["points"].get<std::vector<std::string>>();
  }
  // What is still in memory goes to the database first, so the reader sees it.
  if (Status s = ctx_.history.flush(); !s) {
    return reply({{"ok", false}, {"error", "history not available: " + s.error().describe()}});
  }
  const WallTime since = period->since;
  json units = json::array();
  json decimals = json::array();
  for (const auto& name : names) {
    auto p = ctx_.points.get(name, now);
    units.push_back(p ? p->unit : "");
    decimals.push_back(p ? p->decimals : -1);
  }
  // Every name the daemon knows now (the register map's and what is in the point store); the
  // reader adds every name ever recorded. Anything else is a misspelling, said as such.
  std::set<std::string> known;
  for (const auto& row : ctx_.map.rows())
    known.insert(row.name);
  for (const auto& d : ctx_.map.derived())
    known.insert(d.name);
  for (const auto& p : ctx_.points.snapshot(now))
    known.insert(p.name);
  const std::size_t max_rows =
      std::min(request.value("max_rows", kMaxHistoryRows), kMaxHistoryRows);
  const WallTime until = query_end(*period, now);
  const std::string asked = request.value("resolution", "auto");
  auto resolution = adapters::parse_resolution(asked);
  if (!resolution) {
    return reply({{"ok", false},
                  {"error", "unknown resolution '" + asked + "' (auto, raw, 1m, 15m or 1d)"}});
  }
  if (*resolution == adapters::Resolution::kAuto) {
    resolution = adapters::choose_resolution(
        adapters::TierPolicy{ctx_.config.storage.retention, ctx_.config.storage.sample_interval},
        since, until, now, names.size(), max_rows);
  }
  ctx_.history_reader.query(
      since, until, names, max_rows,
      [reply, names, units = std::move(units), decimals = std::move(decimals),
       since](Result<adapters::HistoryPage> page) {
        if (!page) {
          const Error& e = page.error();
          return reply(
              {{"ok", false}, {"error", e.kind == ErrorKind::kInvalid ? e.detail : e.describe()}});
        }
        json out = history_to_json(*page, names, units, since);
        out["decimals"] = decimals;
        reply(out);
      },
      std::move(known), *resolution);
}

}  // namespace sb::app
