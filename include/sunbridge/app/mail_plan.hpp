// SPDX-License-Identifier: Apache-2.0
// Which morning report e-mails are still to be sent today: each period (the day's report, on
// Mondays the week's) is sent until it succeeds or has failed three times, 15 minutes apart; a
// report that went out is never sent again because another one failed.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sunbridge/core/clock.hpp"

namespace sb::app {

class MailPlan {
 public:
  static constexpr int kMaxAttempts = 3;
  static constexpr std::chrono::minutes kRetry{15};

  // The periods to send now for local day `today` (each is then in flight until finished()).
  // `wanted` is what today calls for ("day", and "week" on Mondays).
  std::vector<std::string> start(const std::string& today, const std::vector<std::string>& wanted,
                                 WallTime now);
  // The outcome of one send started for `today`.
  void finished(const std::string& today, const std::string& period, bool ok, WallTime now);
  // Periods given up today after kMaxAttempts failures.
  [[nodiscard]] const std::set<std::string>& given_up() const { return given_up_; }

 private:
  std::string day_;
  std::set<std::string> due_;        // not yet sent today
  std::set<std::string> in_flight_;  // started, outcome not known yet
  std::set<std::string> given_up_;
  std::map<std::string, int> failures_;
  std::optional<WallTime> retry_after_;
};

}  // namespace sb::app
