// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/core/worker_thread.hpp"

#include <pthread.h>

namespace sb {

WorkerThread::WorkerThread(std::string name) : name_(std::move(name)) {
  thread_ = std::thread([this] { run(); });
  // Thread names are at most 15 characters; visible in top -H and gdb.
  ::pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

WorkerThread::~WorkerThread() {
  stop();
}

bool WorkerThread::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void WorkerThread::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    jobs_.clear();
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::size_t WorkerThread::pending() const {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

void WorkerThread::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace sb
