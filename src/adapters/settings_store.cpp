// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/settings_store.hpp"

namespace sb::adapters {

namespace {

void bind_text(Statement& st, int index, const std::optional<std::string>& v) {
  if (v) {
    st.bind(index, std::string_view(*v));
  } else {
    st.bind_null(index);
  }
}

std::optional<std::string> text_or_null(const Statement& st, int index) {
  if (st.column_is_null(index)) return std::nullopt;
  return st.column_text(index);
}

}  // namespace

Result<std::int64_t> SettingsStore::next_txn() {
  auto st = db_.prepare("SELECT COALESCE(MAX(txn), 0) + 1 FROM audit");
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  return st->column_int(0);
}

Status SettingsStore::audit(const AuditRow& r) {
  auto st = db_.prepare(
      "INSERT INTO audit(ts_ms, txn, param, register, old, new, cause, result, readback, reason) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!st) return st.error();
  st->bind(1, unix_ms(r.ts)).bind(2, r.txn).bind(3, std::string_view(r.param));
  if (r.address) {
    st->bind(4, static_cast<std::int64_t>(*r.address));
  } else {
    st->bind_null(4);
  }
  bind_text(*st, 5, r.old_value);
  bind_text(*st, 6, r.new_value);
  st->bind(7, std::string_view(r.cause)).bind(8, std::string_view(r.result));
  bind_text(*st, 9, r.readback);
  st->bind(10, std::string_view(r.reason));
  return st->run();
}

Status SettingsStore::audit(const std::vector<AuditRow>& rows) {
  if (Status s = db_.exec("BEGIN IMMEDIATE"); !s) return s;
  for (const AuditRow& r : rows) {
    if (Status s = audit(r); !s) {
      (void)db_.exec("ROLLBACK");
      return s;
    }
  }
  return db_.exec("COMMIT");
}

Result<std::vector<AuditRow>> SettingsStore::audit_since(WallTime since, int limit) {
  auto st = db_.prepare(
      "SELECT ts_ms, txn, param, register, old, new, cause, result, readback, reason FROM "
      "(SELECT * FROM audit WHERE ts_ms >= ? ORDER BY id DESC LIMIT ?) ORDER BY id");
  if (!st) return st.error();
  st->bind(1, unix_ms(since)).bind(2, static_cast<std::int64_t>(limit));
  std::vector<AuditRow> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    AuditRow r;
    r.ts = WallTime(std::chrono::milliseconds(st->column_int(0)));
    r.txn = st->column_int(1);
    r.param = st->column_text(2);
    if (!st->column_is_null(3)) r.address = static_cast<int>(st->column_int(3));
    r.old_value = text_or_null(*st, 4);
    r.new_value = text_or_null(*st, 5);
    r.cause = st->column_text(6);
    r.result = st->column_text(7);
    r.readback = text_or_null(*st, 8);
    r.reason = st->column_text(9);
    out.push_back(std::move(r));
  }
  return out;
}

Result<domain::BudgetUsage> SettingsStore::usage(const std::string& day) {
  auto st = db_.prepare("SELECT param, count FROM write_counts WHERE day = ?");
  if (!st) return st.error();
  st->bind(1, std::string_view(day));
  domain::BudgetUsage u;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    const int n = static_cast<int>(st->column_int(1));
    u.per_parameter[st->column_text(0)] = n;
    u.total += n;
  }
  return u;
}

Status SettingsStore::count_writes(const std::string& day, const std::string& param, int frames) {
  if (frames <= 0) return {};
  auto st = db_.prepare(
      "INSERT INTO write_counts(day, param, count) VALUES (?, ?, ?) "
      "ON CONFLICT(day, param) DO UPDATE SET count = count + excluded.count");
  if (!st) return st.error();
  st->bind(1, std::string_view(day))
      .bind(2, std::string_view(param))
      .bind(3, static_cast<std::int64_t>(frames));
  return st->run();
}

Result<std::optional<nlohmann::json>> SettingsStore::get(const std::string& key) {
  auto st = db_.prepare("SELECT value FROM state WHERE key = ?");
  if (!st) return st.error();
  st->bind(1, std::string_view(key));
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<nlohmann::json>{};
  auto parsed = nlohmann::json::parse(st->column_text(0), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Error::malformed("stored state '" + key + "' is not JSON");
  return std::optional<nlohmann::json>(std::move(parsed));
}

Status SettingsStore::put(const std::string& key, const nlohmann::json& value, WallTime now) {
  auto st = db_.prepare(
      "INSERT INTO state(key, value, updated_ms) VALUES (?, ?, ?) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms");
  if (!st) return st.error();
  const std::string text = value.dump();
  st->bind(1, std::string_view(key)).bind(2, std::string_view(text)).bind(3, unix_ms(now));
  return st->run();
}

Status SettingsStore::erase(const std::string& key) {
  auto st = db_.prepare("DELETE FROM state WHERE key = ?");
  if (!st) return st.error();
  st->bind(1, std::string_view(key));
  return st->run();
}

}  // namespace sb::adapters
