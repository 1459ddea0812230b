// SPDX-License-Identifier: Apache-2.0
// History queries off the event loop: a thread of its own with its own read-only connection to
// the history database (WAL lets it read while the loop writes). A query over months of samples
// takes seconds on a Pi's SD card; the loop must keep polling and answering meanwhile.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sunbridge/adapters/history_store.hpp"
#include "sunbridge/adapters/sqlite_db.hpp"
#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/worker_thread.hpp"

namespace sb::adapters {

class HistoryReader {
 public:
  using Done = std::function<void(Result<HistoryPage>)>;

  HistoryReader(std::string path, EventLoop& loop);
  ~HistoryReader();
  HistoryReader(const HistoryReader&) = delete;
  HistoryReader& operator=(const HistoryReader&) = delete;

  // Runs query_history() on the reader thread; `done` is called on the loop with the result.
  // `known_now`: see query_history (empty: no name check); `resolution` not kAuto.
  void query(WallTime since, WallTime until, std::vector<std::string> names, std::size_t max_rows,
             Done done, std::set<std::string> known_now = {},
             Resolution resolution = Resolution::kRaw);

 private:
  std::string path_;
  EventLoop& loop_;
  std::unique_ptr<SqliteDb> db_;  // opened and used on the reader thread only
  WorkerThread worker_;           // declared last: joined before the connection goes
};

}  // namespace sb::adapters
