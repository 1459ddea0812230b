// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/voltage_events.hpp"

#include <cmath>

#include "sunbridge/core/local_time.hpp"

namespace sb::domain::checks {

namespace {

// Severity order of the classes: an event that escalates keeps the worst.
int rank(const std::string& c) {
  if (c == "interruption") return 3;
  if (c == "dip") return 2;
  if (c == "swell") return 1;
  return 0;
}

}  // namespace

VoltageEvents::VoltageEvents(VoltageRule rule) : rule_(rule) {
  status_ = initial_status("pq.voltage", "%",
                           "dip < " + fixed(rule_.dip_pct, 0) + " %, swell > " +
                               fixed(rule_.swell_pct, 0) + " %, interruption < " +
                               fixed(rule_.interruption_pct, 0) + " % of " +
                               fixed(rule_.declared_leg_v, 0) + " V per leg and " +
                               fixed(rule_.declared_l12_v, 0) + " V leg to leg");
}

std::string VoltageEvents::classify(double pct, const std::string& current) const {
  const double h = rule_.hysteresis_pct;
  // Inside a class, a reading must be `h` back inside the limit to leave it.
  if (pct < rule_.interruption_pct + (current == "interruption" ? h : 0.0)) return "interruption";
  if (pct < rule_.dip_pct + (current == "dip" || current == "interruption" ? h : 0.0)) {
    return "dip";
  }
  if (pct > rule_.swell_pct - (current == "swell" ? h : 0.0)) return "swell";
  return "normal";
}

std::vector<Event> VoltageEvents::update(const PointStore& points, WallTime now) {
  const auto l1 = points.fresh_number("grid.l1.voltage", now);
  const auto l2 = points.fresh_number("grid.l2.voltage", now);
  std::vector<std::pair<std::string, double>> pct;  // leg -> % of its declared voltage
  if (l1) pct.emplace_back("L1", *l1 / rule_.declared_leg_v * 100.0);
  if (l2) pct.emplace_back("L2", *l2 / rule_.declared_leg_v * 100.0);
  if (l1 && l2) pct.emplace_back("L1-L2", (*l1 + *l2) / rule_.declared_l12_v * 100.0);
  if (pct.empty()) return {};  // nothing fresh: nothing starts, nothing ends
  std::string worst = "normal";
  double worst_pct = 100.0;
  std::string worst_leg;
  for (const auto& [leg, p] : pct) {
    const std::string c = classify(p, leg_class_[leg]);
    leg_class_[leg] = c;
    const bool further = std::fabs(p - 100.0) > std::fabs(worst_pct - 100.0);
    if (rank(c) > rank(worst) || (rank(c) == rank(worst) && c != "normal" && further)) {
      worst = c;
      worst_pct = p;
      worst_leg = leg;
    }
  }
  // Every leg that is not fresh keeps its last class: it cannot end an event either.
  bool all_normal = worst == "normal";
  for (const auto& [leg, c] : leg_class_)
    all_normal = all_normal && c == "normal";
  status_.known = true;
  status_.value = pct.front().second;
  std::vector<Event> out;
  if (event_class_.empty()) {
    if (all_normal) {
      last_normal_ = now;
      status_.state = "normal";
      status_.level = Level::kOk;
      return out;
    }
    event_class_ = worst;
    first_abnormal_ = now;
    last_abnormal_ = now;
    last_normal_before_ = last_normal_;
    extreme_pct_ = worst_pct;
    extreme_leg_ = worst_leg;
    status_.state = worst;
    status_.level = worst == "interruption" ? Level::kCritical : Level::kWarning;
    status_.since = now;
    out.push_back(
        {now,
         "pq." + worst,
         worst == "interruption" ? Severity::kCritical : Severity::kWarning,
         "voltage " + worst + " on " + worst_leg + ": " + fixed(worst_pct, 1) +
             " % of nominal (polled RMS)",
         {{"leg", worst_leg}, {"percent", fixed(worst_pct, 1)}, {"measurement", "polled RMS"}}});
    return out;
  }
  if (!all_normal) {
    last_abnormal_ = now;
    if (rank(worst) > rank(event_class_)) event_class_ = worst;
    if (std::fabs(worst_pct - 100.0) > std::fabs(extreme_pct_ - 100.0)) {
      extreme_pct_ = worst_pct;
      extreme_leg_ = worst_leg;
    }
    status_.state = event_class_;
    return out;
  }
  // Every leg has recovered: the event ends. It began after the last normal poll and ended
  // before this one.
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto min_ms = duration_cast<milliseconds>(last_abnormal_ - first_abnormal_).count();
  const auto max_ms =
      duration_cast<milliseconds>(now - last_normal_before_.value_or(first_abnormal_)).count();
  out.push_back({now,
                 "pq." + event_class_ + ".ended",
                 Severity::kInfo,
                 "voltage " + event_class_ + " ended: lasted " + fixed(min_ms / 1000.0, 1) +
                     " to " + fixed(max_ms / 1000.0, 1) + " s (polled RMS); extreme " +
                     fixed(extreme_pct_, 1) + " % on " + extreme_leg_,
                 {{"class", event_class_},
                  {"start", format_iso8601_utc(first_abnormal_)},
                  {"end", format_iso8601_utc(now)},
                  {"duration_min_s", fixed(min_ms / 1000.0, 1)},
                  {"duration_max_s", fixed(max_ms / 1000.0, 1)},
                  {"extreme_percent", fixed(extreme_pct_, 1)},
                  {"leg", extreme_leg_},
                  {"measurement", "polled RMS"}}});
  event_class_.clear();
  last_normal_ = now;
  status_.state = "normal";
  status_.level = Level::kOk;
  status_.since = now;
  return out;
}

}  // namespace sb::domain::checks
