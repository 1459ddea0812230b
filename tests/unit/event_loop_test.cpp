// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <thread>

#include "sunbridge/core/event_loop.hpp"
#include "sunbridge/core/worker_thread.hpp"

using namespace sb;
using namespace std::chrono_literals;

TEST_CASE("timers fire in order and can be cancelled", "[unit][loop]") {
  EventLoop loop;
  std::vector<int> order;
  loop.schedule_after(30ms, [&] { order.push_back(3); });
  loop.schedule_after(10ms, [&] { order.push_back(1); });
  auto cancelled = loop.schedule_after(20ms, [&] { order.push_back(2); });
  loop.cancel(cancelled);
  loop.schedule_after(40ms, [&] { loop.stop(); });
  loop.run();
  CHECK(order == std::vector<int>{1, 3});
}

TEST_CASE("work posted from other threads runs on the loop thread, in order", "[unit][loop]") {
  EventLoop loop;
  const auto loop_thread = std::this_thread::get_id();
  std::vector<int> seen;
  bool all_on_loop = true;
  WorkerThread worker("test-worker");
  for (int i = 0; i < 100; ++i) {
    worker.submit([&, i] {
      loop.post([&, i] {
        all_on_loop = all_on_loop && std::this_thread::get_id() == loop_thread;
        seen.push_back(i);
        if (i == 99) loop.stop();
      });
    });
  }
  loop.run();
  worker.stop();
  REQUIRE(seen.size() == 100);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(all_on_loop);
}

TEST_CASE("a stopped worker drops further jobs", "[unit][loop]") {
  WorkerThread worker("test-worker");
  worker.stop();
  CHECK_FALSE(worker.submit([] {}));
}
