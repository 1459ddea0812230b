// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/migrations.hpp"

namespace sb::adapters {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "point names and samples",
       R"sql(
CREATE TABLE point_names (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  unit TEXT NOT NULL DEFAULT ''
);
-- One row per point per recorded poll cycle; ts_ms is the cycle start (Unix ms, UTC).
-- Numbers in value, text points (states, times, fault lists) in text, only when they change.
CREATE TABLE samples (
  ts_ms    INTEGER NOT NULL,
  point_id INTEGER NOT NULL REFERENCES point_names(id),
  value    REAL,
  text     TEXT,
  PRIMARY KEY (ts_ms, point_id)
) WITHOUT ROWID;
)sql"},
      {2, "events",
       R"sql(
-- Alerts and events (cross-check mismatches, link changes, setting changes). Committed at once,
-- not batched: an event must survive a crash.
CREATE TABLE events (
  id       INTEGER PRIMARY KEY,
  ts_ms    INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  severity TEXT NOT NULL,
  message  TEXT NOT NULL,
  details  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_time ON events(ts_ms);
)sql"},
      {3, "settings audit, write budget and persisted state",
       R"sql(
-- Every attempted settings change (profiles, overrides, CLI, remote, drift, clock), committed at
-- once. Values are in the LCD's unit; words are the raw register values.
CREATE TABLE audit (
  id       INTEGER PRIMARY KEY,
  ts_ms    INTEGER NOT NULL,
  txn      INTEGER NOT NULL,
  param    TEXT NOT NULL,
  register INTEGER,
  old      TEXT,
  new      TEXT,
  cause    TEXT NOT NULL,
  result   TEXT NOT NULL,
  readback TEXT,
  reason   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_time ON audit(ts_ms);
-- Write frames sent per local day and parameter (the wear budget survives restarts).
CREATE TABLE write_counts (
  day   TEXT NOT NULL,
  param TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (day, param)
) WITHOUT ROWID;
-- Small persisted state as JSON: what the gateway last wrote, overrides, weather memory, the
-- last good forecast.
CREATE TABLE state (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
      {4, "MQTT outbox",
       R"sql(
-- Every telemetry record and event is committed here first, then published with QoS 1 and
-- deleted on its PUBACK. seq is the record's sequence number in the payload: AUTOINCREMENT so
-- a number is never reused, even after the newest rows were delivered and deleted.
CREATE TABLE outbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  topic      TEXT NOT NULL,
  kind       TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX outbox_by_kind ON outbox(kind, seq);
)sql"},
      {5, "power-quality intervals",
       R"sql(
-- The 10-minute means of the supply voltage per leg (L1, L2, L1-L2), judged against the
-- statutory band; flagged = the interval overlapped a dip, swell, interruption or outage.
-- About 430 rows a day: kept (a few MB a year) for `sunbridge pq` over long periods.
CREATE TABLE pq_intervals (
  start_ms INTEGER NOT NULL,
  leg      TEXT NOT NULL,
  mean_v   REAL NOT NULL,
  min_v    REAL NOT NULL,
  max_v    REAL NOT NULL,
  samples  INTEGER NOT NULL,
  flagged  INTEGER NOT NULL,
  within   INTEGER NOT NULL,
  PRIMARY KEY (start_ms, leg)
) WITHOUT ROWID;
)sql"},
      {6, "energy by day and tariff band",
       R"sql(
-- kWh integrated from polled power, per local day and tariff band (docs/reports.md); rows grow
-- by the amounts counted since the last commit. A few rows a day: kept.
CREATE TABLE energy_daily (
  day                   TEXT NOT NULL,
  band                  TEXT NOT NULL,
  pv_kwh                REAL NOT NULL DEFAULT 0,
  load_kwh              REAL NOT NULL DEFAULT 0,
  grid_import_kwh       REAL NOT NULL DEFAULT 0,
  grid_export_kwh       REAL NOT NULL DEFAULT 0,
  battery_charge_kwh    REAL NOT NULL DEFAULT 0,
  battery_discharge_kwh REAL NOT NULL DEFAULT 0,
  pv_only_import_kwh    REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (day, band)
) WITHOUT ROWID;
)sql"},
      {7, "history tiers",
       R"sql(
-- The long-term history (docs/reports.md "History tiers"): one row per bucket of 1 minute,
-- 15 minutes or one local day, holding every point's min, max, mean, last and, for energy
-- counters, the energy in the bucket, as one compact blob (adapters/rollup_blob). Written once,
-- when the bucket closes; a bucket without values has no row (an outage stays a gap).
CREATE TABLE rollup_1m (
  start_ms INTEGER PRIMARY KEY,
  data     BLOB NOT NULL
);
CREATE TABLE rollup_15m (
  start_ms INTEGER PRIMARY KEY,
  data     BLOB NOT NULL
);
CREATE TABLE rollup_1d (
  start_ms INTEGER PRIMARY KEY,
  data     BLOB NOT NULL
);
-- The display precision of each point, so a bucket rebuilt from samples keeps it.
ALTER TABLE point_names ADD COLUMN decimals INTEGER NOT NULL DEFAULT -1;
)sql"},
  };
  return kMigrations;
}

int schema_version(SqliteDb& db) {
  auto st = db.prepare("PRAGMA user_version");
  if (!st) return -1;
  auto row = st->step();
  return row && *row ? static_cast<int>(st->column_int(0)) : -1;
}

Status migrate(SqliteDb& db) {
  const int current = schema_version(db);
  if (current < 0) return Error::io(0, "cannot read schema version: " + db.last_error());
  const int newest = migrations().empty() ? 0 : migrations().back().version;
  if (current > newest) {
    return Error::invalid("database " + db.path() + " has schema version " +
                          std::to_string(current) + ", newer than this program's " +
                          std::to_string(newest) + "; refusing to touch it");
  }
  for (const Migration& m : migrations()) {
    if (m.version <= current) continue;
    std::string sql = "BEGIN IMMEDIATE;\n" + m.sql +
                      "\nPRAGMA user_version = " + std::to_string(m.version) + ";\nCOMMIT;";
    if (Status s = db.exec(sql); !s) {
      (void)db.exec("ROLLBACK");
      return Error::io(0, "migration " + std::to_string(m.version) + " (" + m.description +
                              ") failed: " + s.error().describe());
    }
  }
  return {};
}

}  // namespace sb::adapters
