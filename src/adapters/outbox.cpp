// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/outbox.hpp"

namespace sb::adapters {

std::string OutboxRecord::payload() const {
  nlohmann::json out = body;
  out["seq"] = seq;
  return out.dump();
}

Result<std::int64_t> Outbox::append(const std::string& topic, const std::string& kind,
                                    const nlohmann::json& body, WallTime now) {
  auto st = db_.prepare("INSERT INTO outbox(topic, kind, body, created_ms) VALUES (?, ?, ?, ?)");
  if (!st) return st.error();
  const std::string text = body.dump();
  st->bind(1, std::string_view(topic))
      .bind(2, std::string_view(kind))
      .bind(3, std::string_view(text))
      .bind(4, unix_ms(now));
  if (Status s = st->run(); !s) return s.error();
  auto id = db_.prepare("SELECT last_insert_rowid()");
  if (!id) return id.error();
  auto row = id->step();
  if (!row) return row.error();
  return id->column_int(0);
}

Result<std::vector<OutboxRecord>> Outbox::oldest(std::int64_t after, int limit) {
  auto st = db_.prepare(
      "SELECT seq, topic, kind, body, created_ms FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!st) return st.error();
  st->bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  std::vector<OutboxRecord> out;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    OutboxRecord r;
    r.seq = st->column_int(0);
    r.topic = st->column_text(1);
    r.kind = st->column_text(2);
    r.body = nlohmann::json::parse(st->column_text(3), nullptr, false);
    if (r.body.is_discarded()) r.body = nlohmann::json::object();  // ours; never expected
    r.created = WallTime(std::chrono::milliseconds(st->column_int(4)));
    out.push_back(std::move(r));
  }
  return out;
}

Status Outbox::remove(std::int64_t seq) {
  auto st = db_.prepare("DELETE FROM outbox WHERE seq = ?");
  if (!st) return st.error();
  st->bind(1, seq);
  return st->run();
}

Result<std::int64_t> Outbox::size() {
  auto st = db_.prepare("SELECT COUNT(*) FROM outbox");
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  return st->column_int(0);
}

Result<std::int64_t> Outbox::enforce_cap(std::int64_t max_rows) {
  auto n = size();
  if (!n) return n.error();
  if (*n <= max_rows) return std::int64_t{0};
  auto st = db_.prepare(
      "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE kind = 'telemetry' "
      "ORDER BY seq LIMIT ?)");
  if (!st) return st.error();
  st->bind(1, *n - max_rows);
  if (Status s = st->run(); !s) return s.error();
  auto after = size();
  if (!after) return after.error();
  return *n - *after;
}

}  // namespace sb::adapters
