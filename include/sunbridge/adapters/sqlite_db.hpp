// SPDX-License-Identifier: Apache-2.0
// Thin RAII over the SQLite C API: a connection and prepared statements. Runtime failures are
// returned as values; only opening a database at start-up throws.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sunbridge/core/clock.hpp"
#include "sunbridge/core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace sb::adapters {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);

  // True while a row is available; false when done. Errors: Error::io.
  Result<bool> step();
  Status run();  // step to completion and reset
  void reset();

  [[nodiscard]] std::int64_t column_int(int index) const;
  [[nodiscard]] double column_double(int index) const;
  [[nodiscard]] std::string column_text(int index) const;
  [[nodiscard]] bool column_is_null(int index) const;
  // The bytes of a BLOB column, valid until the next step or reset.
  [[nodiscard]] std::span<const std::uint8_t> column_blob(int index) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  // Opens (creating) the database and its parent directory. Throws std::runtime_error.
  explicit SqliteDb(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Status exec(const std::string& sql);
  Result<Statement> prepare(const std::string& sql);
  [[nodiscard]] std::string last_error() const;
  [[nodiscard]] sqlite3* handle() const { return db_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// Timestamps are stored as Unix milliseconds (UTC).
std::int64_t unix_ms(WallTime t);

// Creates `dir` and missing parents with `mode`. Ok if it exists.
Status make_directories(const std::string& dir, unsigned mode = 0750);

}  // namespace sb::adapters
