// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/mail_plan.hpp"

namespace sb::app {

std::vector<std::string> MailPlan::start(const std::string& today,
                                         const std::vector<std::string>& wanted, WallTime now) {
  if (today != day_) {
    day_ = today;
    due_ = std::set<std::string>(wanted.begin(), wanted.end());
    in_flight_.clear();
    given_up_.clear();
    failures_.clear();
    retry_after_.reset();
  }
  if (!in_flight_.empty()) return {};  // one round at a time
  if (retry_after_ && now < *retry_after_) return {};
  std::vector<std::string> out(due_.begin(), due_.end());
  in_flight_ = due_;
  return out;
}

void MailPlan::finished(const std::string& today, const std::string& period, bool ok,
                        WallTime now) {
  if (today != day_) return;  // a send of an earlier day: today's plan is another
  in_flight_.erase(period);
  if (ok) {
    due_.erase(period);
    return;
  }
  if (++failures_[period] >= kMaxAttempts) {
    due_.erase(period);
    given_up_.insert(period);
    return;
  }
  retry_after_ = now + kRetry;
}

}  // namespace sb::app
