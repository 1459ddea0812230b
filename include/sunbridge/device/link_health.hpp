// SPDX-License-Identifier: Apache-2.0
// Link health of one device: online -> degraded -> offline, with exponential back-off between
// attempts while offline. Pure: fed with cycle outcomes and times, it says what changed.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "sunbridge/core/clock.hpp"

namespace sb::device {

enum class LinkState { kOnline, kDegraded, kOffline };
const char* to_string(LinkState state);

struct HealthPolicy {
  int offline_after = 3;  // consecutive cycles with no successful transaction
  std::chrono::milliseconds backoff_min{1000};
  std::chrono::milliseconds backoff_max{60000};
};

struct CycleOutcome {
  int succeeded = 0;       // transactions that got a valid reply (exceptions count: it answered)
  int failed = 0;          // transactions that got no valid reply
  bool port_lost = false;  // the port could not be opened or vanished
  std::string last_error;
};

struct Transition {
  LinkState from;
  LinkState to;
  std::string reason;
};

class LinkHealth {
 public:
  explicit LinkHealth(HealthPolicy policy) : policy_(policy), backoff_(policy.backoff_min) {}

  // Records one poll cycle (or open attempt). Returns the transition if the state changed.
  std::optional<Transition> record(const CycleOutcome& outcome, MonoTime now);
  // False while offline and the back-off has not elapsed: do not touch the port.
  [[nodiscard]] bool may_attempt(MonoTime now) const {
    return state_ != LinkState::kOffline || now >= next_attempt_;
  }
  [[nodiscard]] LinkState state() const { return state_; }
  [[nodiscard]] MonoTime next_attempt() const { return next_attempt_; }
  [[nodiscard]] std::chrono::milliseconds backoff() const { return backoff_; }
  [[nodiscard]] int consecutive_failures() const { return consecutive_failures_; }

 private:
  // Why the state is what it is after `outcome` (`backoff`: the wait that was scheduled).
  std::string reason(const CycleOutcome& outcome, std::chrono::milliseconds backoff) const;

  HealthPolicy policy_;
  // Starts offline: nothing is known until the first successful exchange.
  LinkState state_ = LinkState::kOffline;
  int consecutive_failures_ = 0;
  std::chrono::milliseconds backoff_;
  MonoTime next_attempt_{};
};

}  // namespace sb::device
