// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/device/link_health.hpp"

#include <algorithm>

namespace sb::device {

const char* to_string(LinkState state) {
  switch (state) {
    case LinkState::kOnline:
      return "online";
    case LinkState::kDegraded:
      return "degraded";
    case LinkState::kOffline:
      return "offline";
  }
  return "offline";
}

std::optional<Transition> LinkHealth::record(const CycleOutcome& outcome, MonoTime now) {
  const LinkState before = state_;
  const auto backoff_now = backoff_;
  if (outcome.succeeded > 0) {
    consecutive_failures_ = 0;
    backoff_ = policy_.backoff_min;
    state_ = outcome.failed == 0 ? LinkState::kOnline : LinkState::kDegraded;
  } else {
    ++consecutive_failures_;
    if (outcome.port_lost || consecutive_failures_ >= policy_.offline_after ||
        state_ == LinkState::kOffline) {
      state_ = LinkState::kOffline;
      next_attempt_ = now + backoff_;
      backoff_ = std::min(backoff_ * 2, policy_.backoff_max);
    } else {
      state_ = LinkState::kDegraded;
    }
  }
  // The reason is worded only for a change: a poll records a cycle every second or so, and
  // building the text each time showed in its profile.
  if (state_ == before) return std::nullopt;
  return Transition{before, state_, reason(outcome, backoff_now)};
}

std::string LinkHealth::reason(const CycleOutcome& outcome,
                               std::chrono::milliseconds backoff) const {
  if (outcome.succeeded > 0) {
    if (outcome.failed == 0) return "all transactions answered";
    return std::to_string(outcome.failed) + " of " +
           std::to_string(outcome.failed + outcome.succeeded) +
           " transactions failed, last: " + outcome.last_error;
  }
  if (state_ == LinkState::kOffline) {
    return outcome.last_error + "; next attempt in " + std::to_string(backoff.count()) + " ms";
  }
  return outcome.last_error;
}

}  // namespace sb::device
