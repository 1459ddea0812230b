// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/notify_batcher.hpp"

#include <algorithm>

#include "sunbridge/core/local_time.hpp"

namespace sb::domain {

namespace {
// What max_per_hour counts over: a message stops counting an hour after it was taken.
constexpr auto kLimitWindow = std::chrono::hours(1);
}  // namespace

Severity NotifyBatch::highest() const {
  Severity s = Severity::kInfo;
  for (const auto& e : entries)
    s = std::max(s, e.severity);
  return s;
}

int NotifyBatch::events() const {
  int n = left_out;
  for (const auto& e : entries)
    n += e.count;
  return n;
}

void NotifyBatcher::merge(const NotifyEntry& entry) {
  auto it = std::find_if(pending_.entries.begin(), pending_.entries.end(),
                         [&](const NotifyEntry& p) { return p.kind == entry.kind; });
  if (it != pending_.entries.end()) {
    it->severity = std::max(it->severity, entry.severity);
    if (entry.first < it->first) {
      it->first = entry.first;
      it->first_message = entry.first_message;
    }
    if (entry.last >= it->last) {
      it->last = entry.last;
      it->last_message = entry.last_message;
    }
    it->count += entry.count;
    return;
  }
  if (pending_.entries.size() >= policy_.max_kinds) {
    pending_.left_out += entry.count;
    return;
  }
  pending_.entries.push_back(entry);
}

bool NotifyBatcher::add(const Event& e) {
  if (e.severity < policy_.min_severity) return false;
  merge({e.kind, e.severity, e.message, e.message, e.ts, e.ts, 1});
  if (!pending_since_) pending_since_ = e.ts;
  if (e.severity == Severity::kCritical) urgent_ = true;
  return true;
}

void NotifyBatcher::restore(const NotifyBatch& batch, WallTime now) {
  for (const auto& e : batch.entries)
    merge(e);
  pending_.left_out += batch.left_out;
  if (!waiting()) return;
  if (!pending_since_) pending_since_ = now;
  if (pending_.highest() == Severity::kCritical) urgent_ = true;
}

std::vector<WallTime> NotifyBatcher::sent_in_last_hour(WallTime now) const {
  std::vector<WallTime> out;
  for (const WallTime t : sent_times_) {
    if (t + kLimitWindow > now) out.push_back(t);
  }
  return out;
}

void NotifyBatcher::restore_sent(const std::vector<WallTime>& sent, WallTime now) {
  for (const WallTime t : sent) {
    if (t + kLimitWindow > now) sent_times_.push_back(std::min(t, now));
  }
  std::sort(sent_times_.begin(), sent_times_.end());
}

std::optional<WallTime> NotifyBatcher::next_due() const {
  if (!waiting() || !pending_since_) return std::nullopt;
  WallTime due = urgent_ ? *pending_since_ : *pending_since_ + policy_.group;
  if (retry_after_) due = std::max(due, *retry_after_);
  if (static_cast<int>(sent_times_.size()) >= policy_.max_per_hour) {
    due = std::max(due, sent_times_.front() + kLimitWindow);
  }
  return due;
}

std::optional<NotifyBatch> NotifyBatcher::take(WallTime now) {
  while (!sent_times_.empty() && sent_times_.front() + kLimitWindow <= now)
    sent_times_.pop_front();
  const auto due = next_due();
  if (!due || now < *due) return std::nullopt;
  NotifyBatch out = std::move(pending_);
  pending_ = {};
  pending_since_.reset();
  urgent_ = false;
  sent_times_.push_back(now);
  return out;
}

void NotifyBatcher::sent() {
  retry_wait_ = std::chrono::seconds(0);
  retry_after_.reset();
}

void NotifyBatcher::failed(NotifyBatch batch, WallTime now) {
  // The failed message did not reach anyone: it does not count against the hourly limit.
  if (!sent_times_.empty()) sent_times_.pop_back();
  NotifyBatch later = std::move(pending_);
  pending_ = {};
  for (const auto& e : batch.entries)
    merge(e);
  pending_.left_out += batch.left_out;
  for (const auto& e : later.entries)
    merge(e);
  pending_.left_out += later.left_out;
  WallTime first = now;
  for (const auto& e : pending_.entries)
    first = std::min(first, e.first);
  pending_since_ = first;
  urgent_ = pending_.highest() == Severity::kCritical;
  retry_wait_ =
      retry_wait_.count() == 0 ? policy_.retry_min : std::min(retry_wait_ * 2, policy_.retry_max);
  retry_after_ = now + retry_wait_;
}

NotifyText notify_text(const NotifyBatch& batch, const std::string& site_name) {
  NotifyText t;
  const int n = batch.events();
  const std::string what = batch.entries.size() == 1 && batch.left_out == 0
                               ? batch.entries.front().last_message
                               : std::to_string(n) + " events";
  t.subject = "sunbridge " + site_name + ": " + to_string(batch.highest()) + ": " + what;
  if (t.subject.size() > 140) t.subject = t.subject.substr(0, 137) + "...";
  for (const auto& e : batch.entries) {
    t.body += format_local(e.first) + "  " + to_string(e.severity) + "  " + e.kind + "\n  " +
              e.first_message + "\n";
    if (e.count > 1) {
      t.body += "  " + std::to_string(e.count) + " times until " + format_local(e.last) +
                "; the last: " + e.last_message + "\n";
    }
  }
  if (batch.left_out > 0) {
    t.body += std::to_string(batch.left_out) +
              " more events of other kinds (sunbridge events shows them all)\n";
  }
  return t;
}

}  // namespace sb::domain
