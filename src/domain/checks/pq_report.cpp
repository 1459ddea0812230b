// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/pq_report.hpp"

#include <algorithm>
#include <cstdlib>

namespace sb::domain::checks {

PqReport pq_report(const std::vector<PqInterval>& intervals, const std::vector<Event>& events) {
  PqReport r;
  for (const char* leg : {"L1", "L2", "L1-L2"}) {
    PqLegSummary s;
    s.leg = leg;
    r.legs.push_back(std::move(s));
  }
  for (const auto& iv : intervals) {
    auto it = std::find_if(r.legs.begin(), r.legs.end(),
                           [&](const PqLegSummary& s) { return s.leg == iv.leg; });
    if (it == r.legs.end()) continue;
    ++it->intervals;
    if (iv.flagged) {
      ++it->flagged;
    } else if (iv.within) {
      ++it->within;
    }
    it->min_v = it->min_v ? std::min(*it->min_v, iv.min_v) : iv.min_v;
    it->max_v = it->max_v ? std::max(*it->max_v, iv.max_v) : iv.max_v;
  }
  for (const char* k : {"dip", "swell", "interruption", "frequency", "band"})
    r.events[k] = 0;
  // Events are counted where they start (the opening kind), outages where they end (the
  // ending carries the class and duration).
  const std::map<std::string, std::string> opening = {{"pq.dip", "dip"},
                                                      {"pq.swell", "swell"},
                                                      {"pq.interruption", "interruption"},
                                                      {"pq.frequency.warning", "frequency"},
                                                      {"pq.band", "band"}};
  for (const auto& e : events) {
    if (auto it = opening.find(e.kind); it != opening.end()) ++r.events[it->second];
    if (e.kind != "grid.outage.ended") continue;
    auto cls = e.details.find("class");
    const bool is_short = cls != e.details.end() && cls->second == "short";
    ++(is_short ? r.outages_short : r.outages_long);
    if (auto d = e.details.find("duration_s"); d != e.details.end()) {
      r.outage_s += std::strtod(d->second.c_str(), nullptr);
    }
  }
  return r;
}

}  // namespace sb::domain::checks
