// SPDX-License-Identifier: Apache-2.0
// A thread that runs submitted jobs one at a time, in order. The bus owner uses one so that slow
// serial transactions never block the event loop; jobs hand their results back by posting to
// the loop, never by touching its state.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sb {

class WorkerThread {
 public:
  explicit WorkerThread(std::string name);
  ~WorkerThread();
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // Queues `job`. False (and the job is dropped) once stop() was called.
  bool submit(std::function<void()> job);
  // Lets the running job finish, drops queued ones, joins. Idempotent.
  void stop();
  [[nodiscard]] std::size_t pending() const;

 private:
  void run();

  std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sb
