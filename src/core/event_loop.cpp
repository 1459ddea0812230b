// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/event_loop.hpp"

#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace sb {

EventLoop::EventLoop() {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ == -1) throw std::system_error(errno, std::generic_category(), "eventfd");
  watch(wake_fd_, POLLIN, [this](short) {
    std::uint64_t n = 0;
    while (::read(wake_fd_, &n, sizeof n) > 0) {
    }
  });
}

EventLoop::~EventLoop() {
  if (signal_fd_ != -1) ::close(signal_fd_);
  if (wake_fd_ != -1) ::close(wake_fd_);
}

void EventLoop::post(Callback fn) {
  {
    std::lock_guard lock(posted_mu_);
    posted_.push_back(std::move(fn));
  }
  std::uint64_t one = 1;
  ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
  (void)ignored;  // a full counter still wakes the loop
}

void EventLoop::stop() {
  post([this] { stopping_ = true; });
}

EventLoop::TimerId EventLoop::schedule_after(std::chrono::milliseconds delay, Callback fn) {
  return schedule_at(Clock::now() + delay, std::move(fn));
}

EventLoop::TimerId EventLoop::schedule_at(Clock::time_point when, Callback fn) {
  TimerId id = next_timer_id_++;
  timers_.emplace(id, std::make_pair(when, std::move(fn)));
  timer_order_.emplace(when, id);
  return id;
}

void EventLoop::cancel(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  auto range = timer_order_.equal_range(it->second.first);
  for (auto o = range.first; o != range.second; ++o) {
    if (o->second == id) {
      timer_order_.erase(o);
      break;
    }
  }
  timers_.erase(it);
}

void EventLoop::watch(int fd, short events, FdCallback cb) {
  watches_[fd] = {events, std::move(cb)};
}

void EventLoop::unwatch(int fd) {
  watches_.erase(fd);
}

void EventLoop::handle_signals(std::initializer_list<int> signals, std::function<void(int)> cb) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : signals)
    sigaddset(&mask, s);
  if (::pthread_sigmask(SIG_BLOCK, &mask, nullptr) != 0) {
    throw std::system_error(errno, std::generic_category(), "pthread_sigmask");
  }
  signal_fd_ = ::signalfd(signal_fd_, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd_ == -1) throw std::system_error(errno, std::generic_category(), "signalfd");
  signal_cb_ = std::move(cb);
  watch(signal_fd_, POLLIN, [this](short) {
    signalfd_siginfo info{};
    while (::read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (signal_cb_) signal_cb_(static_cast<int>(info.ssi_signo));
    }
  });
}

int EventLoop::next_timeout_ms() const {
  if (timer_order_.empty()) return -1;
  auto wait =
      std::chrono::ceil<std::chrono::milliseconds>(timer_order_.begin()->first - Clock::now());
  return wait.count() < 0 ? 0 : static_cast<int>(std::min<long long>(wait.count(), 60'000));
}

void EventLoop::drain_posted() {
  std::vector<Callback> work;
  {
    std::lock_guard lock(posted_mu_);
    work.swap(posted_);
  }
  for (auto& fn : work)
    fn();
}

void EventLoop::iterate(int timeout_ms) {
  std::vector<pollfd> fds;
  fds.reserve(watches_.size());
  for (const auto& [fd, w] : watches_)
    fds.push_back({fd, w.first, 0});
  int n = ::poll(fds.data(), fds.size(), timeout_ms);
  if (n > 0) {
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      auto it = watches_.find(p.fd);  // an earlier callback may have removed it
      if (it == watches_.end()) continue;
      FdCallback cb = it->second.second;  // copy: the callback may replace its own watch
      cb(p.revents);
    }
  }
  const auto now = Clock::now();
  while (!timer_order_.empty() && timer_order_.begin()->first <= now) {
    TimerId id = timer_order_.begin()->second;
    timer_order_.erase(timer_order_.begin());
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;
    Callback cb = std::move(it->second.second);
    timers_.erase(it);
    cb();
  }
  drain_posted();
}

void EventLoop::run() {
  stopping_ = false;
  while (!stopping_)
    iterate(next_timeout_ms());
}

void EventLoop::run_once(std::chrono::milliseconds max_wait) {
  int t = next_timeout_ms();
  int cap = static_cast<int>(max_wait.count());
  iterate(t < 0 ? cap : std::min(t, cap));
}

}  // namespace sb
