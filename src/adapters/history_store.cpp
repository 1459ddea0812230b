// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/history_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/migrations.hpp"
#include "sunbridge/adapters/rollup_blob.hpp"
#include "sunbridge/core/local_time.hpp"
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

// Energy counters keep the energy of each bucket. Per-cell pack values (16 a pack, 64 in all)
// are kept raw (every 5 minutes) and daily, not at 1 and 15 minutes, where they would be most of
// the size; the bank's lowest and highest cell, spread and temperatures stay in every tier.
bool is_counter(const std::string& unit) {
  return unit == "kWh" || unit == "Wh" || unit == "Ah";
}

bool in_minute_tiers(const std::string& name) {
  return name.rfind("pack.", 0) != 0 || name.find(".cell.") == std::string::npos;
}

// Each tier's table, the resolution that asks for it, and how long before a query's start one
// of its buckets may begin and still reach into the period (a local day is up to 25 hours).
struct TierTable {
  domain::Tier tier;
  Resolution resolution;
  const char* table;
  std::int64_t reach_ms;
};
constexpr TierTable kTierTables[] = {
    {domain::Tier::kMinute, Resolution::kMinute, "rollup_1m", 60'000},
    {domain::Tier::kQuarter, Resolution::kQuarter, "rollup_15m", 900'000},
    {domain::Tier::kDay, Resolution::kDay, "rollup_1d", 25 * 3'600'000},
};

static_assert(kTierTables[static_cast<int>(domain::Tier::kMinute)].tier == domain::Tier::kMinute &&
              kTierTables[static_cast<int>(domain::Tier::kQuarter)].tier ==
                  domain::Tier::kQuarter &&
              kTierTables[static_cast<int>(domain::Tier::kDay)].tier == domain::Tier::kDay);

const TierTable& table_of(domain::Tier tier) {
  return kTierTables[static_cast<int>(tier)];
}

const TierTable* table_of(Resolution r) {
  for (const TierTable& t : kTierTables)
    if (t.resolution == r) return &t;
  return nullptr;
}

// An energy counter's increase over a longer gap (an outage) is booked in no bucket.
constexpr std::int64_t kCounterGapMs = 5 * 60 * 1000;

// Where a clean stop leaves the tiers' open buckets (the state table).
constexpr const char* kOpenBucketsKey = "history.open_buckets";

// The saved state, or nothing when it is absent or does not read whole (then the open buckets
// are rebuilt from the samples, as after a crash).
std::optional<domain::RollupState> parse_open_buckets(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("last_ts_ms") || !j["last_ts_ms"].is_number_integer() ||
      !j.contains("open") || !j["open"].is_array() || !j.contains("counters") ||
      !j["counters"].is_array()) {
    return std::nullopt;
  }
  domain::RollupState state;
  state.last_ts_ms = j["last_ts_ms"].get<std::int64_t>();
  for (const auto& o : j["open"]) {
    if (!o.is_object() || !o.contains("tier") || !o["tier"].is_string() ||
        !o.contains("start_ms") || !o["start_ms"].is_number_integer() || !o.contains("data") ||
        !o["data"].is_string()) {
      return std::nullopt;
    }
    domain::RollupBucket b;
    // Saved under the tier's resolution name ("1m", "15m", "1d").
    const auto resolution = parse_resolution(o["tier"].get<std::string>());
    const TierTable* table = resolution ? table_of(*resolution) : nullptr;
    if (table == nullptr) return std::nullopt;
    b.tier = table->tier;
    b.start_ms = o["start_ms"].get<std::int64_t>();
    auto bytes = from_hex(o["data"].get<std::string>());
    if (!bytes) return std::nullopt;
    auto points = decode_rollup(*bytes);
    if (!points) return std::nullopt;
    b.points = std::move(*points);
    state.open.push_back(std::move(b));
  }
  for (const auto& c : j["counters"]) {
    if (!c.is_array() || c.size() != 3 || !c[0].is_number_integer() || !c[1].is_number_integer() ||
        !c[2].is_number()) {
      return std::nullopt;
    }
    state.counters[c[0].get<std::int64_t>()] = {c[1].get<std::int64_t>(), c[2].get<double>()};
  }
  return state;
}

// Buckets written per transaction while rebuilding: bounds the memory a long rebuild takes.
constexpr std::size_t kRebuildChunk = 500;

}  // namespace

