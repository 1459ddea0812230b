// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "sunbridge/device/link_health.hpp"

using namespace sb::device;
using namespace std::chrono_literals;

TEST_CASE("online -> degraded -> offline, then recovery", "[unit][health]") {
  LinkHealth h({3, 1000ms, 8000ms});
  sb::MonoTime t{};
  CHECK(h.state() == LinkState::kOffline);
  auto tr = h.record({5, 0, false, ""}, t);
  REQUIRE(tr);
  CHECK(tr->from == LinkState::kOffline);
  CHECK(tr->to == LinkState::kOnline);
  CHECK_FALSE(h.record({5, 0, false, ""}, t));  // no transition, nothing to log

  tr = h.record({4, 1, false, "timeout"}, t);  // partial failure
  REQUIRE(tr);
  CHECK(tr->to == LinkState::kDegraded);
  CHECK(h.record({5, 0, false, ""}, t)->to == LinkState::kOnline);

  CHECK(h.record({0, 1, false, "timeout"}, t)->to == LinkState::kDegraded);
  CHECK_FALSE(h.record({0, 1, false, "timeout"}, t));
  tr = h.record({0, 1, false, "timeout"}, t);  // the third failed cycle
  REQUIRE(tr);
  CHECK(tr->to == LinkState::kOffline);
  CHECK(tr->reason.find("timeout") != std::string::npos);
  CHECK_FALSE(h.may_attempt(t + 999ms));
  CHECK(h.may_attempt(t + 1000ms));
  CHECK(h.record({3, 0, false, ""}, t + 1000ms)->to == LinkState::kOnline);
}

TEST_CASE("a lost port is offline at once, back-off doubles up to the cap", "[unit][health]") {
  LinkHealth h({3, 1000ms, 4000ms});
  sb::MonoTime t{};
  h.record({1, 0, false, ""}, t);
  CHECK(h.record({0, 1, true, "disconnected"}, t)->to == LinkState::kOffline);
  CHECK(h.next_attempt() == t + 1000ms);
  h.record({0, 1, true, "disconnected"}, t + 1000ms);
  CHECK(h.next_attempt() == t + 3000ms);  // 2 s
  h.record({0, 1, true, "disconnected"}, t + 3000ms);
  CHECK(h.next_attempt() == t + 7000ms);  // 4 s
  h.record({0, 1, true, "disconnected"}, t + 7000ms);
  CHECK(h.next_attempt() == t + 11000ms);  // capped at 4 s
  h.record({2, 0, false, ""}, t + 11000ms);
  CHECK(h.backoff() == 1000ms);  // reset after recovery
}

TEST_CASE("each transition says why, in the words of its cycle", "[unit][health]") {
  LinkHealth h({2, 1000ms, 8000ms});
  sb::MonoTime t{};
  auto tr = h.record({5, 0, false, ""}, t);
  REQUIRE(tr);
  CHECK(tr->reason == "all transactions answered");
  tr = h.record({4, 1, false, "timeout"}, t);
  REQUIRE(tr);
  CHECK(tr->reason == "1 of 5 transactions failed, last: timeout");
  CHECK_FALSE(h.record({4, 1, false, "crc"}, t));  // still degraded: no words built or given
  tr = h.record({0, 2, false, "timeout"}, t);
  CHECK_FALSE(tr);  // one failed cycle: degraded still
  tr = h.record({0, 2, false, "no answer"}, t);
  REQUIRE(tr);
  CHECK(tr->to == LinkState::kOffline);
  // The wait scheduled by this cycle, not the doubled one kept for the next.
  CHECK(tr->reason == "no answer; next attempt in 1000 ms");
  CHECK(h.backoff() == 2000ms);
  tr = h.record({0, 1, true, "port gone"}, t + 1000ms);
  CHECK_FALSE(tr);  // offline already
  tr = h.record({1, 0, false, ""}, t + 3000ms);
  REQUIRE(tr);
  CHECK(tr->reason == "all transactions answered");
}
