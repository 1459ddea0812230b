// SPDX-License-Identifier: Apache-2.0
// Which events go out to a person, and when (docs/reports.md "Notifications"): events at or above
// a severity are grouped for a while, so a burst is one message; a kind that repeats (a flapping
// condition) is one line with a count; at most so many messages an hour, the rest wait and join
// the next; a message that could not be sent is tried again later, doubling the wait. Pure: the
// caller supplies the time and does the sending.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "sunbridge/core/event.hpp"

namespace sb::domain {

struct NotifyPolicy {
  Severity min_severity = Severity::kWarning;
  std::chrono::seconds group{120};
  int max_per_hour = 6;
  std::chrono::seconds retry_min{60}, retry_max{3600};
  std::size_t max_kinds = 50;  // distinct kinds kept in one message; more are only counted
};

// One kind of event within a message.
struct NotifyEntry {
  std::string kind;
  Severity severity = Severity::kInfo;  // the highest seen
  std::string first_message, last_message;
  WallTime first{}, last{};
  int count = 0;
};

struct NotifyBatch {
  std::vector<NotifyEntry> entries;  // in order of first occurrence
  int left_out = 0;                  // events of kinds beyond max_kinds
  [[nodiscard]] Severity highest() const;
  [[nodiscard]] int events() const;
};

class NotifyBatcher {
 public:
  explicit NotifyBatcher(NotifyPolicy policy) : policy_(policy) {}

  // Keeps `e` if it is severe enough; false when it is below the threshold.
  bool add(const Event& e);
  // The message to send now, if one is due: the group time has passed since its first event
  // (a critical event does not wait for the group), the hourly limit allows one, and no retry
  // wait is running. Taking it counts it as sent for the limit; report the outcome with
  // sent() or failed().
  std::optional<NotifyBatch> take(WallTime now);
  void sent();
  // Puts the batch back in front (events since join it) and waits before the next try.
  void failed(NotifyBatch batch, WallTime now);
  // When take() should be asked next (nullopt: nothing waiting).
  [[nodiscard]] std::optional<WallTime> next_due() const;
  [[nodiscard]] bool waiting() const { return !pending_.entries.empty() || pending_.left_out > 0; }
  // What waits to be sent (not what take() handed out and is not yet reported).
  [[nodiscard]] const NotifyBatch& pending() const { return pending_; }
  // Events not sent before a stop, kept across it: they wait as new ones would (the group time
  // from `now`, none for a critical one), joined by any that came since.
  void restore(const NotifyBatch& batch, WallTime now);
  // When the messages of the hour before `now` were taken, oldest first: kept across a stop so
  // that the hourly limit holds over restarts.
  [[nodiscard]] std::vector<WallTime> sent_in_last_hour(WallTime now) const;
  // Messages taken before a stop count against the limit again. One stamped after `now` (the
  // clock was set back since, as on a gateway without a clock battery) counts as taken at
  // `now`: the limit then holds for an hour at most.
  void restore_sent(const std::vector<WallTime>& sent, WallTime now);

 private:
  void merge(const NotifyEntry& entry);
  NotifyPolicy policy_;
  NotifyBatch pending_;
  std::optional<WallTime> pending_since_;
  bool urgent_ = false;
  std::deque<WallTime> sent_times_;  // within the last hour
  std::chrono::seconds retry_wait_{0};
  std::optional<WallTime> retry_after_;
};

// The message text: a subject line and a body, one line per kind.
struct NotifyText {
  std::string subject, body;
};
NotifyText notify_text(const NotifyBatch& batch, const std::string& site_name);

}  // namespace sb::domain