std::int64_t local_day_start_ms(std::int64_t ts_ms) {
  CivilTime c = to_local_civil(WallTime(std::chrono::milliseconds(ts_ms)));
  c.hour = c.minute = c.second = 0;
  if (auto midnight = from_local_civil(c)) return unix_ms(*midnight);
  // A day without a local midnight (a daylight-saving jump at 00:00): its first hour.
  c.hour = 1;
  if (auto one = from_local_civil(c)) return unix_ms(*one);
  return ts_ms - ((ts_ms % 86'400'000) + 86'400'000) % 86'400'000;
}

HistoryStore::HistoryStore(const std::string& path,
                           std::function<std::int64_t(std::int64_t)> day_start)
    : db_(path), tiers_(domain::RollupOptions{kCounterGapMs, std::move(day_start)}) {
  // WAL: readers (the CLI's history query through the daemon) never block the writer, and a
  // commit appends instead of rewriting pages. NORMAL sync is durable except for the last
  // commits on power loss, which is acceptable for history.
  // secure_delete FAST: Debian builds SQLite with secure deletion on, which overwrites every
  // page the hourly prune frees with zeros and so writes a deleted page once more; FAST still
  // clears deleted rows in pages that are written anyway (docs/benchmarks.md, "history").
  if (Status s = db_.exec(
          "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=FAST;");
      !s) {
    throw std::runtime_error(s.error().describe());
  }
  if (Status s = migrate(db_); !s) throw std::runtime_error(s.error().describe());
  resume_tiers();
}

