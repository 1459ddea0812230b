// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/history_reader.hpp"

#include <stdexcept>

namespace sb::adapters {

HistoryReader::HistoryReader(std::string path, EventLoop& loop)
    : path_(std::move(path)), loop_(loop), worker_("sb-history") {}

HistoryReader::~HistoryReader() {
  worker_.stop();
}

void HistoryReader::query(WallTime since, WallTime until, std::vector<std::string> names,
                          std::size_t max_rows, Done done, std::set<std::string> known_now,
                          Resolution resolution) {
  worker_.submit([this, since, until, names = std::move(names), max_rows, done = std::move(done),
                  known_now = std::move(known_now), resolution]() mutable {
    Result<HistoryPage> page = Error::disconnected("history database not open");
    try {
      if (!db_) {
        db_ = std::make_unique<SqliteDb>(path_);
        (void)db_->exec("PRAGMA query_only=ON;");  // this connection never writes
      }
      page = query_history(*db_, since, until, names, max_rows,
                           known_now.empty() ? nullptr : &known_now, resolution);
    } catch (const std::exception& e) {  // SqliteDb throws when the file cannot be opened
      page = Error::disconnected(std::string("history database: ") + e.what());
    }
    loop_.post(
        [done = std::move(done), page = std::move(page)]() mutable { done(std::move(page)); });
  });
}

}  // namespace sb::adapters
