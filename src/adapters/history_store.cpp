// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/history_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/migrations.hpp"
#include "sunbridge/core/text.hpp"

namespace sb::adapters {

namespace {

std::string text_of(const PointValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (std::holds_alternative<std::vector<FaultCode>>(v) || std::holds_alternative<TextList>(v)) {
    return format_value(v, "");
  }
  return {};
}

}  // namespace

HistoryStore::HistoryStore(const std::string& path) : db_(path) {
  // WAL: readers (the CLI's history query through the daemon) never block the writer, and a
  // commit appends instead of rewriting pages. NORMAL sync is durable except for the last
  // commits on power loss, which is acceptable for history.
  if (Status s = db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !s) {
    throw std::runtime_error(s.error().describe());
  }
  if (Status s = migrate(db_); !s) throw std::runtime_error(s.error().describe());
}

void HistoryStore::record(const std::vector<Point>& points, WallTime ts) {
  const std::int64_t ms = unix_ms(ts);
  for (const Point& p : points) {
    if (p.quality != Quality::kOk) continue;
    if (const double* d = std::get_if<double>(&p.value)) {
      pending_.push_back({ms, p.name, p.unit, *d, std::nullopt});
    } else if (has_value(p.value)) {
      std::string text = text_of(p.value);
      auto& last = last_text_[p.name];
      if (last == text) continue;
      last = text;
      pending_.push_back({ms, p.name, p.unit, std::nullopt, text});
    }
  }
}

Result<std::int64_t> HistoryStore::point_id(const std::string& name, const std::string& unit) {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  auto ins = db_.prepare("INSERT OR IGNORE INTO point_names(name, unit) VALUES (?, ?)");
  if (!ins) return ins.error();
  if (Status s = ins->bind(1, name).bind(2, unit).run(); !s) return s.error();
  auto sel = db_.prepare("SELECT id FROM point_names WHERE name = ?");
  if (!sel) return sel.error();
  sel->bind(1, name);
  auto row = sel->step();
  if (!row) return row.error();
  if (!*row) return Error::io(0, "point id missing for " + name);
  std::int64_t id = sel->column_int(0);
  ids_[name] = id;
  return id;
}

Status HistoryStore::flush() {
  if (pending_.empty()) return {};
  if (Status s = db_.exec("BEGIN"); !s) return s;
  auto ins = db_.prepare(
      "INSERT OR REPLACE INTO samples(ts_ms, point_id, value, text) VALUES (?, ?, ?, ?)");
  if (!ins) {
    (void)db_.exec("ROLLBACK");
    return ins.error();
  }
  for (const Row& r : pending_) {
    auto id = point_id(r.name, r.unit);
    if (!id) {
      (void)db_.exec("ROLLBACK");
      return id.error();
    }
    ins->bind(1, r.ts_ms).bind(2, *id);
    if (r.value) {
      ins->bind(3, *r.value);
    } else {
      ins->bind_null(3);
    }
    if (r.text) {
      ins->bind(4, std::string_view(*r.text));
    } else {
      ins->bind_null(4);
    }
    if (Status s = ins->run(); !s) {
      (void)db_.exec("ROLLBACK");
      return s;
    }
  }
  if (Status s = db_.exec("COMMIT"); !s) {
    (void)db_.exec("ROLLBACK");
    return s;
  }
  pending_.clear();
  return {};
}

Result<HistoryPage> query_history(SqliteDb& db, WallTime since, WallTime until,
                                  const std::vector<std::string>& names, std::size_t max_rows,
                                  const std::set<std::string>* known_now) {
  if (known_now != nullptr && !names.empty()) {
    std::set<std::string> known = *known_now;
    auto st = db.prepare("SELECT name FROM point_names");
    if (!st) return st.error();
    for (;;) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      known.insert(st->column_text(0));
    }
    for (const auto& name : names) {
      if (known.count(name) != 0) continue;
      const std::string best = closest(name, known);
      return Error::invalid("unknown point '" + name + "'" +
                            (best.empty() ? std::string() : " (did you mean '" + best + "'?)"));
    }
  }
  // Newest first, one row more than asked: that extra row tells whether older ones were left out.
  std::string sql =
      "SELECT s.ts_ms, p.name, s.value, s.text FROM samples s JOIN point_names p ON p.id = "
      "s.point_id WHERE s.ts_ms >= ? AND s.ts_ms < ?";
  if (!names.empty()) {
    sql += " AND p.name IN (";
    for (std::size_t i = 0; i < names.size(); ++i)
      sql += i == 0 ? "?" : ", ?";
    sql += ")";
  }
  sql += " ORDER BY s.ts_ms DESC, p.name DESC LIMIT ?";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  st->bind(1, unix_ms(since)).bind(2, unix_ms(until));
  int index = 3;
  for (const auto& name : names)
    st->bind(index++, std::string_view(name));
  st->bind(index, static_cast<std::int64_t>(max_rows) + 1);
  HistoryPage page;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    HistorySample h;
    h.ts = WallTime(std::chrono::milliseconds(st->column_int(0)));
    h.name = st->column_text(1);
    if (!st->column_is_null(2)) h.value = st->column_double(2);
    if (!st->column_is_null(3)) h.text = st->column_text(3);
    page.samples.push_back(std::move(h));
  }
  if (page.samples.size() > max_rows) {
    // The oldest timestamp may be cut in two: leave it out whole.
    page.truncated = true;
    const WallTime cut = page.samples.back().ts;
    while (!page.samples.empty() && page.samples.back().ts == cut)
      page.samples.pop_back();
  }
  std::reverse(page.samples.begin(), page.samples.end());
  return page;
}