void HistoryStore::resume_tiers() {
  // Where each tier stopped: after its last stored bucket.
  std::int64_t from_ms = std::numeric_limits<std::int64_t>::max();
  for (domain::Tier tier : domain::kAllTiers) {
    auto st = db_.prepare(std::string("SELECT MAX(start_ms) FROM ") + table_of(tier).table);
    if (!st) throw std::runtime_error(st.error().describe());
    auto row = st->step();
    if (!row) throw std::runtime_error(row.error().describe());
    std::int64_t resume = std::numeric_limits<std::int64_t>::min();
    if (*row && !st->column_is_null(0)) resume = tiers_.bucket_end(tier, st->column_int(0));
    tiers_.resume_after(tier, resume);
    from_ms = std::min(from_ms, resume);
  }
  // A clean stop saved the open buckets: they continue (used once: a later crash must not find
  // them again). A bucket that was stored meanwhile is not taken twice.
  auto saved = db_.prepare("SELECT value FROM state WHERE key = ?");
  if (!saved) throw std::runtime_error(saved.error().describe());
  saved->bind(1, std::string_view(kOpenBucketsKey));
  auto saved_row = saved->step();
  if (!saved_row) throw std::runtime_error(saved_row.error().describe());
  if (*saved_row) {
    if (auto state = parse_open_buckets(saved->column_text(0))) {
      std::erase_if(state->open, [&](const domain::RollupBucket& b) {
        return b.start_ms < tiers_.resume_point(b.tier);
      });
      tiers_.restore(std::move(*state));
      from_ms = std::numeric_limits<std::int64_t>::max();
      for (domain::Tier tier : domain::kAllTiers)
        from_ms = std::min(from_ms, tiers_.resume_point(tier));
    }
    saved->reset();
    auto forget = db_.prepare("DELETE FROM state WHERE key = ?");
    if (!forget) throw std::runtime_error(forget.error().describe());
    if (Status s = forget->bind(1, std::string_view(kOpenBucketsKey)).run(); !s) {
      throw std::runtime_error(s.error().describe());
    }
  }
  auto names = db_.prepare("SELECT id, name, unit, decimals FROM point_names");
  if (!names) throw std::runtime_error(names.error().describe());
  struct Kind {
    bool counter;
    bool minute_tiers;
  };
  std::map<std::int64_t, Kind> kinds;
  for (;;) {
    auto row = names->step();
    if (!row) throw std::runtime_error(row.error().describe());
    if (!*row) break;
    const std::int64_t id = names->column_int(0);
    const std::string name = names->column_text(1);
    ids_[name] = id;
    decimals_[id] = static_cast<int>(names->column_int(3));
    kinds[id] = {is_counter(names->column_text(2)), in_minute_tiers(name)};
  }
  // The open buckets again, from the samples after the oldest resume point (all of them the
  // first time the tiers exist), in time order, written in chunks. Reading starts one counter
  // gap earlier: the energy counters' last values before the resume point are needed for the
  // first step after it (the tiers refuse the values themselves).
  if (from_ms != std::numeric_limits<std::int64_t>::min()) from_ms -= kCounterGapMs;
  auto st = db_.prepare(
      "SELECT ts_ms, point_id, value FROM samples WHERE ts_ms >= ? AND value IS NOT NULL "
      "ORDER BY ts_ms, point_id");
  if (!st) throw std::runtime_error(st.error().describe());
  st->bind(1, from_ms);
  std::vector<domain::RollupInput> moment;
  std::int64_t moment_ms = 0;
  auto feed = [&] {
    if (moment.empty()) return;
    (void)tiers_.add(moment_ms, moment);
    moment.clear();
    for (auto& b : tiers_.take_closed())
      buckets_.push_back(std::move(b));
    if (buckets_.size() >= kRebuildChunk) {
      if (Status s = write_buckets(); !s) throw std::runtime_error(s.error().describe());
    }
  };
  for (;;) {
    auto row = st->step();
    if (!row) throw std::runtime_error(row.error().describe());
    if (!*row) break;
    const std::int64_t ts = st->column_int(0);
    if (ts != moment_ms) feed();
    moment_ms = ts;
    const std::int64_t id = st->column_int(1);
    const double value = st->column_double(2);
    if (!std::isfinite(value)) continue;
    auto kind = kinds.find(id);
    const int d = decimals_.count(id) != 0 && decimals_[id] >= 0 ? decimals_[id] : 3;
    moment.push_back({id, value, d, kind != kinds.end() && kind->second.counter,
                      kind == kinds.end() || kind->second.minute_tiers});
  }
  feed();
  if (Status s = write_buckets(); !s) throw std::runtime_error(s.error().describe());
}

Status HistoryStore::save_open_buckets() {
  if (Status s = flush(); !s) return s;
  const domain::RollupState state = tiers_.state();
  nlohmann::json open = nlohmann::json::array();
  for (const auto& b : state.open) {
    open.push_back({{"tier", to_string(table_of(b.tier).resolution)},
                    {"start_ms", b.start_ms},
                    {"data", to_hex(encode_rollup(b.points))}});
  }
  nlohmann::json counters = nlohmann::json::array();
  for (const auto& [id, c] : state.counters)
    counters.push_back({id, c.ts_ms, c.value});
  const nlohmann::json j = {{"last_ts_ms", state.last_ts_ms},
                            {"open", std::move(open)},
                            {"counters", std::move(counters)}};
  auto st = db_.prepare("INSERT OR REPLACE INTO state(key, value, updated_ms) VALUES (?, ?, ?)");
  if (!st) return st.error();
  return st->bind(1, std::string_view(kOpenBucketsKey))
      .bind(2, std::string_view(j.dump()))
      .bind(3, state.last_ts_ms)
      .run();
}

Status HistoryStore::insert_buckets() {
  for (const domain::RollupBucket& b : buckets_) {
    auto ins = db_.prepare(std::string("INSERT OR REPLACE INTO ") + table_of(b.tier).table +
                           "(start_ms, data) VALUES (?, ?)");
    if (!ins) return ins.error();
    const std::vector<std::uint8_t> blob = encode_rollup(b.points);
    if (Status s = ins->bind(1, b.start_ms).bind_blob(2, blob).run(); !s) return s;
  }
  return {};
}

