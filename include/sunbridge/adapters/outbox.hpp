// SPDX-License-Identifier: Apache-2.0
// The durable MQTT outbox in SQLite: a record is committed (with its sequence number) before it
// is published and deleted only after the broker acknowledged it, so a broker outage or a crash
// loses nothing. Bounded: beyond `max_rows` the oldest telemetry is dropped, never events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/core/clock.hpp"

namespace sb::adapters {

struct OutboxRecord {
  std::int64_t seq = 0;
  std::string topic;
  std::string kind;  // "telemetry", "event", "pack"
  nlohmann::json body;
  WallTime created{};
  // The payload as published: the body with "seq" added.
  [[nodiscard]] std::string payload() const;
};

class Outbox {
 public:
  explicit Outbox(SqliteDb& db) : db_(db) {}
  // Commits at once; returns the sequence number.
  Result<std::int64_t> append(const std::string& topic, const std::string& kind,
                              const nlohmann::json& body, WallTime now);
  // The oldest records with seq > after, in seq order.
  Result<std::vector<OutboxRecord>> oldest(std::int64_t after, int limit);
  Status remove(std::int64_t seq);
  Result<std::int64_t> size();
  // Drops the oldest telemetry rows until at most `max_rows` remain (events are never dropped).
  // Returns how many were dropped.
  Result<std::int64_t> enforce_cap(std::int64_t max_rows);

 private:
  SqliteDb& db_;
};

}  // namespace sb::adapters
