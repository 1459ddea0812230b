// SPDX-License-Identifier: Apache-2.0
#include "sunbridge/domain/checks/statutory_band.hpp"

#include <algorithm>
#include <cmath>

#include "sunbridge/core/local_time.hpp"
#include "sunbridge/core/text.hpp"

namespace sb::domain::checks {

namespace {

WallTime interval_of(WallTime t) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::minutes>(t.time_since_epoch());
  return WallTime(since_epoch - since_epoch % StatutoryBand::kInterval);
}

}  // namespace

LegBand band_of(const BandLimits& limits, const std::string& leg) {
  if (leg == "L1-L2") return {limits.l12_v, limits.l12_tolerance_v};
  return {limits.leg_v, limits.leg_tolerance_v};
}

bool within_band(const BandLimits& limits, const std::string& leg, double mean_v) {
  const LegBand b = band_of(limits, leg);
  return std::fabs(mean_v - b.nominal_v) <= b.tolerance_v;
}

StatutoryBand::StatutoryBand(BandLimits limits) : limits_(limits) {
  status_ = initial_status("pq.band", "V",
                           "10-minute means within " + fixed(limits_.leg_v, 0) + " +/- " +
                               fixed(limits_.leg_tolerance_v, 0) + " V per leg, " +
                               fixed(limits_.l12_v, 0) + " +/- " +
                               fixed(limits_.l12_tolerance_v, 0) + " V leg to leg");
}

std::vector<PqInterval> StatutoryBand::take_closed() {
  std::vector<PqInterval> out;
  out.swap(closed_);
  return out;
}

std::vector<Event> StatutoryBand::update(const PointStore& points, WallTime now, bool disturbed) {
  std::vector<Event> out;
  const WallTime start = interval_of(now);
  if (interval_start_ && start != *interval_start_) close_interval(now, out);
  if (!interval_start_ || start != *interval_start_) {
    interval_start_ = start;
    flagged_ = false;
    acc_.clear();
  }
  flagged_ |= disturbed;
  auto l1 = points.fresh_number("grid.l1.voltage", now);
  auto l2 = points.fresh_number("grid.l2.voltage", now);
  auto add = [&](const std::string& leg, double v) {
    Accumulator& a = acc_[leg];
    a.min = a.n == 0 ? v : std::min(a.min, v);
    a.max = a.n == 0 ? v : std::max(a.max, v);
    a.sum += v;
    ++a.n;
  };
  if (l1) add("L1", *l1);
  if (l2) add("L2", *l2);
  if (l1 && l2) add("L1-L2", *l1 + *l2);
  return out;
}

void StatutoryBand::close_interval(WallTime now, std::vector<Event>& out) {
  std::vector<std::string> outside;
  double worst = 0;
  bool any = false;
  for (const auto& [leg, a] : acc_) {
    if (a.n == 0) continue;
    PqInterval iv{*interval_start_, leg, a.sum / a.n, a.min, a.max, a.n, flagged_, false};
    iv.within = within_band(limits_, leg, iv.mean_v);
    closed_.push_back(iv);
    if (flagged_) continue;
    any = true;
    if (!iv.within) {
      outside.push_back(leg + " " + fixed(iv.mean_v, 1) + " V");
      const double nominal = band_of(limits_, leg).nominal_v;
      if (std::fabs(iv.mean_v - nominal) > std::fabs(worst)) worst = iv.mean_v - nominal;
    }
  }
  if (!any) return;  // no data, or flagged: no verdict on the band
  status_.known = true;
  if (!outside.empty()) {
    status_.level = Level::kWarning;
    status_.state = "outside";
    status_.value = worst;
    if (!event_start_) {
      event_start_ = *interval_start_;
      event_worst_deviation_v_ = worst;
      status_.since = *interval_start_;
      out.push_back({now,
                     "pq.band",
                     Severity::kWarning,
                     "10-minute mean supply voltage outside the statutory band: " +
                         join(outside, ", ") + " (" + status_.threshold + ")",
                     {{"interval_start", format_iso8601_utc(*interval_start_)},
                      {"legs", join(outside, ", ")},
                      {"deviation_v", fixed(worst, 1)}}});
    } else if (std::fabs(worst) > std::fabs(event_worst_deviation_v_)) {
      event_worst_deviation_v_ = worst;
    }
    return;
  }
  status_.value = 0.0;
  if (status_.level != Level::kOk || status_.state != "within") status_.since = *interval_start_;
  status_.level = Level::kOk;
  status_.state = "within";
  if (event_start_) {
    const auto minutes =
        std::chrono::duration_cast<std::chrono::minutes>(*interval_start_ - *event_start_).count();
    out.push_back({now,
                   "pq.band.ended",
                   Severity::kInfo,
                   "supply voltage back inside the statutory band after " +
                       std::to_string(minutes) + " minutes (worst deviation " +
                       fixed(event_worst_deviation_v_, 1) + " V)",
                   {{"start", format_iso8601_utc(*event_start_)},
                    {"end", format_iso8601_utc(*interval_start_)},
                    {"duration_min", std::to_string(minutes)},
                    {"deviation_v", fixed(event_worst_deviation_v_, 1)}}});
    event_start_.reset();
  }
}

}  // namespace sb::domain::checks