Status HistoryStore::commit_with_buckets() {
  if (Status s = insert_buckets(); !s) {
    (void)db_.exec("ROLLBACK");
    return s;
  }
  if (Status s = db_.exec("COMMIT"); !s) {
    (void)db_.exec("ROLLBACK");
    return s;
  }
  buckets_.clear();
  return {};
}

Status HistoryStore::write_buckets() {
  if (buckets_.empty()) return {};
  if (Status s = db_.exec("BEGIN"); !s) return s;
  return commit_with_buckets();
}

void HistoryStore::record(const std::vector<Point>& points, WallTime ts) {
  const std::int64_t ms = unix_ms(ts);
  for (const Point& p : points) {
    if (p.quality != Quality::kOk) continue;
    if (const double* d = std::get_if<double>(&p.value)) {
      pending_.push_back({ms, p.name, p.unit, p.decimals, *d, std::nullopt});
    } else if (has_value(p.value)) {
      std::string text = text_of(p.value);
      auto& last = last_text_[p.name];
      if (last == text) continue;
      last = text;
      pending_.push_back({ms, p.name, p.unit, p.decimals, std::nullopt, text});
    }
  }
}

void HistoryStore::rollup(const std::vector<Point>& points, WallTime ts) {
  std::vector<domain::RollupInput> values;
  values.reserve(points.size());
  for (const Point& p : points) {
    if (p.quality != Quality::kOk) continue;
    const double* d = std::get_if<double>(&p.value);
    if (d == nullptr || !std::isfinite(*d)) continue;
    auto id = point_id(p.name, p.unit, p.decimals);
    if (!id) continue;  // the database is failing: the next flush says so
    values.push_back(
        {*id, *d, p.decimals >= 0 ? p.decimals : 3, is_counter(p.unit), in_minute_tiers(p.name)});
  }
  if (values.empty()) return;
  (void)tiers_.add(unix_ms(ts), values);
  for (auto& b : tiers_.take_closed())
    buckets_.push_back(std::move(b));
}

Result<std::int64_t> HistoryStore::point_id(const std::string& name, const std::string& unit,
                                            int decimals) {
  if (auto it = ids_.find(name); it != ids_.end()) {
    // The display precision is learnt from the first value with one (a name first seen in a
    // sample of an older version has none).
    if (decimals >= 0 && decimals_[it->second] != decimals) {
      auto up = db_.prepare("UPDATE point_names SET decimals = ? WHERE id = ?");
      if (!up) return up.error();
      if (Status s = up->bind(1, static_cast<std::int64_t>(decimals)).bind(2, it->second).run();
          !s) {
        return s.error();
      }
      decimals_[it->second] = decimals;
    }
    return it->second;
  }
  auto ins =
      db_.prepare("INSERT OR IGNORE INTO point_names(name, unit, decimals) VALUES (?, ?, ?)");
  if (!ins) return ins.error();
  if (Status s =
          ins->bind(1, name).bind(2, unit).bind(3, static_cast<std::int64_t>(decimals)).run();
      !s) {
    return s.error();
  }
  auto sel = db_.prepare("SELECT id FROM point_names WHERE name = ?");
  if (!sel) return sel.error();
  sel->bind(1, name);
  auto row = sel->step();
  if (!row) return row.error();
  if (!*row) return Error::io(0, "point id missing for " + name);
  std::int64_t id = sel->column_int(0);
  ids_[name] = id;
  decimals_[id] = decimals;
  return id;
}

