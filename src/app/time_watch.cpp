// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/app/time_watch.hpp"

namespace sb::app {

TimeWatch::TimeWatch(const TimeSyncSource& source, const Clock& clock, domain::PointStore& points)
    : source_(source), clock_(clock), points_(points) {}

std::optional<Event> TimeWatch::check() {
  const WallTime now = clock_.wall_now();
  TimeSyncState s = source_.read(now);
  const bool first = !state_;
  const bool changed = first || state_->synced != s.synced;
  points_.set(Point{"site.clock_synced", std::string(s.synced ? "yes" : "no"), "", Quality::kOk,
                    now, s.source + ": " + s.detail});
  state_ = s;
  if (!changed || (first && s.synced)) return std::nullopt;
  if (s.synced) {
    return Event{
        now,
        "site.clock_synced",
        Severity::kInfo,
        "the system clock is synchronised: clock-dependent work resumes (" + s.detail + ")",
        {{"source", s.source}}};
  }
  return Event{now,
               "site.clock_unsynced",
               Severity::kWarning,
               "the system clock cannot be trusted, so the gateway does not set the inverter "
               "clock, change settings by season or weather, or accept remote commands until it "
               "is: " +
                   s.detail,
               {{"source", s.source}, {"detail", s.detail}}};
}

std::string TimeWatch::refusal() const {
  if (trusted()) return "";
  return "the gateway's clock is not synchronised" +
         (state_ ? " (" + state_->detail + ")" : std::string());
}

}  // namespace sb::app
