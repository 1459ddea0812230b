// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/adapters/web/live_feed.hpp"

namespace sb::adapters::web {

std::uint64_t LiveFeed::publish(std::string data) {
  auto shared = std::make_shared<const std::string>(std::move(data));
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    recent_.push_back(Message{id, std::move(shared)});
    while (recent_.size() > keep_)
      recent_.pop_front();
  }
  changed_.notify_all();
  return id;
}

std::vector<LiveFeed::Message> LiveFeed::wait_after(
    std::uint64_t after, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  // An id this feed never gave (the page saw an earlier run of the daemon): start afresh.
  if (after >= next_id_) after = next_id_ > 1 ? next_id_ - 2 : 0;
  changed_.wait_until(lock, deadline, [&] { return closed_ || next_id_ - 1 > after; });
  std::vector<Message> out;
  if (closed_) return out;
  for (const auto& m : recent_) {
    if (m.id > after) out.push_back(m);
  }
  return out;
}

std::uint64_t LiveFeed::last_id() const {
  std::lock_guard lock(mutex_);
  return next_id_ - 1;
}

void LiveFeed::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

bool LiveFeed::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace sb::adapters::web