Status HistoryStore::flush() {
  if (pending_.empty()) return write_buckets();
  if (Status s = db_.exec("BEGIN"); !s) return s;
  auto ins = db_.prepare(
      "INSERT OR REPLACE INTO samples(ts_ms, point_id, value, text) VALUES (?, ?, ?, ?)");
  if (!ins) {
    (void)db_.exec("ROLLBACK");
    return ins.error();
  }
  for (const Row& r : pending_) {
    auto id = point_id(r.name, r.unit, r.decimals);
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
  // The tier buckets closed since the last commit go in the same transaction.
  if (Status s = commit_with_buckets(); !s) return s;
  pending_.clear();
  return {};
}

namespace {

// The tier's buckets that overlap [since, until), newest first, as samples of `names` (all when
// empty) with the mean as the value; stops after `max_rows` + the bucket that passed it.
Result<HistoryPage> query_tier(SqliteDb& db, const TierTable& tier, WallTime since, WallTime until,
                               const std::vector<std::string>& names, std::size_t max_rows) {
  std::map<std::int64_t, std::string> wanted;
  {
    auto st = db.prepare("SELECT id, name FROM point_names");
    if (!st) return st.error();
    const std::set<std::string> asked(names.begin(), names.end());
    for (;;) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      std::string name = st->column_text(1);
      if (asked.empty() || asked.count(name) != 0) wanted[st->column_int(0)] = std::move(name);
    }
  }
  auto st = db.prepare(std::string("SELECT start_ms, data FROM ") + tier.table +
                       " WHERE start_ms > ? AND start_ms < ? ORDER BY start_ms DESC");
  if (!st) return st.error();
  st->bind(1, unix_ms(since) - tier.reach_ms).bind(2, unix_ms(until));
  HistoryPage page;
  page.resolution = tier.resolution;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    const std::int64_t start_ms = st->column_int(0);
    auto points = decode_rollup(st->column_blob(1));
    if (!points) {
      ++page.damaged_buckets;
      continue;
    }
    // Within a bucket, names descending: the page is reversed at the end.
    std::vector<HistorySample> bucket;
    for (const auto& [id, stats] : *points) {
      auto it = wanted.find(id);
      if (it == wanted.end()) continue;
      HistorySample h;
      h.ts = WallTime(std::chrono::milliseconds(start_ms));
      h.name = it->second;
      h.value = stats.mean();
      h.bucket = BucketValues{stats.min, stats.max, stats.last, stats.count, stats.delta};
      bucket.push_back(std::move(h));
    }
    if (page.samples.size() + bucket.size() > max_rows) {
      page.truncated = true;  // a bucket is left out whole
      break;
    }
    std::sort(bucket.begin(), bucket.end(),
              [](const HistorySample& a, const HistorySample& b) { return a.name > b.name; });
    for (auto& h : bucket)
      page.samples.push_back(std::move(h));
  }
  std::reverse(page.samples.begin(), page.samples.end());
  return page;
}

}  // namespace

Result<HistoryPage> query_history(SqliteDb& db, WallTime since, WallTime until,
                                  const std::vector<std::string>& names, std::size_t max_rows,
                                  const std::set<std::string>* known_now, Resolution resolution) {
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
  if (const TierTable* tier = table_of(resolution)) {
    return query_tier(db, *tier, since, until, names, max_rows);
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
    e.severity = severity_from_string(st->column_text(2)).value_or(Severity::kInfo);
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

Result<PruneCounts> HistoryStore::prune(const HistoryRetention& retention, WallTime now) {
  const auto before_ms = [&](int days) { return unix_ms(now - std::chrono::hours(24) * days); };
  auto remove = [&](const std::string& sql, std::int64_t cutoff_ms) -> Result<std::int64_t> {
    auto st = db_.prepare(sql);
    if (!st) return st.error();
    st->bind(1, cutoff_ms);
    if (Status s = st->run(); !s) return s.error();
    return static_cast<std::int64_t>(sqlite3_changes(db_.handle()));
  };
  PruneCounts out;
  const struct {
    const char* sql;
    int days;
    std::int64_t* count;
  } steps[] = {
      {"DELETE FROM samples WHERE ts_ms < ?", retention.raw_days, &out.samples},
      {"DELETE FROM rollup_1m WHERE start_ms < ?", retention.minute_days, &out.minute_buckets},
      {"DELETE FROM rollup_15m WHERE start_ms < ?", retention.quarter_days, &out.quarter_buckets},
      {"DELETE FROM events WHERE ts_ms < ?", retention.quarter_days, &out.events},
  };
  for (const auto& step : steps) {
    auto n = remove(step.sql, before_ms(step.days));
    if (!n) return n.error();
    *step.count = *n;
  }
  return out;
}

}  // namespace sb::adapters
