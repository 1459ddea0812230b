// SPDX-License-Identifier: Apache-2.0
// The power-quality summary behind `sunbridge pq`: per leg, the share of 10-minute intervals
// whose mean was inside the statutory band (intervals overlapping an event are counted apart),
// the lowest and highest reading, voltage events by class, frequency excursions and outages.
// Pure: stored intervals and events in. See docs/checks.md.
#pragma once

#include <map>

#include "sunbridge/core/event.hpp"
#include "sunbridge/domain/checks/statutory_band.hpp"

namespace sb::domain::checks {

struct PqLegSummary {
  std::string leg;
  int intervals = 0;  // with data
  int flagged = 0;    // overlapped an event: not judged
  int within = 0;     // judged and inside the band
  std::optional<double> min_v, max_v;
  [[nodiscard]] int judged() const { return intervals - flagged; }
  [[nodiscard]] std::optional<double> within_pct() const {
    if (judged() == 0) return std::nullopt;
    return 100.0 * within / judged();
  }
};

struct PqReport {
  std::vector<PqLegSummary> legs;     // L1, L2, L1-L2
  std::map<std::string, int> events;  // dip, swell, interruption, frequency, band
  int outages_short = 0, outages_long = 0;
  double outage_s = 0;  // total duration of the ended outages
};

PqReport pq_report(const std::vector<PqInterval>& intervals, const std::vector<Event>& events);

}  // namespace sb::domain::checks
