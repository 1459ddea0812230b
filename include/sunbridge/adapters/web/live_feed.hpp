// SPDX-License-Identifier: Apache-2.0
// The live values the dashboard streams: the event loop publishes the status after each poll,
// the web server's stream threads wait for what is newer than what their client saw. The loop
// never waits here (publish takes a short lock and notifies); a slow client slows only its own
// thread. Ids only grow, so a reconnecting page resumes with Last-Event-ID.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sb::adapters::web {

class LiveFeed {
 public:
  struct Message {
    std::uint64_t id = 0;
    std::shared_ptr<const std::string> data;
  };

  // `keep`: how many recent messages a reconnecting client can still be sent.
  explicit LiveFeed(std::size_t keep = 16) : keep_(keep) {}

  // Loop thread. Returns the new message's id.
  std::uint64_t publish(std::string data);
  // Stream threads: the kept messages with an id above `after`, oldest first, waiting until
  // there is one, `deadline` passes (empty) or the feed is closed (empty). An `after` from
  // before the daemon started (above the newest id) gets the newest message.
  std::vector<Message> wait_after(std::uint64_t after,
                                  std::chrono::steady_clock::time_point deadline);
  [[nodiscard]] std::uint64_t last_id() const;
  // Wakes every waiting stream for good (shutdown).
  void close();
  [[nodiscard]] bool closed() const;

  // Streams attached: the loop builds the status for the feed only while someone listens.
  void attach() { listeners_.fetch_add(1); }
  void detach() { listeners_.fetch_sub(1); }
  [[nodiscard]] int listeners() const { return listeners_.load(); }

 private:
  std::size_t keep_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Message> recent_;
  std::uint64_t next_id_ = 1;
  bool closed_ = false;
  std::atomic<int> listeners_{0};
};

}  // namespace sb::adapters::web
