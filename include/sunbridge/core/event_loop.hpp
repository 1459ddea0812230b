// SPDX-License-Identifier: Apache-2.0
// The one event loop that owns the daemon's state. Timers, file descriptors and signals are
// handled on its thread; other threads (the bus owner, library callbacks) only post().
#pragma once

#include <sys/poll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <vector>

namespace sb {

class EventLoop {
 public:
  using Callback = std::function<void()>;
  using FdCallback = std::function<void(short revents)>;
  using TimerId = std::uint64_t;
  using Clock = std::chrono::steady_clock;

  // Throws std::system_error if the kernel objects cannot be created (start-up failure).
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Thread-safe. Runs `fn` on the loop thread, in posting order.
  void post(Callback fn);
  // Thread-safe. Makes run() return after the current iteration.
  void stop();

  TimerId schedule_after(std::chrono::milliseconds delay, Callback fn);
  TimerId schedule_at(Clock::time_point when, Callback fn);
  void cancel(TimerId id);

  // Calls `cb` with the poll revents whenever `fd` is ready for `events`. Replaces an earlier
  // watch of the same fd.
  void watch(int fd, short events, FdCallback cb);
  void unwatch(int fd);

  // Delivers `signals` to `cb` on the loop thread (signalfd). Blocks them in the calling thread,
  // so call it before other threads start; threads started later inherit the mask.
  void handle_signals(std::initializer_list<int> signals, std::function<void(int)> cb);

  void run();
  // Runs ready work once without blocking longer than `max_wait` (tests).
  void run_once(std::chrono::milliseconds max_wait);

 private:
  void iterate(int timeout_ms);
  void drain_posted();
  [[nodiscard]] int next_timeout_ms() const;

  int wake_fd_ = -1;
  int signal_fd_ = -1;
  bool stopping_ = false;
  std::mutex posted_mu_;
  std::vector<Callback> posted_;
  std::map<int, std::pair<short, FdCallback>> watches_;
  std::multimap<Clock::time_point, TimerId> timer_order_;
  std::map<TimerId, std::pair<Clock::time_point, Callback>> timers_;
  TimerId next_timer_id_ = 1;
  std::function<void(int)> signal_cb_;
};

}  // namespace sb