Result<std::vector<HistorySample>> HistoryStore::query(WallTime since, WallTime until,
                                                       const std::vector<std::string>& names) {
  auto page = query_history(db_, since, until, names, std::numeric_limits<std::int32_t>::max());
  if (!page) return page.error();
  return std::move(page->samples);
}

Status HistoryStore::record_event(const Event& e) {
  auto st = db_.prepare(
      "INSERT INTO events(ts_ms, kind, severity, message, details) VALUES (?, ?, ?, ?, ?)");
  if (!st) return st.error();
  nlohmann::json details = e.details;
  st->bind(1, unix_ms(e.ts))
      .bind(2, std::string_view(e.kind))
      .bind(3, std::string_view(to_string(e.severity)))
      .bind(4, std::string_view(e.message))
      .bind(5, std::string_view(details.dump()));
  Status s = st->run();
  if (s && observer_) observer_(e);
  return s;
}

Result<std::vector<Event>> HistoryStore::query_events(WallTime since, WallTime until) {
  auto st = db_.prepare(
      "SELECT ts_ms, kind, severity, message, details FROM events WHERE ts_ms >= ? AND ts_ms < ? "
      "ORDER BY ts_ms, id LIMIT 10000");
  if (!st) return st.error();
  st->bind(1, unix_ms(since)).bind(2, unix_ms(until));
  std::vector<Event> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    Event e;
    e.ts = WallTime(std::chrono::milliseconds(st->column_int(0)));
    e.kind = st->column_text(1);
    const std::string severity = st->column_text(2);
    e.severity = severity == "critical"  ? Severity::kCritical
                 : severity == "warning" ? Severity::kWarning
                                         : Severity::kInfo;
    e.message = st->column_text(3);
    auto details = nlohmann::json::parse(st->column_text(4), nullptr, false);
    if (details.is_object()) {
      for (const auto& [k, v] : details.items()) {
        if (v.is_string()) e.details[k] = v.get<std::string>();
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

Status HistoryStore::record_pq_interval(const domain::checks::PqInterval& iv) {
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO pq_intervals(start_ms, leg, mean_v, min_v, max_v, samples, flagged, "
      "within) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  st->bind(1, unix_ms(iv.start))
      .bind(2, std::string_view(iv.leg))
      .bind(3, iv.mean_v)
      .bind(4, iv.min_v)
      .bind(5, iv.max_v)
      .bind(6, static_cast<std::int64_t>(iv.samples))
      .bind(7, static_cast<std::int64_t>(iv.flagged ? 1 : 0))
      .bind(8, static_cast<std::int64_t>(iv.within ? 1 : 0));
  return st->run();
}

Result<std::vector<domain::checks::PqInterval>> HistoryStore::query_pq_intervals(WallTime since,
                                                                                 WallTime until) {
  auto st = db_.prepare(
      "SELECT start_ms, leg, mean_v, min_v, max_v, samples, flagged, within FROM pq_intervals "
      "WHERE start_ms >= ? AND start_ms < ? ORDER BY start_ms, leg");
  if (!st) return st.error();
  st->bind(1, unix_ms(since)).bind(2, unix_ms(until));
  std::vector<domain::checks::PqInterval> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({WallTime(std::chrono::milliseconds(st->column_int(0))), st->column_text(1),
                   st->column_double(2), st->column_double(3), st->column_double(4),
                   static_cast<int>(st->column_int(5)), st->column_int(6) != 0,
                   st->column_int(7) != 0});
  }
  return out;
}

Result<std::int64_t> HistoryStore::prune(WallTime before) {
  auto st = db_.prepare("DELETE FROM samples WHERE ts_ms < ?");
  if (!st) return st.error();
  st->bind(1, unix_ms(before));
  if (Status s = st->run(); !s) return s.error();
  const auto samples = static_cast<std::int64_t>(sqlite3_changes(db_.handle()));
  auto ev = db_.prepare("DELETE FROM events WHERE ts_ms < ?");
  if (!ev) return ev.error();
  ev->bind(1, unix_ms(before));
  if (Status s = ev->run(); !s) return s.error();
  return samples + static_cast<std::int64_t>(sqlite3_changes(db_.handle()));
}

}  // namespace sb::adapters
